/**
 * The S3 storage driver (AWS S3 or any S3-compatible store: MinIO, …), chosen by STORAGE_URL=s3://bucket/prefix.
 *
 * Keys: <prefix>/blobs/ab/<sha256> for content-addressed files, <prefix>/objects/<key> for derived artefacts.
 * - putFile hashes the local file first (the key is its sha256, and S3 cannot rename), skips the upload when the
 *   blob is stored already, else streams it as a multipart upload (a few parts in memory at a time, never the
 *   whole file) while hashing the bytes sent again, so what is stored is exactly what its key names.
 * - blobPath gives readers a local file: the blob is streamed into a bounded local cache under the scratch
 *   folder, verified by sha256 on the way, and reused while it stays cached.
 * - blobDownloadUrl presigns a GetObject (SigV4 query string, computed locally) so a client fetches the bytes
 *   from the store itself; S3 honours Range on it, and names the file by the signed response-content-disposition.
 *   The URL names S3_PUBLIC_ENDPOINT when set (where clients reach the store; the signature covers that host, so a
 *   proxy there must pass the Host header on unchanged), else the endpoint the server itself uses.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Settings } from '../config.ts';
import { AppError } from '../errors.ts';
import { BlobCache } from './blob-cache.ts';
import { sha256File } from './local-storage.ts';
import type { BlobUrlOptions, Storage, StoredBlob } from './storage.ts';

/** Multipart part size: S3 needs ≥ 5 MiB and ≤ 10,000 parts; memory holds about (queue + 1) parts. */
const MIN_PART_BYTES = 8 * 2 ** 20;
const MAX_PARTS = 9_000;
const PARTS_IN_FLIGHT = 2;

/** A blob or object the store does not have (code ENOENT, like the local driver's missing file). */
export class MissingInStoreError extends Error {
  readonly code = 'ENOENT';
  constructor(message: string) {
    super(message);
    this.name = 'MissingInStoreError';
  }
}

