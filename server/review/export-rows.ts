/**
 * SQL of the organisers' export: one row per (submission, case) of a phase with its published result. The metric
 * columns are the phase's suites' (contract/metric-suites.ts, stored names), then each suite's counts, then the
 * physical measures; an ATM'22 phase keeps the columns it always had, with the physical measures added.
 */
import { OFFICIAL_COUNT_KEYS } from '../../evaluator/index.ts';
import { metricsOfSuites, type SuiteId } from '../../contract/metric-suites.ts';
import type { Pool } from '../db/pool.ts';

export const CASE_COUNT_KEYS = [
  ...OFFICIAL_COUNT_KEYS,
  'leakage_voxels',
  'leakage_components',
  'outside_lcc_voxels',
  'empty',
] as const;

/**
 * AIIB23's counts behind its ratios, kept under `aiib23` in the stored metrics; exported as `aiib23_<key>`
 * (`aiib_component` and `aiib_fallback` keep their names).
 */
export const AIIB_COUNT_KEYS = [
  'gold_voxels',
  'component_voxels',
  'intersection',
  'skeleton_voxels',
  'skeleton_in_pred',
  'branches_total',
  'branches_detected',
  'leakage_voxels',
  'leakage_components',
  'aiib_component',
  'aiib_fallback',
  'empty',
] as const;
const aiibColumn = (key: string) => (key.startsWith('aiib_') ? key : `aiib23_${key}`);

/** The physical measures of the phase's first suite. */
export const PHYSICAL_KEYS = ['centreline_length_mm', 'centreline_detected_mm', 'leakage_volume_mm3'] as const;

const HEAD_COLUMNS = [
  'team_id',
  'team',
  'submission_id',
  'submitted_at',
  'submission_status',
  'hidden',
  'disqualified',
  'leaderboard_rank',
  'case',
  'evaluation_status',
] as const;
const TAIL_COLUMNS = ['evaluator_version', 'pred_sha256', 'gold_sha256', 'gold_version', 'error_code', 'error_message'] as const;

/** A metric column: its name in the table, and where its value lies in the stored metrics (top level or `aiib23`). */
interface MetricColumn {
  column: string;
  from: 'metrics' | 'aiib23';
  key: string;
}

const column = (key: string, from: MetricColumn['from'], name = key): MetricColumn => ({ column: name, from, key });

/** The metric columns of a phase's suites, in table order: the metrics, each suite's counts, the physical measures. */
function metricColumns(suites: readonly SuiteId[]): MetricColumn[] {
  const physicalFrom = suites[0] === 'aiib23' ? 'aiib23' : 'metrics';
  return [
    ...metricsOfSuites(suites).map((m) => column(m.name, 'metrics')),
    ...(suites.includes('atm22') ? CASE_COUNT_KEYS.map((key) => column(key, 'metrics')) : []),
    ...(suites.includes('aiib23') ? AIIB_COUNT_KEYS.map((key) => column(key, 'aiib23', aiibColumn(key))) : []),
    ...PHYSICAL_KEYS.map((key) => column(key, physicalFrom)),
  ];
}

/** The columns of a phase's results table, for its suites. */
export function resultColumns(suites: readonly SuiteId[]): string[] {
  return [...HEAD_COLUMNS, ...metricColumns(suites).map((c) => c.column), ...TAIL_COLUMNS];
}

/** A row of the results table, keyed by `resultColumns(suites)`: the head and tail columns always, the metric columns by suite. */
export type ResultRow = Record<(typeof HEAD_COLUMNS)[number] | (typeof TAIL_COLUMNS)[number], unknown> & Record<string, unknown>;

/** Every published evaluation of the phase, ordered by team, submission and case. */
export async function phaseResultRows(
  db: Pool,
  phaseId: number,
  rankOfSubmission: Map<number, number>,
  suites: readonly SuiteId[] = ['atm22'],
): Promise<ResultRow[]> {
  const result = await db.query(
    `select t.id as team_id, t.name as team_name, s.id as submission_id, s.created_at, s.status as submission_status,
            s.hidden, s.disqualified, c.name as case_name, e.status, e.metrics - 'branch_detected' - 'branch_skeleton_in_pred' - 'per_generation' - 'unrounded' as metrics,
            e.provenance, e.error_code, e.error_message, f.sha256 as file_sha256, g.sha256 as gold_sha256, g.version as gold_version
       from evaluations e join submissions s on s.id = e.submission_id join teams t on t.id = s.team_id
       join cases c on c.id = e.case_id
       left join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
       left join gold_standards g on g.id = e.gold_standard_id
      where s.phase_id = $1 and e.run_id is null
      order by t.name, t.id, s.id, c.name`,
    [phaseId],
  );
  const columns = metricColumns(suites);
  return result.rows.map((r) => {
    const metrics = (r.metrics ?? {}) as Record<string, unknown>;
    const provenance = (r.provenance ?? {}) as Record<string, unknown>;
    const row: Record<string, unknown> = {
      team_id: r.team_id,
      team: r.team_name,
      submission_id: r.submission_id,
      submitted_at: r.created_at,
      submission_status: r.submission_status,
      hidden: r.hidden,
      disqualified: r.disqualified,
      leaderboard_rank: rankOfSubmission.get(r.submission_id) ?? null,
      case: r.case_name,
      evaluation_status: r.status,
    };
    const stored = { metrics, aiib23: (metrics.aiib23 ?? {}) as Record<string, unknown> };
    for (const { column, from, key } of columns) row[column] = stored[from][key] ?? null;
    Object.assign(row, {
      evaluator_version: provenance.evaluatorVersion ?? null,
      pred_sha256: provenance.predSha256 ?? r.file_sha256 ?? null,
      gold_sha256: provenance.goldSha256 ?? r.gold_sha256 ?? null,
      gold_version: provenance.goldVersion ?? r.gold_version ?? null,
      error_code: r.error_code,
      error_message: r.error_message,
    });
    return row as ResultRow;
  });
}
