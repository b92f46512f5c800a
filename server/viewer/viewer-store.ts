/**
 * The viewer's SQL: read-only views of an evaluation (with its submission, team, phase, case and prediction file),
 * a case, and the gold standard either is shown against.
 */
import type { ResultsVisibility } from '../../contract/phases.ts';
import type { BranchRule } from '../../contract/viewer/viewer-json.ts';
import type { Pool } from '../db/pool.ts';

export interface EvaluationForViewer {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  run_id: number | null;
  metrics: Record<string, unknown> | null;
  gold_standard_id: number | null;
  submission_id: number;
  team_id: number;
  team_name: string;
  phase_id: number;
  phase_name: string;
  /** The phase's suites, first one first: the first decides the viewer's branch rule. */
  metric_suites: string[];
  challenge_id: number;
  show_case_results: boolean;
  teams_inspect_in_3d: boolean;
  /** The phase's kind, close and results visibility (server/challenges/results-visibility.ts). */
  kind: 'masks' | 'model';
  closes_at: Date;
  results_visibility: ResultsVisibility;
  case_id: number;
  case_name: string;
  geometry: unknown;
  ct_sha256: string;
  ct_file_name: string;
  pred_sha256: string | null;
  pred_name: string | null;
}

export async function evaluationForViewer(db: Pool, id: number): Promise<EvaluationForViewer | undefined> {
  const result = await db.query<EvaluationForViewer>(
    `select e.id, e.status, e.run_id, e.metrics, e.gold_standard_id, e.submission_id,
            s.team_id, t.name as team_name, s.phase_id, p.name as phase_name, p.metric_suites, p.challenge_id, p.show_case_results, p.teams_inspect_in_3d,
            p.kind, p.closes_at, p.results_visibility, c.id as case_id, c.name as case_name, c.geometry, c.ct_sha256, c.ct_file_name,
            f.sha256 as pred_sha256, f.original_name as pred_name
     from evaluations e
     join submissions s on s.id = e.submission_id
     join teams t on t.id = s.team_id
     join phases p on p.id = s.phase_id
     join cases c on c.id = e.case_id
     left join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
     where e.id = $1`,
    [id],
  );
  return result.rows[0];
}

export interface CaseForViewer {
  id: number;
  name: string;
  geometry: unknown;
  ct_sha256: string;
  ct_file_name: string;
  phase_id: number;
  phase_name: string;
  metric_suites: string[];
  challenge_id: number;
}

export async function caseForViewer(db: Pool, id: number): Promise<CaseForViewer | undefined> {
  const result = await db.query<CaseForViewer>(
    `select c.id, c.name, c.geometry, c.ct_sha256, c.ct_file_name, c.phase_id, p.name as phase_name, p.metric_suites, p.challenge_id
     from cases c join phases p on p.id = c.phase_id where c.id = $1`,
    [id],
  );
  return result.rows[0];
}

/** The branch rule of a phase: AIIB23's segments when its first suite is aiib23, else ATM'22's branches. */
export function branchRuleOf(metricSuites: readonly string[] | null | undefined): BranchRule {
  return metricSuites?.[0] === 'aiib23' ? 'aiib23' : 'atm22';
}

export interface GoldForViewer {
  id: number;
  version: number;
  status: 'queued' | 'running' | 'ready' | 'failed';
  prepared_key: string | null;
}

/** The gold standard an evaluation was scored against, else (not scored yet) its case's current one. */
export async function goldForViewer(db: Pool, caseId: number, goldStandardId: number | null): Promise<GoldForViewer | undefined> {
  const result = goldStandardId
    ? await db.query<GoldForViewer>('select id, version, status, prepared_key from gold_standards where id = $1', [goldStandardId])
    : await db.query<GoldForViewer>(
        `select id, version, status, prepared_key from gold_standards where case_id = $1
         order by is_current desc, version desc limit 1`,
        [caseId],
      );
  return result.rows[0];
}

export async function isTeamMember(db: Pool, teamId: number, userId: number): Promise<boolean> {
  const result = await db.query('select 1 from team_members where team_id = $1 and user_id = $2', [teamId, userId]);
  return (result.rowCount ?? 0) > 0;
}

export async function caseImage(db: Pool, caseId: number): Promise<{ ct_sha256: string; ct_file_name: string; metric_suites: string[] } | undefined> {
  const result = await db.query<{ ct_sha256: string; ct_file_name: string; metric_suites: string[] }>(
    'select c.ct_sha256, c.ct_file_name, p.metric_suites from cases c join phases p on p.id = c.phase_id where c.id = $1',
    [caseId],
  );
  return result.rows[0];
}
