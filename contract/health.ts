/** Liveness, readiness and the OpenAPI document itself. */
import { z } from 'zod';

export const HealthReply = z.strictObject({ ok: z.literal(true) });
export type HealthReply = z.infer<typeof HealthReply>;
/** The OpenAPI 3.1 document of this API (`GET /api/openapi.json`). */
export const OpenApiDocument = z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).catchall(z.unknown());
