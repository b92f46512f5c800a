/**
 * Bounded disks, per team: the bytes a team has on their way in at once — multipart bodies this server process is
 * receiving (their Content-Length, admitted before the first byte is read) plus the unreceived bytes of the team's
 * open resumable uploads (from the database, so every process sees them) — stay within
 * TEAM_UPLOAD_BYTES_IN_FLIGHT; over it, 429 UPLOAD_BUDGET_EXCEEDED before anything is received. And free space:
 * an upload is refused (507) before its first byte when it would leave less than UPLOAD_RESERVE_BYTES free,
 * counting the caller's own team's reservations but never another team's, so no team's reservations can make
 * another team's upload fail (reservations are bounded per team here and expire after UPLOAD_IDLE_EXPIRY_S when
 * no byte arrives).
 */
import type { AppDeps } from '../app-deps.ts';
import type { TeamRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';
import { formatBytes } from './received-upload.ts';
import { requireRoomFor } from './resumable/upload-space.ts';
import { teamPromisedBytes } from './resumable/upload-store.ts';

export class TeamUploadBudget {
  private readonly receiving = new Map<number, number>();

  constructor(private readonly deps: Pick<AppDeps, 'db' | 'config' | 'storage'>) {}

  /**
   * Admits `bytes` more for the team (a multipart body, or a new reservation when `hold` is false: the database
   * row then holds it) after the free-space check; returns the release of what it holds (call it when done).
   */
  async admit(team: Pick<TeamRow, 'id' | 'name'>, bytes: number, hold: boolean): Promise<() => void> {
    const reserved = await teamPromisedBytes(this.deps.db, team.id);
    await requireRoomFor(this.deps.storage.scratchDir, bytes, reserved, this.deps.config.uploadReserveBytes);
    const receiving = this.receiving.get(team.id) ?? 0;
    const limit = this.deps.config.teamUploadBytesInFlight;
    if (receiving + reserved + bytes > limit) {
      throw new AppError(
        'UPLOAD_BUDGET_EXCEEDED',
        `team "${team.name}" has ${formatBytes(receiving + reserved)} on their way in (uploads in progress and reserved resumable uploads); this upload of ${formatBytes(bytes)} would pass the ${formatBytes(limit)} a team may have in flight — let the others finish, or delete open uploads (DELETE /api/uploads/:id), then retry`,
      );
    }
    if (!hold) return () => undefined;
    this.receiving.set(team.id, receiving + bytes);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.receiving.get(team.id) ?? bytes) - bytes;
      if (left > 0) this.receiving.set(team.id, left);
      else this.receiving.delete(team.id);
    };
  }
}
