/**
 * Submissions of masks (multipart or from finished resumable uploads), the team's quota, its submissions and one
 * submission's live per-case status.
 */
import { z } from 'zod';
import { CaseMetrics, EvaluationStatus, Id, IdRef, Instant, Metrics } from './common.ts';
import { CaseError } from './error-codes.ts';

export const SubmissionStatus = EvaluationStatus;
export type SubmissionStatus = z.infer<typeof SubmissionStatus>;
/** The status of one case of a submission (one evaluation): the same four states as a submission. */
export const CaseStatus = EvaluationStatus;
export type CaseStatus = z.infer<typeof CaseStatus>;

export const Quota = z.strictObject({
  dailyLimit: z.number().int(),
  usedLast24h: z.number().int(),
  remainingToday: z.number().int(),
  /** When `remainingToday` next grows: the moment a counted submission leaves the 24-hour window. */
  nextFreeAt: Instant.nullable(),
  totalLimit: z.number().int().nullable(),
  usedTotal: z.number().int(),
  remainingTotal: z.number().int().nullable(),
  rule: z.string(),
});
export type Quota = z.infer<typeof Quota>;

export const Aggregate = z.strictObject({ cases: z.number().int(), mean: Metrics, std: Metrics, unroundedMean: Metrics });
export type Aggregate = z.infer<typeof Aggregate>;

export const UploadWarning = z.strictObject({ case: z.string(), file: z.string(), warning: z.string() });
export type UploadWarning = z.infer<typeof UploadWarning>;

export const SubmissionSummary = z.strictObject({
  id: Id,
  phase: IdRef,
  team: IdRef,
  status: SubmissionStatus,
  createdAt: Instant,
  finishedAt: Instant.nullable(),
  cases: z.number().int(),
  note: z.string().nullable(),
  warnings: z.array(UploadWarning).nullable(),
  countsTowardQuota: z.boolean(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  disqualified: z.boolean(),
  disqualifiedReason: z.string().nullable(),
  aggregate: Aggregate.nullable(),
});
export type SubmissionSummary = z.infer<typeof SubmissionSummary>;

/** Where a case is: the stage it reached (`reading`, `scoring`, `inference`…) and, for models, patches done. */
export const CaseProgress = z.record(z.string(), z.unknown()).nullable();

export const SubmissionCase = z.strictObject({
  /** Opens the 3D viewer for this case (`#/evaluations/:id`) when `inspectable`. */
  evaluationId: Id,
  /** The caller may open this case in 3D: it is done and the phase lets teams inspect (organisers always may). */
  inspectable: z.boolean(),
  case: z.string(),
  file: z.string().nullable(),
  status: CaseStatus,
  queuePosition: z.number().int().nullable(),
  progress: CaseProgress,
  attempts: z.number().int(),
  error: CaseError.nullable(),
  metrics: CaseMetrics.nullable(),
});
export type SubmissionCase = z.infer<typeof SubmissionCase>;

export const SubmissionDetail = z.strictObject({
  submission: SubmissionSummary.extend({ caseResultsShown: z.boolean() }),
  cases: z.array(SubmissionCase),
});
export type SubmissionDetail = z.infer<typeof SubmissionDetail>;

export const MySubmissionsReply = z.strictObject({ team: IdRef, submissions: z.array(SubmissionSummary) });
export type MySubmissionsReply = z.infer<typeof MySubmissionsReply>;

/** 202 of a mask submission (multipart or from uploads): queued, one evaluation per case. */
export const AcceptedSubmission = z.strictObject({
  submission: z.strictObject({
    id: Id,
    status: z.literal('queued'),
    createdAt: Instant,
    cases: z.array(z.strictObject({ case: z.string(), file: z.string() })),
    warnings: z.array(UploadWarning),
  }),
  quota: Quota,
});
export type AcceptedSubmission = z.infer<typeof AcceptedSubmission>;
