/**
 * The viewer JSON (docs/viewer-api.md): what the client needs to load and colour the scene — branch results,
 * counts, and the URLs of the surfaces and volumes (volume URLs take `?level=`).
 */
import { teamVisibleMetrics } from '../challenges/results-visibility.ts';
import type { ImageGeometry } from '../../contract/common.ts';
import type { CaseViewer, EvaluationViewer } from '../../contract/viewer/viewer-json.ts';
import type { ViewerBranchTable } from './branch-table.ts';
import type { CaseForViewer, EvaluationForViewer, GoldForViewer } from './viewer-store.ts';

/** Per-branch arrays move into `branches`; everything else of the stored metrics is shown as is. */
const PER_BRANCH_METRICS = new Set(['branch_detected', 'branch_skeleton_in_pred']);

function numberArray(value: unknown): number[] | undefined {
  return Array.isArray(value) ? (value as number[]) : undefined;
}

function goldView(gold: GoldForViewer | undefined) {
  return gold ? { id: gold.id, version: gold.version, status: gold.status } : null;
}

/**
 * `organiser` false: the caller is a member of the team, and `metrics` keeps only the allow-listed metrics
 * (server/challenges/results-visibility.ts); organisers get every stored metric but the per-branch arrays.
 */
export function evaluationViewer(evaluation: EvaluationForViewer, gold: GoldForViewer | undefined, table: ViewerBranchTable | undefined, organiser: boolean): EvaluationViewer {
  const base = `/api/evaluations/${evaluation.id}/viewer`;
  const scored = evaluation.status === 'done' && evaluation.metrics !== null;
  const stored = scored ? Object.fromEntries(Object.entries(evaluation.metrics!).filter(([key]) => !PER_BRANCH_METRICS.has(key))) : null;
  const metrics = stored && !organiser ? teamVisibleMetrics(stored) : stored;
  const detected = scored ? numberArray(evaluation.metrics!.branch_detected) : undefined;
  const inPred = scored ? numberArray(evaluation.metrics!.branch_skeleton_in_pred) : undefined;
  const branches = table
    ? Array.from({ length: table.count }, (_, n) => {
        const id = n + 1;
        const skeletonVoxels = table.skeletonVoxels[id] ?? 0;
        const skeletonInPred = inPred ? (inPred[n] ?? 0) : null;
        return {
          id,
          generation: table.generation[id],
          parent: table.parent[id],
          skeletonVoxels,
          skeletonInPred,
          fraction: skeletonInPred !== null && skeletonVoxels > 0 ? skeletonInPred / skeletonVoxels : null,
          detected: detected ? detected[n] === 1 : null,
          trachea: id === table.trachea,
        };
      })
    : [];
  const m = evaluation.metrics ?? {};
  const total = scored ? (m.branches_total as number) : (table?.officialCount ?? null);
  const found = scored ? (m.branches_detected as number) : null;
  return {
    evaluation: { id: evaluation.id, status: evaluation.status },
    submission: { id: evaluation.submission_id, team: { id: evaluation.team_id, name: evaluation.team_name } },
    case: { id: evaluation.case_id, name: evaluation.case_name, geometry: evaluation.geometry as ImageGeometry },
    phase: { id: evaluation.phase_id, name: evaluation.phase_name },
    goldStandard: goldView(gold),
    metrics,
    branches,
    counts: {
      branchesTotal: total,
      branchesDetected: found,
      missed: total !== null && found !== null ? total - found : null,
      leakageVoxels: scored ? (m.leakage_voxels as number) : null,
      leakageComponents: scored ? (m.leakage_components as number) : null,
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

export function caseViewer(row: CaseForViewer, gold: GoldForViewer | undefined, table: ViewerBranchTable | undefined): CaseViewer {
  const base = `/api/cases/${row.id}/viewer`;
  return {
    case: { id: row.id, name: row.name, geometry: row.geometry as ImageGeometry },
    phase: { id: row.phase_id, name: row.phase_name },
    goldStandard: goldView(gold),
    branches: table
      ? Array.from({ length: table.count }, (_, n) => ({
          id: n + 1,
          generation: table.generation[n + 1],
          parent: table.parent[n + 1],
          skeletonVoxels: table.skeletonVoxels[n + 1] ?? 0,
          trachea: n + 1 === table.trachea,
        }))
      : [],
    counts: { branchesTotal: table?.officialCount ?? null },
    surfaces: { gold: gold?.status === 'ready' ? `${base}/gold-surface` : null },
    volumes: { ct: `${base}/ct`, gold: gold?.status === 'ready' ? `${base}/gold` : null },
  };
}
