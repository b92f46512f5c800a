/**
 * The submissions part's SQL: submissions, their files and their published evaluations. (Reads of `cases` and
 * `gold_standards` here are the few columns validation and acceptance need.)
 */
import type { Pool, PoolClient } from '../db/pool.ts';
import type { ImageGeometry } from '../../evaluator/index.ts';
import type { SubmissionAggregate } from '../jobs/submission-aggregate.ts';
import type { CaseStatus, SubmissionStatus } from '../jobs/submission-status.ts';
import type { ResultsVisibility } from '../../contract/phases.ts';
import type { SubmissionWarning } from '../../contract/submission-files/submission-problems.ts';

type Db = Pool | PoolClient;

export interface PhaseCase {
  id: number;
  name: string;
  geometry: ImageGeometry;
}

export async function casesOfPhase(db: Db, phaseId: number): Promise<PhaseCase[]> {
  const result = await db.query<PhaseCase>('select id, name, geometry from cases where phase_id = $1 order by name', [phaseId]);
  return result.rows;
}

/** Serialises acceptance per team, so two concurrent uploads cannot both pass the quota check. */
export async function lockTeam(client: PoolClient, teamId: number): Promise<void> {
  await client.query('select id from teams where id = $1 for update', [teamId]);
}

export async function insertBlobs(client: PoolClient, blobs: ReadonlyArray<{ sha256: string; size: number }>): Promise<void> {
  await client.query(
    `insert into blobs (sha256, size_bytes) select * from unnest($1::text[], $2::bigint[]) on conflict do nothing`,
    [blobs.map((b) => b.sha256), blobs.map((b) => b.size)],
  );
}

export interface NewSubmission {
  phaseId: number;
  teamId: number;
  submittedBy: number;
  warnings: SubmissionWarning[];
  note?: string;
}

export async function insertSubmission(client: PoolClient, s: NewSubmission): Promise<{ id: number; created_at: Date }> {
  const result = await client.query<{ id: number; created_at: Date }>(
    `insert into submissions (phase_id, team_id, submitted_by, status, warnings, note)
     values ($1, $2, $3, 'queued', $4, $5) returning id, created_at`,
    [s.phaseId, s.teamId, s.submittedBy, JSON.stringify(s.warnings), s.note ?? null],
  );
  return result.rows[0];
}

export async function insertSubmissionFiles(
  client: PoolClient,
  submissionId: number,
  files: ReadonlyArray<{ caseId: number; sha256: string; originalName: string }>,
): Promise<void> {
  await client.query(
    `insert into submission_files (submission_id, case_id, sha256, original_name)
     select $1, * from unnest($2::bigint[], $3::text[], $4::text[])`,
    [submissionId, files.map((f) => f.caseId), files.map((f) => f.sha256), files.map((f) => f.originalName)],
  );
}

export interface SubmissionRow {
  id: number;
  phase_id: number;
  phase_name: string;
  challenge_id: number;
  show_case_results: boolean;
  teams_inspect_in_3d: boolean;
  /** The phase's kind, close and results visibility (server/challenges/results-visibility.ts). */
  kind: 'masks' | 'model';
  closes_at: Date;
  results_visibility: ResultsVisibility;
  team_id: number;
  team_name: string;
  submitted_by: number;
  status: SubmissionStatus;
  counts_toward_quota: boolean;
  warnings: SubmissionWarning[];
  note: string | null;
  hidden: boolean;
  hidden_reason: string | null;
  disqualified: boolean;
  disqualified_reason: string | null;
  aggregate: SubmissionAggregate | null;
  created_at: Date;
  finished_at: Date | null;
  case_count: number;
}

const SUBMISSION_COLUMNS = `
  s.id, s.phase_id, p.name as phase_name, p.challenge_id, p.show_case_results, p.teams_inspect_in_3d, p.kind, p.closes_at, p.results_visibility,
  s.team_id, t.name as team_name, s.submitted_by, s.status, s.counts_toward_quota, s.warnings, s.note, s.hidden, s.hidden_reason, s.disqualified,
  s.disqualified_reason, s.aggregate, s.created_at, s.finished_at,
  (select count(*)::int from evaluations e where e.submission_id = s.id and e.run_id is null) as case_count`;

export async function submissionById(db: Db, id: number): Promise<SubmissionRow | undefined> {
  const result = await db.query<SubmissionRow>(
    `select ${SUBMISSION_COLUMNS} from submissions s join phases p on p.id = s.phase_id join teams t on t.id = s.team_id
     where s.id = $1`,
    [id],
  );
  return result.rows[0];
}

export async function submissionsOfTeam(db: Db, phaseId: number, teamId: number): Promise<SubmissionRow[]> {
  const result = await db.query<SubmissionRow>(
    `select ${SUBMISSION_COLUMNS} from submissions s join phases p on p.id = s.phase_id join teams t on t.id = s.team_id
     where s.phase_id = $1 and s.team_id = $2 order by s.created_at desc, s.id desc`,
    [phaseId, teamId],
  );
  return result.rows;
}

export async function isTeamMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const result = await db.query('select 1 from team_members where team_id = $1 and user_id = $2', [teamId, userId]);
  return (result.rowCount ?? 0) > 0;
}

/** Notes of a team's submissions in a phase. */
export async function submissionNotes(db: Db, phaseId: number, teamId: number): Promise<Set<string>> {
  const result = await db.query<{ note: string | null }>('select note from submissions where phase_id = $1 and team_id = $2', [phaseId, teamId]);
  return new Set(result.rows.map((r) => r.note ?? ''));
}

export interface CaseEvaluationRow {
  evaluation_id: number;
  case_name: string;
  file_name: string | null;
  status: CaseStatus;
  /** For a queued evaluation: how many queued evaluations (any submission) were queued before it, plus one. */
  queue_position: number | null;
  progress: unknown;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  error_owner: 'team' | 'platform' | null;
  metrics: Record<string, unknown> | null;
}

/** The published evaluations of a submission (one per case), in case-name order. */
export async function caseEvaluations(db: Db, submissionId: number): Promise<CaseEvaluationRow[]> {
  const result = await db.query<CaseEvaluationRow>(
    `select e.id as evaluation_id, c.name as case_name, f.original_name as file_name, e.status, e.progress, e.attempts,
            e.error_code, e.error_message, e.error_owner, e.metrics,
            case when e.status = 'queued' then
              (select count(*)::int from evaluations q
               where q.status = 'queued' and (q.queued_at, q.id) < (e.queued_at, e.id)) + 1
            end as queue_position
     from evaluations e
     join cases c on c.id = e.case_id
     left join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
     where e.submission_id = $1 and e.run_id is null
     order by c.name`,
    [submissionId],
  );
  return result.rows;
}
