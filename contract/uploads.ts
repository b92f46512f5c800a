/**
 * Resumable uploads (tus 1.0.0, headers only: creation, HEAD, PATCH, DELETE) and the submission made from
 * finished ones. Only creation answers with JSON.
 */
import { z } from 'zod';
import { Id, Instant } from './common.ts';

export const FromUploadsBody = z.object({
  uploadIds: z.array(z.string().max(64)).min(1, 'name at least one finished upload'),
  note: z.string().optional(),
  /** Model phases: the manifest, as JSON text or as the object itself. */
  manifest: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
});

export const Upload = z.strictObject({
  id: z.string(),
  url: z.string(),
  phaseId: Id,
  fileName: z.string(),
  length: z.number().int(),
  offset: z.number().int(),
  createdAt: Instant,
  expiresAt: Instant,
  completedAt: Instant.nullable(),
});
export type Upload = z.infer<typeof Upload>;
export const UploadCreated = z.strictObject({ upload: Upload });
export type UploadCreated = z.infer<typeof UploadCreated>;
