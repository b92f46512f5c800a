/**
 * Who may do what in a challenge. Platform admins may do everything; a challenge's organisers run it; a
 * participant acts through their team (one team per participant per challenge).
 */
import { AppError } from '../errors.ts';
import type { Pool } from '../db/pool.ts';
import type { UserRow } from '../auth/store.ts';

export interface ChallengeRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  participation_policy: 'auto' | 'review';
  data_agreement: string | null;
  created_by: number | null;
  created_at: Date;
}

export interface PhaseRow {
  id: number;
  challenge_id: number;
  name: string;
  kind: 'masks' | 'model';
  opens_at: Date;
  closes_at: Date;
  daily_limit: number;
  total_limit: number | null;
  show_case_results: boolean;
  /** Teams may open the 3D inspection (which reveals the gold standard's shape) of their own evaluations. */
  teams_inspect_in_3d: boolean;
  /** Model phases: upload size, and per-case inference time and memory. */
  model_max_bytes: number;
  model_time_limit_s: number;
  model_memory_limit_mb: number;
  ranking: RankingScheme;
  leaderboard_pick: 'best' | 'latest';
  created_at: Date;
}

export type RankedMetric = 'TD' | 'BD' | 'DSC' | 'Precision' | 'Sensitivity' | 'Specificity';
export type RankingScheme =
  | { scheme: 'weighted'; weights: Partial<Record<RankedMetric, number>> }
  | { scheme: 'mean-rank'; metrics: RankedMetric[] };

export interface TeamRow {
  id: number;
  challenge_id: number;
  name: string;
  invite_code: string;
  captain_id: number;
  status: 'pending' | 'accepted' | 'rejected';
  status_reason: string | null;
  created_at: Date;
}

export async function challengeBySlug(db: Pool, slug: string): Promise<ChallengeRow> {
  const row = (await db.query<ChallengeRow>('select * from challenges where slug = $1', [slug])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no challenge "${slug}"`);
  return row;
}

export async function challengeById(db: Pool, id: number): Promise<ChallengeRow> {
  const row = (await db.query<ChallengeRow>('select * from challenges where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no challenge ${id}`);
  return row;
}

export async function phaseById(db: Pool, id: number): Promise<PhaseRow> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no phase ${id}`);
  const row = (await db.query<PhaseRow>('select * from phases where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no phase ${id}`);
  return row;
}

export async function isOrganiser(db: Pool, challengeId: number, user: UserRow | undefined): Promise<boolean> {
  if (!user) return false;
  if (user.is_admin) return true;
  const result = await db.query('select 1 from challenge_organisers where challenge_id = $1 and user_id = $2', [challengeId, user.id]);
  return (result.rowCount ?? 0) > 0;
}

export async function requireOrganiser(db: Pool, challengeId: number, user: UserRow): Promise<void> {
  if (!(await isOrganiser(db, challengeId, user))) {
    throw new AppError('FORBIDDEN', 'only the organisers of this challenge may do this');
  }
}

/** The user's team in a challenge, with their agreement status; undefined when they have none. */
export async function teamOfUser(
  db: Pool,
  challengeId: number,
  userId: number,
): Promise<(TeamRow & { agreement_accepted_at: Date | null }) | undefined> {
  const result = await db.query<TeamRow & { agreement_accepted_at: Date | null }>(
    `select t.*, m.agreement_accepted_at from team_members m join teams t on t.id = m.team_id
     where m.challenge_id = $1 and m.user_id = $2`,
    [challengeId, userId],
  );
  return result.rows[0];
}

/**
 * The team a participant acts for, checked for what downloads and submissions need: an accepted participation
 * and, when the challenge has one, the data-use agreement accepted by this member.
 */
export async function requireActiveTeam(db: Pool, challenge: ChallengeRow, user: UserRow): Promise<TeamRow> {
  const team = await teamOfUser(db, challenge.id, user.id);
  if (!team) throw new AppError('FORBIDDEN', `join or create a team in "${challenge.slug}" first`);
  if (team.status === 'pending') throw new AppError('FORBIDDEN', `team "${team.name}" awaits the organisers' acceptance`);
  if (team.status === 'rejected') {
    throw new AppError('FORBIDDEN', `team "${team.name}" was not accepted${team.status_reason ? `: ${team.status_reason}` : ''}`);
  }
  if (challenge.data_agreement && !team.agreement_accepted_at) {
    throw new AppError('FORBIDDEN', `accept the data-use agreement of "${challenge.slug}" first (POST /api/challenges/${challenge.slug}/agreement)`);
  }
  return team;
}
