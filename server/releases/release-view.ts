/** A release as the API shows it: its files, total size, whether the caller may download and, if not, why. */
import type { Release } from '../../contract/releases.ts';
import type { ReleaseAccessDecision } from './release-access.ts';
import { isReleaseOpen } from './release-access.ts';
import type { ReleaseFileRow, ReleaseRow, RevocationRow } from './release-store.ts';

export function releaseView(
  release: ReleaseRow,
  files: readonly ReleaseFileRow[],
  access: ReleaseAccessDecision,
  revocations?: readonly RevocationRow[],
): Release {
  return {
    id: release.id,
    challengeId: release.challenge_id,
    phaseId: release.phase_id,
    kind: release.kind,
    name: release.name,
    description: release.description,
    version: release.version,
    opensAt: release.opens_at.toISOString(),
    closesAt: release.closes_at?.toISOString() ?? null,
    isOpen: isReleaseOpen(release),
    url: access.allowed ? release.external_url : null,
    files: files.map((f) => ({ id: f.id, name: f.name, size: f.size_bytes, sha256: f.sha256, role: f.role })),
    totalBytes: files.reduce((sum, f) => sum + f.size_bytes, 0),
    access: { allowed: access.allowed, reason: access.reason },
    ...(revocations ? { revokedTeams: revocations.map((r) => ({ teamId: r.team_id, teamName: r.team_name, reason: r.reason, revokedAt: r.revoked_at.toISOString() })) } : {}),
  };
}
