/**
 * Phases: what an organiser sends to create or change one (windows as ISO 8601 date-times with a zone, stored in
 * UTC; limits; a ranking scheme over the official metrics) and the phase everyone reads.
 */
import { z } from 'zod';
import { Id, Instant, STORED_METRIC_NAMES, StoredMetricName } from './common.ts';
import { directionOf, SUITE_IDS, type SuiteId } from './metric-suites.ts';

// any suite's stored metric name (contract/metric-suites.ts) may be ranked on
const METRIC_LIST = STORED_METRIC_NAMES.join(', ');
const isMetricName = (name: string): boolean => (STORED_METRIC_NAMES as readonly string[]).includes(name);

/**
 * One metric of a case-based scheme: any metric of the catalogue (contract/metric-suites.ts), its direction
 * (default: the catalogue's) and its weight (default 1).
 */
export const SchemeMetric = z.strictObject({ name: z.string(), direction: z.enum(['higher', 'lower']).optional(), weight: z.number().optional() });
export type SchemeMetric = z.infer<typeof SchemeMetric>;

/**
 * How a phase ranks. 'weighted' (ATM'22) and 'mean-rank' rank the aggregates (the historical schemes, unchanged);
 * the case-based ones rank per-case scores (ranking/schemes.ts): aggregate-then-rank (mean or median),
 * rank-then-aggregate (BraTS) and test-then-rank (share of the others beaten, one-sided Wilcoxon).
 */
export const RankingScheme = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('weighted'), weights: z.partialRecord(StoredMetricName, z.number()) }),
  z.strictObject({ scheme: z.literal('mean-rank'), metrics: z.array(StoredMetricName) }),
  z.strictObject({ scheme: z.literal('aggregate-then-rank'), aggregate: z.enum(['mean', 'median']), metrics: z.array(SchemeMetric) }),
  z.strictObject({ scheme: z.literal('rank-then-aggregate'), metrics: z.array(SchemeMetric) }),
  z.strictObject({ scheme: z.literal('test-then-rank'), metrics: z.array(SchemeMetric) }),
]);
export type RankingScheme = z.infer<typeof RankingScheme>;

export const LeaderboardPick = z.enum(['best', 'latest']);

/**
 * When teams see a phase's results (scores, ranks, per-case metrics, the 3D view): as soon as they exist ('live'),
 * once the phase has closed ('after-close'), or never ('never': organisers only, e.g. a final test phase whose
 * results are announced elsewhere).
 */
export const ResultsVisibility = z.enum(['live', 'after-close', 'never']);
export type ResultsVisibility = z.infer<typeof ResultsVisibility>;
export type LeaderboardPick = z.infer<typeof LeaderboardPick>;

