/**
 * The 3D viewer's JSON (docs/viewer-api.md): branch results, counts, and the URLs of the surfaces and volumes
 * (volume URLs take `?level=`). Meshes and volumes themselves are binary.
 */
import { z } from 'zod';
import { CaseMetrics, EvaluationStatus, Id, IdRef, ImageGeometry } from '../common.ts';
import { GoldRef } from '../cases.ts';

/**
 * What the gold surface's labels and the branches are: ATM'22's refined branches, or AIIB23's unrefined segments
 * (no generation, parent or trachea), each detected by its suite's own rule. The phase's first suite decides.
 */
export const BranchRule = z.enum(['atm22', 'aiib23']);
export type BranchRule = z.infer<typeof BranchRule>;

export const ViewerLevelQuery = z.object({ level: z.coerce.number().int().min(0).max(3).optional() });

export const ViewerBranch = z.strictObject({
  id: z.number().int(),
  /** Null for AIIB23's segments, which have no tree. */
  generation: z.number().int().nullable(),
  parent: z.number().int().nullable(),
  skeletonVoxels: z.number().int(),
  /** The rest is null until the evaluation is scored, and absent for a case's gold standard alone. */
  skeletonInPred: z.number().int().nullable().optional(),
  fraction: z.number().nullable().optional(),
  detected: z.boolean().nullable().optional(),
  trachea: z.boolean(),
});
export type ViewerBranch = z.infer<typeof ViewerBranch>;

const Case = z.strictObject({ id: Id, name: z.string(), geometry: ImageGeometry });

export const EvaluationViewer = z.strictObject({
  evaluation: z.strictObject({ id: Id, status: EvaluationStatus }),
  submission: z.strictObject({ id: Id, team: IdRef }),
  case: Case,
  phase: IdRef,
  branchRule: BranchRule,
  goldStandard: GoldRef.nullable(),
  /** The stored metrics without the per-branch arrays (those are in `branches`); null until scored. */
  metrics: CaseMetrics.nullable(),
  branches: z.array(ViewerBranch),
  counts: z.strictObject({
    branchesTotal: z.number().int().nullable(),
    branchesDetected: z.number().int().nullable(),
    missed: z.number().int().nullable(),
    leakageVoxels: z.number().int().nullable(),
    leakageComponents: z.number().int().nullable(),
  }),
  /** Null while the gold standard is not ready (gold) or the case not scored (leakage). */
  surfaces: z.strictObject({ gold: z.string().nullable(), leakage: z.string().nullable() }),
  volumes: z.strictObject({ ct: z.string(), gold: z.string().nullable(), prediction: z.string().nullable() }),
});
export type EvaluationViewer = z.infer<typeof EvaluationViewer>;

export const CaseViewer = z.strictObject({
  case: Case,
  phase: IdRef,
  branchRule: BranchRule,
  goldStandard: GoldRef.nullable(),
  branches: z.array(ViewerBranch),
  counts: z.strictObject({ branchesTotal: z.number().int().nullable() }),
  surfaces: z.strictObject({ gold: z.string().nullable() }),
  volumes: z.strictObject({ ct: z.string(), gold: z.string().nullable() }),
});
export type CaseViewer = z.infer<typeof CaseViewer>;

/** Either viewer JSON as the client's viewer reads it: the case viewer's fields, the evaluation's when present. */
export type ViewerInfo = Omit<CaseViewer, 'counts' | 'surfaces' | 'volumes'> &
  Partial<Pick<EvaluationViewer, 'evaluation' | 'submission' | 'metrics'>> & {
    counts: Partial<EvaluationViewer['counts']>;
    surfaces: CaseViewer['surfaces'] & Partial<EvaluationViewer['surfaces']>;
    volumes: CaseViewer['volumes'] & Partial<EvaluationViewer['volumes']>;
  };
