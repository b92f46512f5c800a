/**
 * The bytes of resumable uploads: one part file per upload under <scratchDir>/resumable/, on the store's
 * filesystem (a finished upload becomes a blob by a rename or hard link, never a copy). A part file only ever
 * grows by bytes the client sent in order, so its size is the upload's offset, even after a crash or a dropped
 * connection: whatever reached the disk is a correct prefix of the file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors.ts';

export function partsDir(scratchDir: string): string {
  return join(scratchDir, 'resumable');
}

export function partPath(scratchDir: string, id: string): string {
  return join(partsDir(scratchDir), `${id}.part`);
}

export async function createPartFile(scratchDir: string, id: string): Promise<void> {
  await mkdir(partsDir(scratchDir), { recursive: true });
  await (await open(partPath(scratchDir, id), 'wx')).close();
}

/** Bytes held for the upload, or undefined when its part file is gone. */
export async function partSize(scratchDir: string, id: string): Promise<number | undefined> {
  try {
    return (await stat(partPath(scratchDir, id))).size;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function removePart(scratchDir: string, id: string): Promise<void> {
  await rm(partPath(scratchDir, id), { force: true });
}

/** Part files whose name is not an upload id in `known` and that nobody touched for `olderThanMs` (crash leftovers). */
export async function strayParts(scratchDir: string, isKnown: (ids: string[]) => Promise<Set<string>>, olderThanMs: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(partsDir(scratchDir));
  } catch {
    return [];
  }
  const ids = names.filter((n) => /^[0-9a-f]{32}\.part$/.test(n)).map((n) => n.slice(0, 32));
  const known = await isKnown(ids);
  const stray: string[] = [];
  for (const id of ids) {
    if (known.has(id)) continue;
    const info = await stat(partPath(scratchDir, id)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > olderThanMs) stray.push(id);
  }
  return stray;
}

/** A client sending this much more than the upload has left is cut off instead of being read to the end. */
const OVERFLOW_READ_LIMIT = 1 << 20;

/** Counts (and hashes) the bytes flowing through; past `maxBytes` it forwards nothing more and flags the overflow. */
class ChunkMeter extends Transform {
  bytes = 0;
  overflow = false;
  readonly hash = createHash('sha256');
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.overflow = true;
      done(this.bytes > this.maxBytes + OVERFLOW_READ_LIMIT ? new Error('far more bytes than the upload has left') : null);
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

export interface AppendOptions {
  /** The part file's size, where the bytes go. */
  readonly offset: number;
  /** Bytes the upload still lacks. */
  readonly maxBytes: number;
  /** sha256 the body must have (tus checksum); with it, a body cut short or wrong is not kept. */
  readonly sha256?: Buffer;
}

export interface AppendResult {
  /** The part file's size afterwards. */
  readonly offset: number;
  /** Why the body was not taken whole (the bytes that reached the disk are kept unless a checksum was sent). */
  readonly error?: unknown;
}

/**
 * Streams a request body onto the end of the part file; the body is never held in memory. Returns once the file
 * is closed, so the size read afterwards is final; a failure (the client went away, too many bytes, a full disk,
 * a checksum mismatch) is returned, not thrown. When writing fails the rest of the body is read and dropped, so
 * the client still gets an answer.
 */
export async function appendToPart(scratchDir: string, id: string, body: Readable, options: AppendOptions): Promise<AppendResult> {
  const path = partPath(scratchDir, id);
  const meter = new ChunkMeter(options.maxBytes);
  const file = createWriteStream(path, { flags: 'r+', start: options.offset });
  const cutShort = () => {
    if (!body.readableEnded) meter.destroy(Object.assign(new Error('the client closed the connection before the body ended'), { code: 'ECONNRESET' }));
  };
  body.once('close', cutShort);
  body.once('error', cutShort);
  body.pipe(meter);
  let error: unknown;
  try {
    await pipeline(meter, file);
  } catch (failure) {
    error = failure;
    body.unpipe(meter);
    if (meter.overflow) body.destroy();
    else body.resume(); // drop the rest, so the answer can be sent
  } finally {
    body.off('close', cutShort);
    body.off('error', cutShort);
  }
  if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
  if (!error && meter.overflow) {
    error = new AppError('PAYLOAD_TOO_LARGE', `this PATCH carries more bytes than the upload has left (${options.maxBytes}); its length was fixed by Upload-Length at creation`);
  }
  if (!error && options.sha256 && !meter.hash.digest().equals(options.sha256)) {
    error = new AppError('BAD_REQUEST', 'the body does not match its Upload-Checksum (sha256); none of it was kept — send the chunk again from the same offset');
  }
  // a refused body (too long, wrong checksum), or one cut short that cannot be checked, leaves nothing behind
  if (error instanceof AppError || (error && options.sha256)) await truncate(path, options.offset);
  return { offset: (await partSize(scratchDir, id)) ?? options.offset, error };
}