export interface S3StorageOptions {
  /** Local folder for scratch files and the blob cache (STORAGE_DIR). */
  readonly localDir: string;
  readonly cacheMaxBytes: number;
  /** Cached blobs used within this many ms are never evicted (default 10 minutes). */
  readonly cacheProtectMs?: number;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Passes bytes through while hashing them. */
function hashingTap(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

export function s3Location(settings: Pick<S3Settings, 'bucket' | 'prefix'>): string {
  return `s3://${settings.bucket}${settings.prefix ? `/${settings.prefix}` : ''}`;
}

export class S3Storage implements Storage {
  readonly scratchDir: string;
  readonly cache: BlobCache;
  private readonly client: S3Client;
  /** Signs the URLs clients are sent to (never connects): `client` unless a public endpoint is set. */
  private readonly presigner: S3Client;
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    private readonly settings: S3Settings,
    options: S3StorageOptions,
  ) {
    this.scratchDir = join(options.localDir, 'tmp');
    this.cache = new BlobCache(join(this.scratchDir, 'blob-cache'), { maxBytes: options.cacheMaxBytes, protectMs: options.cacheProtectMs });
    const client = (endpoint: string | undefined) =>
      new S3Client({
        region: settings.region,
        endpoint,
        forcePathStyle: settings.forcePathStyle,
        credentials: settings.credentials,
        // S3-compatible stores differ in the optional checksums they accept; content is verified by sha256 here
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    this.client = client(settings.endpoint);
    this.presigner = settings.publicEndpoint ? client(settings.publicEndpoint) : this.client;
  }

  /** Creates the local folders and checks that the bucket answers (a wrong endpoint or key stops start-up). */
  async init(): Promise<this> {
    await mkdir(this.scratchDir, { recursive: true });
    await this.cache.init();
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const reason = status === 404 ? 'the bucket does not exist' : status === 403 ? 'access denied (check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)' : (error as Error).message;
      throw new Error(`STORAGE_URL ${s3Location(this.settings)}${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ''}: ${reason}`, { cause: error });
    }
    return this;
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }

  private key(...parts: string[]): string {
    return [this.settings.prefix, ...parts].filter(Boolean).join('/');
  }

  private blobKey(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('BAD_REQUEST', `not a sha256: ${sha256}`);
    return this.key('blobs', sha256.slice(0, 2), sha256);
  }

  private objectKey(key: string): string {
    const clean = normalize(key);
    if (clean.startsWith('..') || clean.startsWith('/') || clean.includes('\0')) throw new Error(`bad storage key ${key}`);
    return this.key('objects', clean);
  }

  private describe(key: string): string {
    return `s3://${this.settings.bucket}/${key}`;
  }

  async putFile(localPath: string): Promise<StoredBlob> {
    const [sha256, info] = await Promise.all([sha256File(localPath), stat(localPath)]);
    if (!(await this.hasBlob(sha256))) await this.upload(localPath, sha256, info.size);
    await rm(localPath, { force: true });
    return { sha256, size: info.size };
  }

  private async upload(localPath: string, sha256: string, size: number): Promise<void> {
    const key = this.blobKey(sha256);
    const sent = createHash('sha256');
    const source = createReadStream(localPath);
    const body = hashingTap(sent);
    source.once('error', (error) => body.destroy(error));
    source.pipe(body);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: key, Body: body, ContentType: 'application/octet-stream', Metadata: { sha256 } },
      partSize: Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS)),
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } finally {
      source.destroy();
    }
    if (sent.digest('hex') !== sha256) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key })).catch(() => undefined);
      throw new Error(`${localPath} changed while it was uploaded to ${this.describe(key)}; nothing was stored`);
    }
  }

  async hasBlob(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.blobKey(sha256) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async readBlob(sha256: string, range?: { readonly start: number; readonly end: number }): Promise<Readable> {
    const cached = await this.cache.hit(sha256);
    if (cached) return createReadStream(cached, range ? { start: range.start, end: range.end } : {});
    const key = this.blobKey(sha256);
    try {
      const reply = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return reply.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new MissingInStoreError(`blob ${sha256} is not in the object store (no ${this.describe(key)})`);
      throw error;
    }
  }

  async blobDownloadUrl(sha256: string, options: BlobUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.blobKey(sha256),
      ResponseContentDisposition: options.contentDisposition,
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.presigner, command, { expiresIn: options.expiresInS });
  }

  async blobPath(sha256: string): Promise<string> {
    const key = this.blobKey(sha256);
    const cached = await this.cache.hit(sha256);
    if (cached) return cached;
    let download = this.downloads.get(sha256);
    if (!download) {
      download = this.download(key, sha256).finally(() => this.downloads.delete(sha256));
      this.downloads.set(sha256, download);
    }
    return download;
  }

  private async download(key: string, sha256: string): Promise<string> {
    let body: Readable;
    try {
      const reply = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      body = reply.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new MissingInStoreError(`blob ${sha256} is not in the object store (no ${this.describe(key)})`);
      throw error;
    }
    const temp = join(this.cache.incomingDir, `${sha256}.${process.pid}.${Date.now()}.part`);
    const received = createHash('sha256');
    try {
      await pipeline(body, hashingTap(received), createWriteStream(temp));
      const actual = received.digest('hex');
      if (actual !== sha256) throw new Error(`${this.describe(key)} is corrupt: its content hashes to ${actual}; the download was discarded`);
      return await this.cache.admit(sha256, temp);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async putObject(key: string, data: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key), Body: data, ContentType: 'application/octet-stream' }),
    );
  }

  async getObject(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    try {
      const reply = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: objectKey }));
      return Buffer.from(await reply.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) throw new MissingInStoreError(`object ${key} is not in the object store (no ${this.describe(objectKey)})`);
      throw error;
    }
  }
}
