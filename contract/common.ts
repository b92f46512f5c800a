/**
 * Wire building blocks shared by every area: ids, instants, the official metrics, image geometry, and the one
 * error body. Instants travel as UTC ISO 8601 strings; ids are positive integers.
 */
import { z } from 'zod';
import { METRIC_NAMES } from './metric-names.ts';
import { METRIC_SUITES, SUITE_IDS } from './metric-suites.ts';

export { METRIC_NAMES };
/** Every metric any suite stores, by stored name (ATM'22's first, then AIIB23's: contract/metric-suites.ts). */
export const STORED_METRIC_NAMES = SUITE_IDS.flatMap((id) => METRIC_SUITES[id].metrics.map((m) => m.name)) as [string, ...string[]];

export const Id = z.number().int().positive();
/** A UTC ISO 8601 instant as the server writes it (`2025-06-01T00:00:00.000Z`). */
export const Instant = z.iso.datetime();
/** A row reference by id in a path (`/api/phases/:id`). */
export const IdRef = z.object({ id: Id, name: z.string() });

export const MetricName = z.enum(METRIC_NAMES);
export type MetricName = z.infer<typeof MetricName>;
/** A metric of any suite, by its stored name. */
export const StoredMetricName = z.enum(STORED_METRIC_NAMES);
/** One value per metric of the phase's suites (a submission's mean, std, unrounded mean). */
export const Metrics = z.partialRecord(StoredMetricName, z.number());
export type Metrics = z.infer<typeof Metrics>;
/**
 * A case's stored metrics: the official ones plus counts, flags and nested extras keyed by the evaluator's names
 * (`unrounded`, `per_generation`, `timings`…) — free-form beyond the official six.
 */
export const CaseMetrics = z.object(Object.fromEntries(METRIC_NAMES.map((m) => [m, z.number().optional()])) as Record<MetricName, z.ZodOptional<z.ZodNumber>>).catchall(z.unknown());
export type CaseMetrics = z.infer<typeof CaseMetrics>;

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
/** Grid of a volume: voxels along x, y, z; spacing (mm); origin (LPS, mm); row-major 3×3 direction cosines. */
export const ImageGeometry = z.object({ size: Vec3, spacing: Vec3, origin: Vec3, direction: z.array(z.number()) });
export type ImageGeometry = z.infer<typeof ImageGeometry>;

export const EvaluationStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type EvaluationStatus = z.infer<typeof EvaluationStatus>;

export const FailureOwner = z.enum(['team', 'platform']);
export type FailureOwner = z.infer<typeof FailureOwner>;

export const Ok = z.strictObject({ ok: z.literal(true) });
