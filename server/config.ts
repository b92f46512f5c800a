/**
 * Configuration: environment variables only, read and validated once at start-up into one typed object. A bad
 * value stops start-up with a message naming the variable. Nothing else reads `process.env`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  PORT: integer('PORT', 0, 65535, 8080),
  HOST: z.string().optional().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
    }),
  DATA_DIR: z.string().optional().default('.carina'),
  STORAGE_DIR: z.string().optional(),
  WORKERS: integer('WORKERS', 0, 64, 1),
  CARINA_ORGANISER: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^[^:\s]+@[^:\s]+:.{8,}$/.test(v), {
      message: 'CARINA_ORGANISER must be email:password with a password of at least 8 characters',
    }),
  MAX_UPLOAD_BYTES: integer('MAX_UPLOAD_BYTES', 1024, 2 ** 40, 4 * 2 ** 30),
  MAX_UNPACKED_BYTES: integer('MAX_UNPACKED_BYTES', 1024, 2 ** 42, 16 * 2 ** 30),
  MAX_VOXELS: integer('MAX_VOXELS', 1, 2 ** 31, 2 ** 30),
  EVALUATION_TIMEOUT_S: integer('EVALUATION_TIMEOUT_S', 5, 24 * 3600, 900),
  EVALUATION_RETRIES: integer('EVALUATION_RETRIES', 0, 10, 2),
  QUEUE_MAINTENANCE_S: integer('QUEUE_MAINTENANCE_S', 1, 3600, 30),
  SESSION_TTL_HOURS: integer('SESSION_TTL_HOURS', 1, 24 * 365, 24 * 14),
  LOGIN_ATTEMPTS_PER_MINUTE: integer('LOGIN_ATTEMPTS_PER_MINUTE', 1, 10000, 10),
  SEED_DEMO: z.enum(['0', '1', '']).optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  /** External database; undefined → start the embedded PostgreSQL. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly storageDir: string;
  readonly workers: number;
  readonly organiser?: { readonly email: string; readonly password: string };
  readonly maxUploadBytes: number;
  readonly maxUnpackedBytes: number;
  readonly maxVoxels: number;
  readonly evaluationTimeoutS: number;
  readonly evaluationRetries: number;
  /** How often the queue notices jobs of dead workers (expired) and retries them. */
  readonly maintenanceIntervalS: number;
  readonly sessionTtlHours: number;
  readonly loginAttemptsPerMinute: number;
  readonly seedDemo: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '');
      return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const v = parsed.data;
  const dataDir = resolve(v.DATA_DIR);
  let organiser: Config['organiser'];
  if (v.CARINA_ORGANISER) {
    const at = v.CARINA_ORGANISER.indexOf(':');
    organiser = { email: v.CARINA_ORGANISER.slice(0, at).toLowerCase(), password: v.CARINA_ORGANISER.slice(at + 1) };
  }
  return {
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL || undefined,
    dataDir,
    storageDir: resolve(v.STORAGE_DIR ?? `${dataDir}/storage`),
    workers: v.WORKERS,
    organiser,
    maxUploadBytes: v.MAX_UPLOAD_BYTES,
    maxUnpackedBytes: v.MAX_UNPACKED_BYTES,
    maxVoxels: v.MAX_VOXELS,
    evaluationTimeoutS: v.EVALUATION_TIMEOUT_S,
    evaluationRetries: v.EVALUATION_RETRIES,
    maintenanceIntervalS: v.QUEUE_MAINTENANCE_S,
    sessionTtlHours: v.SESSION_TTL_HOURS,
    loginAttemptsPerMinute: v.LOGIN_ATTEMPTS_PER_MINUTE,
    seedDemo: v.SEED_DEMO !== '0',
  };
}
