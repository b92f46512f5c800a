/**
 * The organisers' ranking analysis of a phase (`GET /api/phases/:id/analysis`) and the challenge report's JSON
 * (`GET /api/phases/:id/report.json`): the leaderboard with rank intervals, every figure's data (the page and the
 * report draw them with the same builders, ranking/figures/), the phase's settings and the versions used.
 */
import { z } from 'zod';
import { Id, Instant } from './common.ts';

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const AnalysisFigure = z.strictObject({
  id: z.string(),
  kind: z.enum(['blob', 'significance', 'per-metric', 'schemes', 'kendall', 'spread', 'difficulty']),
  title: z.string(),
  caption: z.string(),
  order: z.array(z.string()),
  data: z.array(z.record(z.string(), Cell)),
});
export type AnalysisFigure = z.infer<typeof AnalysisFigure>;

export const AnalysisEntry = z.strictObject({
  rank: z.number().int(),
  team: z.string(),
  submissionId: Id,
  score: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]),
  keepShare: z.number(),
  imputedCases: z.number().int(),
});

export const AnalysisReply = z.strictObject({
  phase: z.strictObject({ id: Id, name: z.string(), challengeId: Id }),
  generatedAt: Instant,
  computeMs: z.number(),
  entries: z.array(AnalysisEntry),
  note: z.string().nullable(),
  samples: z.number().int(),
  seed: z.number().int(),
  cases: z.number().int(),
  metrics: z.array(z.strictObject({ name: z.string(), direction: z.enum(['higher', 'lower']), weight: z.number() })),
  settings: z.array(z.tuple([z.string(), z.string()])),
  versions: z.array(z.tuple([z.string(), z.string()])),
  schemes: z.array(z.strictObject({ id: z.string(), label: z.string(), ranks: z.array(z.number()) })),
  kendall: z.array(z.array(z.number().nullable())),
  figures: z.array(AnalysisFigure),
});
export type AnalysisReply = z.infer<typeof AnalysisReply>;