const instant = z
  .string({ error: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-06-01T00:00:00Z' })
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with seconds and a time zone, e.g. 2025-06-01T00:00:00Z or 2025-06-01T02:00:00+02:00' }))
  .transform((text) => new Date(text));

const weighted = z.object({
  scheme: z.literal('weighted'),
  weights: z.record(z.string(), z.number().min(0, 'a weight cannot be negative').max(1000)).superRefine((weights, ctx) => {
    for (const name of Object.keys(weights)) {
      if (!isMetricName(name)) ctx.addIssue({ code: 'custom', path: [name], message: `unknown metric "${name}"; use ${METRIC_LIST}` });
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
        if (!isMetricName(name)) ctx.addIssue({ code: 'custom', path: [index], message: `unknown metric "${name}"; use ${METRIC_LIST}` });
      });
      if (new Set(metrics).size !== metrics.length) ctx.addIssue({ code: 'custom', message: 'name each metric once' });
    }),
});

const schemeMetrics = z
  .array(SchemeMetric, { error: 'metrics must be a list of { name, direction?, weight? }' })
  .min(1, 'name at least one metric')
  .superRefine((metrics, ctx) => {
    metrics.forEach((metric, index) => {
      if (!directionOf(metric.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `unknown metric "${metric.name}"` });
      if (metric.weight !== undefined && !(metric.weight >= 0 && metric.weight <= 1000)) {
        ctx.addIssue({ code: 'custom', path: [index, 'weight'], message: 'a weight lies between 0 and 1000' });
      }
    });
    if (new Set(metrics.map((m) => m.name)).size !== metrics.length) ctx.addIssue({ code: 'custom', message: 'name each metric once' });
    if (!metrics.some((m) => (m.weight ?? 1) > 0)) ctx.addIssue({ code: 'custom', message: 'give at least one metric a weight above 0' });
  });

const caseBased = [
  z.object({ scheme: z.literal('aggregate-then-rank'), aggregate: z.enum(['mean', 'median']).default('mean'), metrics: schemeMetrics }),
  z.object({ scheme: z.literal('rank-then-aggregate'), metrics: schemeMetrics }),
  z.object({ scheme: z.literal('test-then-rank'), metrics: schemeMetrics }),
] as const;

const ranking = z
  .discriminatedUnion('scheme', [weighted, meanRank, ...caseBased], {
    error: 'must be "weighted" (with weights) or "mean-rank" (with metrics), or a case-based scheme: "aggregate-then-rank", "rank-then-aggregate" or "test-then-rank" (with metrics)',
  })
  .transform((value) => value as RankingScheme);

/**
 * The phase's metric suites, first one first (its metrics lead the pages and colour the viewer). The shape is
 * checked here; an unknown suite name is refused by the phase service with 422 VALIDATION_FAILED.
 */
export const MetricSuitesInput = z
  .array(z.string().max(40), { error: `must be a list of suite names (${SUITE_IDS.join(', ')})` })
  .min(1, 'name at least one suite')
  .max(SUITE_IDS.length)
  .refine((ids) => new Set(ids).size === ids.length, 'name each suite once');

/** The suite names of a request that no suite has (contract/metric-suites.ts). */
export function unknownSuites(ids: readonly string[]): string[] {
  return ids.filter((id) => !(SUITE_IDS as readonly string[]).includes(id));
}

export const MetricSuites = z.array(z.enum(SUITE_IDS as [SuiteId, ...SuiteId[]]));

/**
 * Limits of a model phase, as the request sets them (flat fields of the phase body) and as `modelLimits` shows
 * them (see ModelLimits below): upload size, and per-case inference time and memory.
 */
const phaseFields = {
  name: z.string().trim().min(1, 'must not be empty').max(100),
  kind: z.enum(['masks', 'model']),
  opensAt: instant,
  closesAt: instant,
  dailyLimit: z.number().int().min(1).max(1000),
  totalLimit: z.number().int().min(1).max(100000).nullable(),
  showCaseResults: z.boolean(),
  teamsInspectIn3d: z.boolean(),
  resultsVisibility: ResultsVisibility,
  modelMaxBytes: z.number().int().min(1024).max(4294967296),
  modelTimeLimitS: z.number().int().min(10).max(14400),
  modelMemoryLimitMb: z.number().int().min(256).max(65536),
  ranking,
  leaderboardPick: LeaderboardPick,
  metricSuites: MetricSuitesInput,
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

export const NewPhaseBody = z
  .strictObject({
    ...phaseFields,
    kind: phaseFields.kind.default('masks'),
    dailyLimit: phaseFields.dailyLimit.default(5),
    totalLimit: phaseFields.totalLimit.default(null),
    showCaseResults: phaseFields.showCaseResults.default(true),
    teamsInspectIn3d: phaseFields.teamsInspectIn3d.default(false),
    resultsVisibility: phaseFields.resultsVisibility.default('live'),
    modelMaxBytes: phaseFields.modelMaxBytes.default(DEFAULT_MODEL_LIMITS.modelMaxBytes),
    modelTimeLimitS: phaseFields.modelTimeLimitS.default(DEFAULT_MODEL_LIMITS.modelTimeLimitS),
    modelMemoryLimitMb: phaseFields.modelMemoryLimitMb.default(DEFAULT_MODEL_LIMITS.modelMemoryLimitMb),
    ranking: ranking.default({ scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } }),
    leaderboardPick: phaseFields.leaderboardPick.default('best'),
    metricSuites: phaseFields.metricSuites.default(['atm22']),
  })
  .superRefine(closesAfterOpens);

export const PhaseChangesBody = z.strictObject(phaseFields).partial().superRefine(closesAfterOpens);

export type PhaseFields = z.output<typeof NewPhaseBody>;
export type PhaseChanges = z.output<typeof PhaseChangesBody>;

/**
 * The one spelling of a model phase's limits on the wire: the largest model file in bytes, and the time and memory
 * one case may use. (`GET /api/phases/:id/model-rules` adds `validationTimeoutS`.)
 */
export const ModelLimits = z.strictObject({ maxBytes: z.number().int(), timeLimitPerCaseS: z.number(), memoryLimitPerCaseMb: z.number() });
export type ModelLimits = z.infer<typeof ModelLimits>;

export const PhaseState = z.enum(['upcoming', 'open', 'closed']);
export type PhaseState = z.infer<typeof PhaseState>;

export const Phase = z.strictObject({
  id: Id,
  challengeId: Id,
  name: z.string(),
  kind: z.enum(['masks', 'model']),
  opensAt: Instant,
  closesAt: Instant,
  timeZone: z.literal('UTC'),
  state: PhaseState,
  dailyLimit: z.number().int(),
  totalLimit: z.number().int().nullable(),
  showCaseResults: z.boolean(),
  /** Teams may open the 3D inspection of their own evaluations (it shows the gold standard's shape). */
  teamsInspectIn3d: z.boolean(),
  resultsVisibility: ResultsVisibility,
  /** Model phases only. */
  modelLimits: ModelLimits.optional(),
  ranking: RankingScheme,
  leaderboardPick: LeaderboardPick,
  /** The metric suites the phase scores with (contract/metric-suites.ts), first one first. */
  metricSuites: MetricSuites,
  caseCount: z.number().int(),
});
export type Phase = z.infer<typeof Phase>;

export const PhaseReply = z.strictObject({ phase: Phase });
export type PhaseReply = z.infer<typeof PhaseReply>;
/** `GET /api/phases/:id`: the phase with its challenge's slug and its case names. */
export const PhaseDetailReply = z.strictObject({ phase: Phase.extend({ challengeSlug: z.string(), cases: z.array(z.string()) }) });
export type PhaseDetailReply = z.infer<typeof PhaseDetailReply>;
export type PhaseDetail = z.infer<typeof PhaseDetailReply>['phase'];
