/**
 * What an organiser sends to create or change a phase, validated: windows as ISO 8601 date-times with a zone
 * (stored in UTC), limits, and a ranking scheme over the metrics the evaluator reports.
 */
import { z } from 'zod';
import type { RankedMetric, RankingScheme } from './ranking-scheme.ts';

export const RANKED_METRICS: readonly RankedMetric[] = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'];
const METRIC_LIST = RANKED_METRICS.join(', ');

const isRankedMetric = (name: string): name is RankedMetric => (RANKED_METRICS as readonly string[]).includes(name);

const instant = z
  .string({ error: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-06-01T00:00:00Z' })
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with seconds and a time zone, e.g. 2025-06-01T00:00:00Z or 2025-06-01T02:00:00+02:00' }))
  .transform((text) => new Date(text));

const weighted = z.object({
  scheme: z.literal('weighted'),
  weights: z.record(z.string(), z.number().min(0, 'a weight cannot be negative').max(1000)).superRefine((weights, ctx) => {
    for (const name of Object.keys(weights)) {
      if (!isRankedMetric(name)) ctx.addIssue({ code: 'custom', path: [name], message: `unknown metric "${name}"; use ${METRIC_LIST}` });
    }
    if (!Object.values(weights).some((w) => w > 0)) ctx.addIssue({ code: 'custom', message: 'give at least one metric a weight above 0' });
  }),
});

const meanRank = z.object({
  scheme: z.literal('mean-rank'),
  metrics: z
    .array(z.string())
    .min(1, 'name at least one metric')
    .superRefine((metrics, ctx) => {
      metrics.forEach((name, index) => {
        if (!isRankedMetric(name)) ctx.addIssue({ code: 'custom', path: [index], message: `unknown metric "${name}"; use ${METRIC_LIST}` });
      });
      if (new Set(metrics).size !== metrics.length) ctx.addIssue({ code: 'custom', message: 'name each metric once' });
    }),
});

const ranking = z
  .discriminatedUnion('scheme', [weighted, meanRank], { error: 'must be "weighted" (with weights) or "mean-rank" (with metrics)' })
  .transform((value) => value as RankingScheme);

const phaseFields = {
  name: z.string().trim().min(1, 'must not be empty').max(100),
  kind: z.enum(['masks', 'model']),
  opensAt: instant,
  closesAt: instant,
  dailyLimit: z.number().int().min(1).max(1000),
  totalLimit: z.number().int().min(1).max(100000).nullable(),
  showCaseResults: z.boolean(),
  teamsInspectIn3d: z.boolean(),
  modelMaxBytes: z.number().int().min(1024).max(4294967296),
  modelTimeLimitS: z.number().int().min(10).max(14400),
  modelMemoryLimitMb: z.number().int().min(256).max(65536),
  ranking,
  leaderboardPick: z.enum(['best', 'latest']),
};

const closesAfterOpens = (phase: { opensAt?: Date; closesAt?: Date }, ctx: z.RefinementCtx) => {
  if (phase.opensAt && phase.closesAt && phase.closesAt <= phase.opensAt) {
    ctx.addIssue({
      code: 'custom',
      path: ['closesAt'],
      message: `must be after opensAt (${phase.opensAt.toISOString()}), got ${phase.closesAt.toISOString()}`,
    });
  }
};

/** Limits of model phases when the organiser does not set them. */
export const DEFAULT_MODEL_LIMITS = { modelMaxBytes: 200 * 2 ** 20, modelTimeLimitS: 1800, modelMemoryLimitMb: 4096 } as const;

export const newPhaseInput = z
  .strictObject({
    ...phaseFields,
    kind: phaseFields.kind.default('masks'),
    dailyLimit: phaseFields.dailyLimit.default(5),
    totalLimit: phaseFields.totalLimit.default(null),
    showCaseResults: phaseFields.showCaseResults.default(true),
    teamsInspectIn3d: phaseFields.teamsInspectIn3d.default(false),
    modelMaxBytes: phaseFields.modelMaxBytes.default(DEFAULT_MODEL_LIMITS.modelMaxBytes),
    modelTimeLimitS: phaseFields.modelTimeLimitS.default(DEFAULT_MODEL_LIMITS.modelTimeLimitS),
    modelMemoryLimitMb: phaseFields.modelMemoryLimitMb.default(DEFAULT_MODEL_LIMITS.modelMemoryLimitMb),
    ranking: ranking.default({ scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } }),
    leaderboardPick: phaseFields.leaderboardPick.default('best'),
  })
  .superRefine(closesAfterOpens);

export const phaseChangesInput = z.strictObject(phaseFields).partial().superRefine(closesAfterOpens);

export type PhaseFields = z.output<typeof newPhaseInput>;
export type PhaseChanges = z.output<typeof phaseChangesInput>;
