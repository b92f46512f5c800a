/**
 * Who may download a release now: the challenge's organisers always; otherwise a signed-in member of an
 * accepted team (a rejected — disqualified — team loses access at once: every request reads the team's status),
 * who personally accepted the challenge's data-use agreement, whose team's access to this release was not
 * revoked, while the release is open. Nothing is cached: each request decides afresh.
 */
import type { UserRow } from '../auth/store.ts';
import { isOrganiser, requireActiveTeam } from '../challenges/access.ts';
import type { ChallengeRow, TeamRow } from '../challenges/rows.ts';
import type { Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { isRevoked, type ReleaseRow } from './release-store.ts';

export interface ReleaseAccessDecision {
  readonly allowed: boolean;
  /** Why not, as a sentence the caller can act on; null when allowed. */
  readonly reason: string | null;
  readonly organiser: boolean;
  /** The caller's team when they download as a participant. */
  readonly team?: TeamRow;
  /** The status a refusal maps to: 401 for anonymous callers, 403 otherwise. */
  readonly refusal?: 'UNAUTHENTICATED' | 'FORBIDDEN';
}

export function isReleaseOpen(release: ReleaseRow, now = new Date()): boolean {
  return release.opens_at <= now && (release.closes_at === null || now < release.closes_at);
}

export async function decideReleaseAccess(
  db: Pool,
  challenge: ChallengeRow,
  release: ReleaseRow,
  user: UserRow | undefined,
  now = new Date(),
): Promise<ReleaseAccessDecision> {
  const refuse = (reason: string, refusal: 'UNAUTHENTICATED' | 'FORBIDDEN' = 'FORBIDDEN'): ReleaseAccessDecision => ({ allowed: false, reason, organiser: false, refusal });
  if (!user) return refuse('sign in to download: only members of an accepted team may', 'UNAUTHENTICATED');
  if (await isOrganiser(db, challenge.id, user)) return { allowed: true, reason: null, organiser: true };
  let team: TeamRow;
  try {
    team = await requireActiveTeam(db, challenge, user);
  } catch (error) {
    if (error instanceof AppError) return refuse(error.message);
    throw error;
  }
  if (await isRevoked(db, release.id, team.id)) return refuse(`the organisers revoked team "${team.name}"'s access to "${release.name}"`);
  if (release.opens_at > now) return refuse(`"${release.name}" opens at ${release.opens_at.toISOString()}`);
  if (release.closes_at !== null && release.closes_at <= now) return refuse(`"${release.name}" closed at ${release.closes_at.toISOString()}`);
  return { allowed: true, reason: null, organiser: false, team };
}

/** The decision, or the error it maps to. */
export async function requireReleaseAccess(
  db: Pool,
  challenge: ChallengeRow,
  release: ReleaseRow,
  user: UserRow | undefined,
): Promise<ReleaseAccessDecision> {
  const decision = await decideReleaseAccess(db, challenge, release, user);
  if (!decision.allowed) throw new AppError(decision.refusal ?? 'FORBIDDEN', decision.reason ?? 'no access');
  return decision;
}
