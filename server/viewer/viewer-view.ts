/**
 * The viewer JSON (docs/viewer-api.md): what the client needs to load and colour the scene — branch results,
 * counts, and the URLs of the surfaces and volumes (volume URLs take `?level=`). The branches are the branch
 * rule's (the phase's first suite): ATM'22's refined branches with its detected flags, or AIIB23's unrefined
 * segments with AIIB23's flags and ratios Σ C·B_j / Σ B_j (detected when ≥ 0.8).
 */
import { teamVisibleMetrics } from '../challenges/results-visibility.ts';
import type { ImageGeometry } from '../../contract/common.ts';
import type { BranchRule, CaseViewer, EvaluationViewer } from '../../contract/viewer/viewer-json.ts';
import type { ViewerBranchTable } from './branch-table.ts';
import type { CaseForViewer, EvaluationForViewer, GoldForViewer } from './viewer-store.ts';

/** Per-branch arrays move into `branches`; everything else of the stored metrics is shown as is. */
const PER_BRANCH_METRICS = new Set(['branch_detected', 'branch_skeleton_in_pred']);

function numberArray(value: unknown): number[] | undefined {
  return Array.isArray(value) ? (value as number[]) : undefined;
}

function withoutPerBranch(metrics: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metrics).filter(([key]) => !PER_BRANCH_METRICS.has(key)));
}

/**
 * The stored figures a rule's branches and counts read: ATM'22's are the top-level metrics; AIIB23's are its
 * full score under `aiib23` (server/worker/stored-metrics.ts), absent when the case was scored without it.
 */
function ruleScore(metrics: Record<string, unknown>, rule: BranchRule): Record<string, unknown> | undefined {
  if (rule === 'atm22') return metrics;
  const aiib = metrics.aiib23;
  return aiib && typeof aiib === 'object' ? (aiib as Record<string, unknown>) : undefined;
}

function tableBranch(table: ViewerBranchTable, id: number) {
  const aiib = table.rule === 'aiib23';
  return {
    id,
    generation: aiib ? null : table.generation[id],
    parent: aiib ? null : table.parent[id],
    skeletonVoxels: table.skeletonVoxels[id] ?? 0,
    trachea: !aiib && id === table.trachea,
  };
}

function goldView(gold: GoldForViewer | undefined) {
  return gold ? { id: gold.id, version: gold.version, status: gold.status } : null;
}

/**
 * `organiser` false: the caller is a member of the team, and `metrics` keeps only the allow-listed metrics
 * (server/challenges/results-visibility.ts); organisers get every stored metric but the per-branch arrays.
 */
export function evaluationViewer(
  evaluation: EvaluationForViewer,
  gold: GoldForViewer | undefined,
  table: ViewerBranchTable | undefined,
  organiser: boolean,
  rule: BranchRule = 'atm22',
): EvaluationViewer {
  const base = `/api/evaluations/${evaluation.id}/viewer`;
  const scored = evaluation.status === 'done' && evaluation.metrics !== null;
  let stored = scored ? withoutPerBranch(evaluation.metrics!) : null;
  if (stored && stored.aiib23 && typeof stored.aiib23 === 'object') stored = { ...stored, aiib23: withoutPerBranch(stored.aiib23 as Record<string, unknown>) };
  const metrics = stored && !organiser ? teamVisibleMetrics(stored) : stored;
  // a case scored before the phase took this rule's suite has no figures for it: its branches stay unscored
  const score = scored ? ruleScore(evaluation.metrics!, rule) : undefined;
  const detected = score ? numberArray(score.branch_detected) : undefined;
  const inPred = score ? numberArray(score.branch_skeleton_in_pred) : undefined;
  const branches = table
    ? Array.from({ length: table.count }, (_, n) => {
        const branch = tableBranch(table, n + 1);
        const skeletonInPred = inPred ? (inPred[n] ?? 0) : null;
        return {
          ...branch,
          skeletonInPred,
          fraction: skeletonInPred !== null && branch.skeletonVoxels > 0 ? skeletonInPred / branch.skeletonVoxels : null,
          detected: detected ? detected[n] === 1 : null,
        };
      })
    : [];
  const m = score ?? {};
  const total = score ? (m.branches_total as number) : (table?.officialCount ?? null);
  const found = score ? (m.branches_detected as number) : null;
  return {
    evaluation: { id: evaluation.id, status: evaluation.status },
    submission: { id: evaluation.submission_id, team: { id: evaluation.team_id, name: evaluation.team_name } },
    case: { id: evaluation.case_id, name: evaluation.case_name, geometry: evaluation.geometry as ImageGeometry },
    phase: { id: evaluation.phase_id, name: evaluation.phase_name },
    branchRule: rule,
    goldStandard: goldView(gold),
    metrics,
    branches,
    counts: {
      branchesTotal: total,
      branchesDetected: found,
      missed: total !== null && found !== null ? total - found : null,
      leakageVoxels: score ? (m.leakage_voxels as number) : null,
      leakageComponents: score ? (m.leakage_components as number) : null,
    },
    surfaces: {
      gold: gold?.status === 'ready' ? `${base}/gold-surface` : null,
      leakage: scored ? `${base}/leakage-surface` : null,
    },
    volumes: {
      ct: `${base}/ct`,
      gold: gold?.status === 'ready' ? `${base}/gold` : null,
      prediction: evaluation.pred_sha256 ? `${base}/prediction` : null,
    },
  };
}

export function caseViewer(row: CaseForViewer, gold: GoldForViewer | undefined, table: ViewerBranchTable | undefined, rule: BranchRule = 'atm22'): CaseViewer {
  const base = `/api/cases/${row.id}/viewer`;
  return {
    case: { id: row.id, name: row.name, geometry: row.geometry as ImageGeometry },
    phase: { id: row.phase_id, name: row.phase_name },
    branchRule: rule,
    goldStandard: goldView(gold),
    branches: table ? Array.from({ length: table.count }, (_, n) => tableBranch(table, n + 1)) : [],
    counts: { branchesTotal: table?.officialCount ?? null },
    surfaces: { gold: gold?.status === 'ready' ? `${base}/gold-surface` : null },
    volumes: { ct: `${base}/ct`, gold: gold?.status === 'ready' ? `${base}/gold` : null },
  };
}
