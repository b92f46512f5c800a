/**
 * A bounded local cache of blobs downloaded from the object store, so readers get a local path (itk-wasm reads
 * files) and a phase's gold standards are downloaded once per machine, not once per case.
 *
 * Layout: <dir>/ab/<sha256> (complete, verified files only) and <dir>/incoming/ (downloads in progress, renamed
 * into place when their sha256 matched). Recency is the file's mtime, touched on every hit, so processes sharing
 * the folder share one recency order. When the total exceeds the bound, the least recently used files go — but
 * never one used within `protectMs` (a reader may be about to open it; an unlinked file stays readable for a
 * reader that has it open already). A single blob larger than the bound is kept while in use.
 */
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export interface BlobCacheOptions {
  readonly maxBytes: number;
  /** Files used within this many ms are never evicted (default 10 minutes). */
  readonly protectMs?: number;
}

interface CachedFile {
  readonly path: string;
  readonly size: number;
  readonly usedAt: number;
}

export class BlobCache {
  readonly incomingDir: string;
  private readonly protectMs: number;

  constructor(
    readonly dir: string,
    private readonly options: BlobCacheOptions,
  ) {
    this.incomingDir = join(dir, 'incoming');
    this.protectMs = options.protectMs ?? 10 * 60_000;
  }

  async init(): Promise<this> {
    await mkdir(this.incomingDir, { recursive: true });
    return this;
  }

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** The cached file's path after marking it used, or undefined when it is not cached. */
  async hit(sha256: string): Promise<string | undefined> {
    const path = this.pathOf(sha256);
    const now = new Date();
    try {
      await utimes(path, now, now);
      return path;
    } catch {
      return undefined;
    }
  }

  /** Moves a verified download into the cache, then trims the cache to its bound. */
  async admit(sha256: string, verifiedFile: string): Promise<string> {
    const path = this.pathOf(sha256);
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    await rename(verifiedFile, path);
    await this.trim(path);
    return path;
  }

  /** Total bytes of the cached files (downloads in progress excluded). */
  async size(): Promise<number> {
    return (await this.files()).reduce((sum, f) => sum + f.size, 0);
  }

  private async files(): Promise<CachedFile[]> {
    const files: CachedFile[] = [];
    for (const folder of await readdir(this.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of await readdir(join(this.dir, folder)).catch(() => [] as string[])) {
        const path = join(this.dir, folder, name);
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile()) files.push({ path, size: info.size, usedAt: info.mtimeMs });
      }
    }
    return files;
  }

  private async trim(keep: string): Promise<void> {
    const files = await this.files();
    let total = files.reduce((sum, f) => sum + f.size, 0);
    if (total <= this.options.maxBytes) return;
    const protectedSince = Date.now() - this.protectMs;
    const candidates = files.filter((f) => f.path !== keep && f.usedAt < protectedSince).sort((a, b) => a.usedAt - b.usedAt);
    for (const file of candidates) {
      if (total <= this.options.maxBytes) break;
      await rm(file.path, { force: true });
      total -= file.size;
    }
  }
}
