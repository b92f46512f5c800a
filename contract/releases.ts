/**
 * Data releases: what an organiser gives teams to download (a training set, the inputs of a mask phase,
 * documents, or a link to data kept elsewhere), who may download it now and why not, and the access log.
 */
import { z } from 'zod';
import { Id, Instant } from './common.ts';

export const ReleaseKind = z.enum(['training', 'phase-inputs', 'documents', 'external'], {
  error: 'must be "training", "phase-inputs", "documents" or "external"',
});
export type ReleaseKind = z.infer<typeof ReleaseKind>;
export const ReleaseFileRole = z.enum(['ct', 'gold', 'document', 'other']);
export type ReleaseFileRole = z.infer<typeof ReleaseFileRole>;

const name = z.string().trim().min(1, 'must not be empty').max(120);
const version = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'must be 1 to 32 letters, digits, dots, hyphens or underscores');
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant such as 2026-01-31T12:00:00Z' });
const externalUrl = z.string().trim().max(2000).regex(/^(https?:\/\/\S+|doi:\S+)$/, 'must be an http(s) URL or a doi:… identifier');

export const NewReleaseBody = z.strictObject({
  kind: ReleaseKind,
  name,
  description: z.string().max(4000).default(''),
  version: version.default('1'),
  phaseId: Id.nullable().default(null),
  opensAt: instant,
  closesAt: instant.nullable().default(null),
  url: externalUrl.nullable().default(null),
});
export type NewReleaseBody = z.infer<typeof NewReleaseBody>;
export const ReleaseChangesBody = z.strictObject({ name, description: z.string().max(4000), opensAt: instant, closesAt: instant.nullable() }).partial();
export type ReleaseChangesBody = z.infer<typeof ReleaseChangesBody>;

/** Files picked from a phase's cases: their CTs, and their current gold standards when `gold` is true. */
export const PickCasesBody = z.strictObject({
  phaseId: Id,
  caseIds: z.array(Id).max(10000).optional(),
  ct: z.boolean().default(true),
  gold: z.boolean().default(false),
});
export type PickCasesBody = z.infer<typeof PickCasesBody>;
export const RevokeBody = z.strictObject({ teamId: Id, reason: z.string().trim().max(500).nullable().default(null) });

export const ReleaseFile = z.strictObject({ id: Id, name: z.string(), size: z.number().int().nonnegative(), sha256: z.string(), role: ReleaseFileRole });
export type ReleaseFile = z.infer<typeof ReleaseFile>;

/** Whether the caller may download now, and if not why (a sentence they can act on). */
export const ReleaseAccess = z.strictObject({ allowed: z.boolean(), reason: z.string().nullable() });
export type ReleaseAccess = z.infer<typeof ReleaseAccess>;

export const Release = z.strictObject({
  id: Id,
  challengeId: Id,
  phaseId: Id.nullable(),
  kind: ReleaseKind,
  name: z.string(),
  description: z.string(),
  version: z.string(),
  opensAt: Instant,
  closesAt: Instant.nullable(),
  isOpen: z.boolean(),
  /** Shown to callers who may download (and recorded), and to organisers. */
  url: z.string().nullable(),
  files: z.array(ReleaseFile),
  totalBytes: z.number().int().nonnegative(),
  access: ReleaseAccess,
  /** Organisers only: teams whose access was revoked. */
  revokedTeams: z.array(z.strictObject({ teamId: Id, teamName: z.string(), reason: z.string().nullable(), revokedAt: Instant })).optional(),
});
export type Release = z.infer<typeof Release>;
export const ReleaseReply = z.strictObject({ release: Release });
export type ReleaseReply = z.infer<typeof ReleaseReply>;
export const ReleasesReply = z.strictObject({ releases: z.array(Release), agreement: z.string().nullable(), agreementAccepted: z.boolean() });
export type ReleasesReply = z.infer<typeof ReleasesReply>;

export const AccessLogEntry = z.strictObject({
  id: Id,
  releaseId: Id,
  fileId: Id.nullable(),
  fileName: z.string().nullable(),
  userId: Id.nullable(),
  userEmail: z.string().nullable(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  action: z.enum(['file', 'archive', 'manifest', 'link']),
  bytesSent: z.number().int().nonnegative(),
  range: z.string().nullable(),
  address: z.string().nullable(),
  at: Instant,
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;
export const AccessLogQuery = z.strictObject({ teamId: z.coerce.number().int().positive().optional() });
export const AccessLogReply = z.strictObject({ entries: z.array(AccessLogEntry) });
export type AccessLogReply = z.infer<typeof AccessLogReply>;
