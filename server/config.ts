/**
 * Configuration: environment variables only, read and validated once at start-up into one typed object. A bad
 * value stops start-up with a message naming the variable. Nothing else reads `process.env`.
 */
import { isIP } from 'node:net';
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

/** s3://bucket[/prefix] with an S3 bucket name (3–63 of a-z 0-9 . -). */
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^\s]*)?$/;

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
  UPLOAD_RESERVE_BYTES: integer('UPLOAD_RESERVE_BYTES', 0, 2 ** 50, 64 * 2 ** 20),
  TEAM_UPLOAD_BYTES_IN_FLIGHT: integer('TEAM_UPLOAD_BYTES_IN_FLIGHT', 2 ** 20, 2 ** 44, 8 * 2 ** 30),
  REJECTED_UPLOADS_PER_HOUR: integer('REJECTED_UPLOADS_PER_HOUR', 1, 100000, 30),
  UPLOAD_IDLE_EXPIRY_S: integer('UPLOAD_IDLE_EXPIRY_S', 10, 24 * 3600, 600),
  EVALUATION_TIMEOUT_S: integer('EVALUATION_TIMEOUT_S', 5, 24 * 3600, 900),
  EVALUATION_RETRIES: integer('EVALUATION_RETRIES', 0, 10, 2),
  QUEUE_MAINTENANCE_S: integer('QUEUE_MAINTENANCE_S', 1, 3600, 30),
  SESSION_TTL_HOURS: integer('SESSION_TTL_HOURS', 1, 24 * 365, 24 * 14),
  LOGIN_ATTEMPTS_PER_MINUTE: integer('LOGIN_ATTEMPTS_PER_MINUTE', 1, 10000, 10),
  DOWNLOADS_PER_TEAM: integer('DOWNLOADS_PER_TEAM', 1, 1000, 4),
  DOWNLOAD_REQUESTS_PER_MINUTE: integer('DOWNLOAD_REQUESTS_PER_MINUTE', 1, 1000000, 600),
  DOWNLOAD_LEASE_EXPIRY_S: integer('DOWNLOAD_LEASE_EXPIRY_S', 2, 3600, 60),
  RELEASE_S3_REDIRECT: z
    .enum(['0', '1', 'true', 'false', ''], { message: 'RELEASE_S3_REDIRECT must be 1/true (release files come from the store by presigned URL) or 0/false (they stream through the server)' })
    .optional(),
  RELEASE_URL_EXPIRY_S: integer('RELEASE_URL_EXPIRY_S', 1, 604800, 300),
  SEED_DEMO: z.enum(['0', '1', '']).optional(),
  // --- the model sandbox (server/models/sandbox/) ---
  MODEL_SANDBOX: z
    .enum(['on', 'off', ''], { message: 'MODEL_SANDBOX must be "on" (the default: bubblewrap) or "off" (development only: models run unconfined)' })
    .optional(),
  MODEL_CPU_THREADS: integer('MODEL_CPU_THREADS', 0, 256, 0),
  // --- accounts, mail and throttling (server/auth, server/mail) ---
  REGISTRATIONS_PER_HOUR: integer('REGISTRATIONS_PER_HOUR', 1, 100000, 20),
  MAIL_REQUESTS_PER_HOUR: integer('MAIL_REQUESTS_PER_HOUR', 1, 100000, 10),
  API_TOKEN_TTL_DAYS: integer('API_TOKEN_TTL_DAYS', 1, 3650, 90),
  TRUST_PROXY: z
    .string()
    .optional()
    .refine((v) => v === undefined || trustProxySetting(v) !== undefined, {
      message: 'TRUST_PROXY must be empty or "none", a hop count (1-10), or a comma-separated list of IP addresses or CIDRs of your proxies',
    }),
  PUBLIC_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), {
      message: 'PUBLIC_URL must be the http:// or https:// address people open the platform at, e.g. https://carina.example.org',
    }),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^smtps?:\/\/\S+$/.test(v), {
      message: 'SMTP_URL must be smtp://user:pass@host:port or smtps://… (leave it unset to write mail to $DATA_DIR/outbox)',
    }),
  MAIL_FROM: z.string().optional(),
  // --- object storage, graceful shutdown and metrics (production deployment) ---
  STORAGE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || S3_URL.test(v), {
      message: 'STORAGE_URL must be s3://bucket or s3://bucket/prefix (leave it unset to keep files under STORAGE_DIR)',
    }),
  S3_ENDPOINT: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^https?:\/\/[^\s/]+(\/.*)?$/.test(v), {
      message: 'S3_ENDPOINT must be an http:// or https:// URL, e.g. http://minio:9000',
    }),
  S3_PUBLIC_ENDPOINT: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^https?:\/\/[^\s/]+(\/.*)?$/.test(v), {
      message: 'S3_PUBLIC_ENDPOINT must be the http:// or https:// address clients reach the object store at, e.g. https://data.example.org',
    }),
  S3_REGION: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false', ''], { message: 'S3_FORCE_PATH_STYLE must be 1/true or 0/false' }).optional(),
  BLOB_CACHE_MAX_BYTES: integer('BLOB_CACHE_MAX_BYTES', 2 ** 20, 2 ** 44, 16 * 2 ** 30),
  SHUTDOWN_GRACE_S: integer('SHUTDOWN_GRACE_S', 1, 3600, 60),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 16, { message: 'METRICS_TOKEN must have at least 16 characters' }),
  METRICS_CACHE_S: integer('METRICS_CACHE_S', 0, 3600, 15),
});

