/** Cases and gold standards: organisers upload them (multipart); everyone who sees a phase gets names and geometry. */
import { z } from 'zod';
import { Id, ImageGeometry, Instant } from './common.ts';

/** The multipart text field `name` of `POST /api/phases/:id/cases`. */
export const CaseName = z
  .string({ error: 'send the case name as the text field "name", e.g. ATM_164' })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be 1 to 100 letters, digits, "_", "." or "-", starting with a letter or digit (e.g. ATM_164)');
export const NewCaseFields = z.object({ name: CaseName });

export const GoldStatus = z.enum(['queued', 'running', 'ready', 'failed']);
export type GoldStatus = z.infer<typeof GoldStatus>;

export const GoldVersion = z.strictObject({
  id: Id,
  version: z.number().int(),
  status: GoldStatus,
  isCurrent: z.boolean(),
  fileName: z.string(),
  error: z.string().nullable(),
  /** The prepared gold standard's summary (branch counts, sizes): free-form, keyed by the evaluator's names. */
  summary: z.record(z.string(), z.unknown()).nullable(),
  createdAt: Instant,
  preparedAt: Instant.nullable(),
});
export type GoldVersion = z.infer<typeof GoldVersion>;

export const GoldRef = z.strictObject({ id: Id, version: z.number().int(), status: GoldStatus });
export type GoldRef = z.infer<typeof GoldRef>;

/**
 * A case as a phase lists it. `geometry` (the CT's grid, which a mask must match) is null for everyone but the
 * organisers in a model phase: its CTs are hidden, and so is their size.
 */
export const Case = z.strictObject({ id: Id, name: z.string(), geometry: ImageGeometry.nullable() });
export type Case = z.infer<typeof Case>;
export const PhaseCase = Case.extend({
  /** Organisers only. */
  ctFileName: z.string().optional(),
  goldVersions: z.array(GoldVersion).optional(),
});
export type PhaseCase = z.infer<typeof PhaseCase>;

export const NewCaseReply = z.strictObject({ case: Case.extend({ gold: GoldRef }) });
export type NewCaseReply = z.infer<typeof NewCaseReply>;
export const NewGoldReply = z.strictObject({ gold: GoldVersion });
export type NewGoldReply = z.infer<typeof NewGoldReply>;
export const CasesReply = z.strictObject({ cases: z.array(PhaseCase) });
export type CasesReply = z.infer<typeof CasesReply>;
