/** The local-filesystem storage driver: STORAGE_DIR/blobs/ab/<sha256>, STORAGE_DIR/objects/<key>, STORAGE_DIR/tmp. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Storage, StoredBlob } from './storage.ts';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class LocalStorage implements Storage {
  readonly scratchDir: string;
  constructor(private readonly root: string) {
    this.scratchDir = join(root, 'tmp');
  }

  async init(): Promise<this> {
    await mkdir(join(this.root, 'blobs'), { recursive: true });
    await mkdir(join(this.root, 'objects'), { recursive: true });
    await mkdir(this.scratchDir, { recursive: true });
    return this;
  }

  private blobFile(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('BAD_REQUEST', `not a sha256: ${sha256}`);
    return join(this.root, 'blobs', sha256.slice(0, 2), sha256);
  }

  private objectFile(key: string): string {
    const clean = normalize(key);
    if (clean.startsWith('..') || clean.startsWith('/') || clean.includes('\0')) throw new Error(`bad storage key ${key}`);
    return join(this.root, 'objects', clean);
  }

  async putFile(localPath: string): Promise<StoredBlob> {
    const [sha256, info] = await Promise.all([sha256File(localPath), stat(localPath)]);
    const target = this.blobFile(sha256);
    await mkdir(dirname(target), { recursive: true });
    if (await this.hasBlob(sha256)) await rm(localPath, { force: true });
    else await rename(localPath, target);
    return { sha256, size: info.size };
  }

  async blobPath(sha256: string): Promise<string> {
    const path = this.blobFile(sha256);
    await access(path);
    return path;
  }

  async readBlob(sha256: string, range?: { readonly start: number; readonly end: number }): Promise<Readable> {
    const path = await this.blobPath(sha256);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async hasBlob(sha256: string): Promise<boolean> {
    try {
      await access(this.blobFile(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async putObject(key: string, data: Uint8Array): Promise<void> {
    const path = this.objectFile(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path + '.tmp', data);
    await rename(path + '.tmp', path);
  }

  getObject(key: string): Promise<Buffer> {
    return readFile(this.objectFile(key));
  }
}