/**
 * TRUST_PROXY → Express's `trust proxy`: false (none: req.ip is the socket's address), a hop count, or a list of
 * proxy addresses/CIDRs; undefined when the value is not one of these.
 */
export function trustProxySetting(value: string): false | number | string[] | undefined {
  const v = value.trim();
  if (v === '' || v === 'none' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v) >= 1 && Number(v) <= 10 ? Number(v) : undefined;
  const parts = v.split(',').map((p) => p.trim());
  const ok = parts.every((p) => {
    const [address, bits, extra] = p.split('/');
    if (extra !== undefined || isIP(address) === 0) return false;
    if (bits === undefined) return true;
    const max = isIP(address) === 4 ? 32 : 128;
    return /^\d+$/.test(bits) && Number(bits) <= max;
  });
  return ok ? parts : undefined;
}

/** Where files live when STORAGE_URL=s3://…; blobs read by workers are cached under the local scratch folder. */
export interface S3Settings {
  readonly bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket's root). */
  readonly prefix: string;
  /** S3-compatible endpoint (MinIO, …); undefined → AWS S3 of the region. */
  readonly endpoint?: string;
  /**
   * Where clients reach the store (a proxy, a public name), used only to presign release download URLs;
   * undefined → the endpoint above.
   */
  readonly publicEndpoint?: string;
  readonly region: string;
  /** undefined → the AWS SDK's default credential chain (instance role, AWS_* variables). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly forcePathStyle: boolean;
}

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
  /** Uploads are refused (507) before any byte is received when they would leave less free space than this. */
  readonly uploadReserveBytes: number;
  /** A team's bytes on their way in at once: multipart uploads in progress plus unreceived resumable reservations. */
  readonly teamUploadBytesInFlight: number;
  /** Uploads of a team refused after receiving (413, 422) per hour before its uploads get 429. */
  readonly rejectedUploadsPerHour: number;
  /** A resumable upload that has received no byte expires this long after its creation. */
  readonly uploadIdleExpiryS: number;
  readonly evaluationTimeoutS: number;
  readonly evaluationRetries: number;
  /** How often the queue notices jobs of dead workers (expired) and retries them. */
  readonly maintenanceIntervalS: number;
  readonly sessionTtlHours: number;
  /** Failed log-ins per minute for one account from one address (more limits derive from it: server/auth/throttle.ts). */
  readonly loginAttemptsPerMinute: number;
  /** Registrations per hour from one client address. */
  readonly registrationsPerHour: number;
  /** Password-reset and verification-resend requests per hour from one client address. */
  readonly mailRequestsPerHour: number;
  readonly apiTokenTtlDays: number;
  /** Express's `trust proxy`: false (default: the socket address is the client), a hop count, or proxy CIDRs. */
  readonly trustProxy: false | number | string[];
  /** The address people open the platform at (links in e-mails; https → Secure cookies). */
  readonly publicUrl: string;
  /** SMTP server for outgoing mail; undefined → messages are written as .eml files to mailOutboxDir. */
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly mailOutboxDir: string;
  /** Release downloads: concurrent transfers per team and requests per team per minute, over all server processes. */
  readonly downloadsPerTeam: number;
  readonly downloadRequestsPerMinute: number;
  /** A transfer's slot lease lapses this long after its last renewal (renewed every quarter of it): a dead server's slots free themselves. */
  readonly downloadLeaseExpiryS: number;
  /**
   * With S3 storage, whether an allowed single-file download answers 302 to a presigned URL of the store (the
   * default) rather than streaming the bytes through the server (RELEASE_S3_REDIRECT=0: a store clients cannot reach).
   */
  readonly releaseS3Redirect: boolean;
  /** Lifetime of those presigned URLs (s). */
  readonly releaseUrlExpiryS: number;
  readonly seedDemo: boolean;
  /** Set when STORAGE_URL=s3://…: files go to the object store; storageDir then only holds scratch and cache. */
  readonly s3?: S3Settings;
  /** Bound of the local cache of blobs downloaded from the object store. */
  readonly blobCacheMaxBytes: number;
  /** On SIGTERM, how long in-flight uploads may take before the server closes anyway. */
  readonly shutdownGraceS: number;
  /** When set, GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>". */
  readonly metricsToken?: string;
  /** The database-derived metrics (whole-table aggregates) are read at most once per this many seconds. */
  readonly metricsCacheS: number;
  /** How a team's model runs: in the bubblewrap sandbox (the default), or unconfined (MODEL_SANDBOX=off). */
  readonly modelSandbox: ModelSandboxSettings;
}

