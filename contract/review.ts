/**
 * Organiser review: every submission of a phase with its per-case table, hide and disqualify with a reason, the
 * challenge's audit log, re-evaluation runs (start, follow, publish, discard) and exports.
 */
import { z } from 'zod';
import { MetricSuitesInput } from './phases.ts';
import { CaseMetrics, EvaluationStatus, Id, IdRef, Instant } from './common.ts';
import { CaseError } from './error-codes.ts';
import { LeaderboardEntry } from './leaderboards.ts';
import { Aggregate } from './submissions.ts';

const reason = z.string().trim().max(2000);

const reasonRequired = (flag: boolean, body: { reason?: string }, verb: string, ctx: z.RefinementCtx) => {
  if (flag && !body.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: `give the reason for ${verb} the submission; it is kept in the audit log` });
};

export const HideBody = z
  .object({ hidden: z.boolean({ error: `must be true or false` }), reason: reason.optional() })
  .superRefine((body, ctx) => reasonRequired(body.hidden, body, 'hiding', ctx));
export const DisqualifyBody = z
  .object({ disqualified: z.boolean({ error: `must be true or false` }), reason: reason.optional() })
  .superRefine((body, ctx) => reasonRequired(body.disqualified, body, 'disqualifying', ctx));
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export const StartRunBody = z.object({
  reason: z.string({ error: 'say why the results are re-evaluated (e.g. "gold standard of case 12 fixed")' }).trim().min(1, 'say why the results are re-evaluated').max(2000),
  /** Phase runs only: score with these suites instead; publishing the run gives them to the phase. */
  metricSuites: MetricSuitesInput.optional(),
});
export const DecideRunBody = z.object({ reason: z.string().trim().max(2000).optional() });
export const CsvExportQuery = z.object({ table: z.enum(['results', 'leaderboard'], { error: 'table must be "results" or "leaderboard"' }).default('results') });

export const ReviewedCase = z.strictObject({
  evaluationId: Id,
  caseId: Id,
  case: z.string(),
  status: EvaluationStatus,
  attempts: z.number().int(),
  metrics: CaseMetrics.nullable(),
  error: CaseError.nullable(),
  /** Evaluator version, gold standard, file hashes, timings, worker: free-form audit data. */
  provenance: z.record(z.string(), z.unknown()).nullable(),
  finishedAt: Instant.nullable(),
});
export type ReviewedCase = z.infer<typeof ReviewedCase>;

export const ReviewedSubmission = z.strictObject({
  id: Id,
  team: IdRef,
  submittedBy: z.strictObject({ id: Id, displayName: z.string() }),
  status: EvaluationStatus,
  createdAt: Instant,
  finishedAt: Instant.nullable(),
  countsTowardQuota: z.boolean(),
  warnings: z.array(z.strictObject({ case: z.string(), file: z.string(), warning: z.string() })).nullable(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  disqualified: z.boolean(),
  disqualifiedReason: z.string().nullable(),
  aggregate: Aggregate.nullable(),
  cases: z.array(ReviewedCase),
});
export type ReviewedSubmission = z.infer<typeof ReviewedSubmission>;

export const ReviewReply = z.strictObject({
  phase: z.strictObject({ id: Id, name: z.string(), challengeId: Id }),
  submissions: z.array(ReviewedSubmission),
});
export type ReviewReply = z.infer<typeof ReviewReply>;

export const ModerationReply = z.strictObject({
  submission: z.strictObject({
    id: Id,
    phaseId: Id,
    teamId: Id,
    status: EvaluationStatus,
    hidden: z.boolean(),
    hiddenReason: z.string().nullable(),
    disqualified: z.boolean(),
    disqualifiedReason: z.string().nullable(),
  }),
});
export type ModerationReply = z.infer<typeof ModerationReply>;

export const AuditRecord = z.strictObject({
  id: Id,
  at: Instant,
  actor: z.strictObject({ id: Id, displayName: z.string() }).nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** What changed, per action: free-form. */
  details: z.unknown(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;
export const AuditReply = z.strictObject({ challenge: z.strictObject({ id: Id, slug: z.string() }), entries: z.array(AuditRecord), next: Id.nullable() });
export type AuditReply = z.infer<typeof AuditReply>;

export const RunStatus = z.enum(['running', 'ready', 'published', 'discarded']);
export type RunStatus = z.infer<typeof RunStatus>;
export const Run = z.strictObject({
  id: Id,
  phaseId: Id,
  submissionId: Id.nullable(),
  scope: z.enum(['submission', 'phase']),
  reason: z.string(),
  status: RunStatus,
  createdBy: Id.nullable(),
  createdAt: Instant,
  decidedAt: Instant.nullable(),
  /** The suites the run scores with, when it changes the phase's (null: the phase's own). */
  metricSuites: z.array(z.string()).nullable(),
});
export type Run = z.infer<typeof Run>;

export const RunStarted = z.strictObject({ run: Run, evaluations: z.number().int(), submissions: z.number().int(), progressUrl: z.string() });
export type RunStarted = z.infer<typeof RunStarted>;
export const RunsReply = z.strictObject({ runs: z.array(Run) });
export type RunsReply = z.infer<typeof RunsReply>;

/** A case's official values before and after: status, the six metrics, branch counts (null when absent). */
const OfficialValues = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
export const ChangedCase = z.strictObject({
  submissionId: Id,
  team: IdRef,
  caseId: Id,
  case: z.string(),
  changed: z.array(z.string()),
  old: OfficialValues,
  new: OfficialValues,
  provenance: z.strictObject({ old: z.record(z.string(), z.unknown()).nullable(), new: z.record(z.string(), z.unknown()).nullable() }),
});
export type ChangedCase = z.infer<typeof ChangedCase>;
const Place = z.strictObject({ rank: z.number().int(), submissionId: Id, score: z.number() }).nullable();
export const RankMove = z.strictObject({ team: IdRef, before: Place, after: Place });
export type RankMove = z.infer<typeof RankMove>;

export const RunReport = z.strictObject({
  run: Run,
  progress: z.strictObject({ total: z.number().int(), queued: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int() }),
  publishable: z.boolean(),
  failures: z.array(z.strictObject({ submissionId: Id, team: IdRef, case: z.string(), error: CaseError })),
  diff: z
    .strictObject({
      changedCases: z.array(ChangedCase),
      unchangedCases: z.number().int(),
      leaderboard: z.strictObject({ before: z.array(LeaderboardEntry), after: z.array(LeaderboardEntry), moved: z.array(RankMove) }),
    })
    .nullable(),
});
export type RunReport = z.infer<typeof RunReport>;

export const RunPublished = z.strictObject({ run: Run, submissionIds: z.array(Id), changedCases: z.number().int(), moved: z.array(RankMove) });
export type RunPublished = z.infer<typeof RunPublished>;
export const RunReply = z.strictObject({ run: Run });
export type RunReply = z.infer<typeof RunReply>;
