/** SQL for phases (migrations/0002_challenges.sql). */
import type { PhaseRow } from './rows.ts';
import type { PhaseFields } from './phase-input.ts';
import type { Queryable } from './queryable.ts';

export type PhaseWithCaseCount = PhaseRow & { case_count: number };

const FIELDS_SQL = `name, kind, opens_at, closes_at, daily_limit, total_limit, show_case_results, ranking, leaderboard_pick, teams_inspect_in_3d,
  model_max_bytes, model_time_limit_s, model_memory_limit_mb, results_visibility, metric_suites`;

const FIELD_COUNT = FIELDS_SQL.split(',').length;
/** `$from, $from+1, …` for the phase's fields, so the column list and the placeholders cannot drift apart. */
const placeholders = (from: number) => Array.from({ length: FIELD_COUNT }, (_, i) => `$${from + i}`).join(', ');

function fieldValues(fields: PhaseFields): unknown[] {
  return [
    fields.name,
    fields.kind,
    fields.opensAt,
    fields.closesAt,
    fields.dailyLimit,
    fields.totalLimit,
    fields.showCaseResults,
    JSON.stringify(fields.ranking),
    fields.leaderboardPick,
    fields.teamsInspectIn3d,
    fields.modelMaxBytes,
    fields.modelTimeLimitS,
    fields.modelMemoryLimitMb,
    fields.resultsVisibility,
    fields.metricSuites,
  ];
}

/** Throws a unique violation (phases_challenge_id_name_key) when the name is taken in the challenge. */
export async function insertPhase(db: Queryable, challengeId: number, fields: PhaseFields): Promise<PhaseRow> {
  const result = await db.query<PhaseRow>(
    `insert into phases (challenge_id, ${FIELDS_SQL}) values ($1, ${placeholders(2)}) returning *`,
    [challengeId, ...fieldValues(fields)],
  );
  return result.rows[0];
}

/** Rewrites every field of a phase (the caller merged the changes into the stored row). */
export async function updatePhase(db: Queryable, id: number, fields: PhaseFields): Promise<PhaseRow> {
  const result = await db.query<PhaseRow>(
    `update phases set (${FIELDS_SQL}) = (${placeholders(2)}) where id = $1 returning *`,
    [id, ...fieldValues(fields)],
  );
  return result.rows[0];
}

export async function phasesOfChallenge(db: Queryable, challengeId: number): Promise<PhaseWithCaseCount[]> {
  const result = await db.query<PhaseWithCaseCount>(
    `select p.*, (select count(*) from cases c where c.phase_id = p.id)::int as case_count
     from phases p where p.challenge_id = $1 order by p.opens_at, p.id`,
    [challengeId],
  );
  return result.rows;
}

/** Whether any case of the phase has a published score (then its suites change only through a re-evaluation run). */
export async function phaseHasResults(db: Queryable, phaseId: number): Promise<boolean> {
  const result = await db.query(
    `select 1 from evaluations e join submissions s on s.id = e.submission_id
      where s.phase_id = $1 and e.run_id is null and e.status = 'done' limit 1`,
    [phaseId],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function phaseHasSubmissions(db: Queryable, phaseId: number): Promise<boolean> {
  const result = await db.query('select 1 from submissions where phase_id = $1 limit 1', [phaseId]);
  return (result.rowCount ?? 0) > 0;
}