export interface ModelSandboxSettings {
  /** false only with MODEL_SANDBOX=off: models run unconfined, with a warning logged on every run. */
  readonly enabled: boolean;
  /** onnxruntime's intra-op threads per model run; 0 = every core this process may use. */
  readonly cpuThreads: number;
  /** Where to look for bwrap, prlimit and setpriv (default: the system's bin folders; tests point it elsewhere). */
  readonly toolFolders?: readonly string[];
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
    uploadReserveBytes: v.UPLOAD_RESERVE_BYTES,
    teamUploadBytesInFlight: v.TEAM_UPLOAD_BYTES_IN_FLIGHT,
    rejectedUploadsPerHour: v.REJECTED_UPLOADS_PER_HOUR,
    uploadIdleExpiryS: v.UPLOAD_IDLE_EXPIRY_S,
    evaluationTimeoutS: v.EVALUATION_TIMEOUT_S,
    evaluationRetries: v.EVALUATION_RETRIES,
    maintenanceIntervalS: v.QUEUE_MAINTENANCE_S,
    sessionTtlHours: v.SESSION_TTL_HOURS,
    loginAttemptsPerMinute: v.LOGIN_ATTEMPTS_PER_MINUTE,
    registrationsPerHour: v.REGISTRATIONS_PER_HOUR,
    mailRequestsPerHour: v.MAIL_REQUESTS_PER_HOUR,
    apiTokenTtlDays: v.API_TOKEN_TTL_DAYS,
    trustProxy: trustProxySetting(v.TRUST_PROXY ?? '') ?? false,
    publicUrl: (v.PUBLIC_URL || `http://${v.HOST.includes(':') ? `[${v.HOST}]` : v.HOST}:${v.PORT}`).replace(/\/+$/, ''),
    smtpUrl: v.SMTP_URL || undefined,
    mailFrom: v.MAIL_FROM || 'Carina <carina@localhost>',
    mailOutboxDir: resolve(dataDir, 'outbox'),
    downloadsPerTeam: v.DOWNLOADS_PER_TEAM,
    downloadRequestsPerMinute: v.DOWNLOAD_REQUESTS_PER_MINUTE,
    downloadLeaseExpiryS: v.DOWNLOAD_LEASE_EXPIRY_S,
    releaseS3Redirect: v.RELEASE_S3_REDIRECT !== '0' && v.RELEASE_S3_REDIRECT !== 'false',
    releaseUrlExpiryS: v.RELEASE_URL_EXPIRY_S,
    seedDemo: v.SEED_DEMO !== '0',
    s3: s3Settings(v),
    blobCacheMaxBytes: v.BLOB_CACHE_MAX_BYTES,
    shutdownGraceS: v.SHUTDOWN_GRACE_S,
    metricsToken: v.METRICS_TOKEN || undefined,
    metricsCacheS: v.METRICS_CACHE_S,
    modelSandbox: { enabled: v.MODEL_SANDBOX !== 'off', cpuThreads: v.MODEL_CPU_THREADS },
  };
}

function s3Settings(v: z.infer<typeof schema>): S3Settings | undefined {
  const match = v.STORAGE_URL ? S3_URL.exec(v.STORAGE_URL) : null;
  if (!match) {
    const stray = (['S3_ENDPOINT', 'S3_PUBLIC_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).find((name) => v[name]);
    if (stray) {
      throw new ConfigError(`invalid configuration: ${stray} is set but STORAGE_URL is not an s3:// URL; set STORAGE_URL=s3://bucket/prefix to keep files in the object store, or unset ${stray}`);
    }
    return undefined;
  }
  if (Boolean(v.S3_ACCESS_KEY_ID) !== Boolean(v.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together; set both, or neither to use the AWS default credentials');
  }
  const forcePathStyle = v.S3_FORCE_PATH_STYLE ? v.S3_FORCE_PATH_STYLE === '1' || v.S3_FORCE_PATH_STYLE === 'true' : Boolean(v.S3_ENDPOINT);
  return {
    bucket: match[1],
    prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, ''),
    endpoint: v.S3_ENDPOINT || undefined,
    ...(v.S3_PUBLIC_ENDPOINT ? { publicEndpoint: v.S3_PUBLIC_ENDPOINT } : {}),
    region: v.S3_REGION || 'us-east-1',
    credentials: v.S3_ACCESS_KEY_ID ? { accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY! } : undefined,
    forcePathStyle,
  };
}
