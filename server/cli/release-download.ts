/**
 * `carina download`: fetches every file of a release (or of every release of a phase) into a folder, as a
 * download manager would: a file already complete (its sha256 matches) is skipped; a partial one (`NAME.part`)
 * resumes with `Range: bytes=<size>-` guarded by `If-Range: "<sha256>"` (a changed file starts over); a dropped
 * connection is retried from where it stopped; every file is checked against its sha256 before it takes its name.
 * Progress goes to stderr; the exit code is non-zero when any file failed, and the failed files are named.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiFailure, callApi, errorOf, type FetchFunction } from './api-client.ts';

export interface RemoteFile {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface RemoteRelease {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  readonly phaseId: number | null;
  readonly files: readonly RemoteFile[];
  readonly access: { readonly allowed: boolean; readonly reason: string | null };
}

export interface DownloadIo {
  readonly fetch: FetchFunction;
  stderr(text: string): void;
  /** Attempts per file before it counts as failed, and the pause between them (ms). */
  readonly attempts?: number;
  readonly retryDelayMs?: number;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** One request from the partial file's end; resolves when the body is written (or throws where it stopped). */
async function fetchRest(io: DownloadIo, url: string, token: string, file: RemoteFile, partPath: string): Promise<void> {
  let offset = (await sizeOf(partPath)) ?? 0;
  if (offset > file.size) {
    await truncate(partPath, 0);
    offset = 0;
  }
  if (offset === file.size) return;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    headers['if-range'] = `"${file.sha256}"`;
  }
  const res = await io.fetch(url, { headers });
  if (res.status !== 200 && res.status !== 206) throw errorOf(res.status, await res.text());
  if (res.status === 200 && offset > 0) {
    offset = 0; // the server sent the whole file (the If-Range did not hold): start over
  }
  if (!res.body) throw new ApiFailure(res.status, 'EMPTY_BODY', 'the server sent no body');
  let written = offset;
  let lastReport = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      const now = Date.now();
      if (now - lastReport >= 1000) {
        lastReport = now;
        io.stderr(`${file.name}: ${Math.floor((100 * written) / Math.max(1, file.size))} % (${mb(written)} / ${mb(file.size)} MB)\n`);
      }
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), progress, createWriteStream(partPath, { flags: offset > 0 ? 'a' : 'w' }));
}

/** Downloads one file into `dir`: 'skipped' when it is there already, 'downloaded' when fetched and checked. */
export async function downloadFile(io: DownloadIo, baseUrl: string, token: string, releaseId: number, file: RemoteFile, dir: string): Promise<'skipped' | 'downloaded'> {
  const target = join(dir, file.name);
  if ((await sizeOf(target)) === file.size && (await sha256OfFile(target)) === file.sha256) return 'skipped';
  const partPath = `${target}.part`;
  const url = new URL(`/api/releases/${releaseId}/files/${file.id}`, baseUrl).toString();
  const attempts = io.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      await fetchRest(io, url, token, file, partPath);
      break;
    } catch (error) {
      // the server's refusal (4xx) will not change by retrying; a dropped connection or a 5xx may
      const status = error instanceof ApiFailure ? error.status : 0;
      if ((status >= 400 && status < 500) || attempt >= attempts) throw error;
      const at = (await sizeOf(partPath)) ?? 0;
      io.stderr(`${file.name}: interrupted at ${mb(at)} MB (${(error as Error).message}); resuming (attempt ${attempt + 1} of ${attempts})\n`);
      await new Promise((r) => setTimeout(r, (io.retryDelayMs ?? 1000) * attempt));
    }
  }
  const actual = await sha256OfFile(partPath);
  if (actual !== file.sha256) {
    await rm(partPath, { force: true });
    throw new ApiFailure(0, 'CHECKSUM_MISMATCH', `sha256 ${actual} is not the release's ${file.sha256}; the partial file was removed, run again`);
  }
  await rename(partPath, target);
  io.stderr(`${file.name}: done, sha256 verified (${mb(file.size)} MB)\n`);
  return 'downloaded';
}

export interface DownloadSummary {
  downloaded: string[];
  skipped: string[];
  failed: Array<{ name: string; reason: string }>;
}

/** Every file of the releases, each into its folder; failures are collected, not thrown. */
export async function downloadReleases(
  io: DownloadIo,
  baseUrl: string,
  token: string,
  targets: ReadonlyArray<{ release: RemoteRelease; dir: string }>,
): Promise<DownloadSummary> {
  const summary: DownloadSummary = { downloaded: [], skipped: [], failed: [] };
  for (const { release, dir } of targets) {
    await mkdir(dir, { recursive: true });
    for (const file of release.files) {
      const shown = join(dir, file.name);
      try {
        const outcome = await downloadFile(io, baseUrl, token, release.id, file, dir);
        (outcome === 'skipped' ? summary.skipped : summary.downloaded).push(shown);
        if (outcome === 'skipped') io.stderr(`${file.name}: complete already, skipped\n`);
      } catch (error) {
        const reason = error instanceof ApiFailure ? `${error.code}: ${error.message}` : (error as Error).message;
        summary.failed.push({ name: shown, reason });
        io.stderr(`${file.name}: FAILED: ${reason}\n`);
      }
    }
  }
  return summary;
}

/** The releases to fetch: one by id, or every file release of a phase; refusals say why. */
export async function releasesToFetch(fetchFn: FetchFunction, baseUrl: string, token: string, choice: { release?: number; phase?: number }): Promise<RemoteRelease[]> {
  if (choice.release !== undefined) {
    const reply = (await callApi(fetchFn, { baseUrl, token, path: `/api/releases/${choice.release}` })) as { release: RemoteRelease };
    return [reply.release];
  }
  const phase = (await callApi(fetchFn, { baseUrl, token, path: `/api/phases/${choice.phase}` })) as { phase: { challengeSlug?: string }; challengeSlug?: string };
  const slug = phase.phase?.challengeSlug ?? phase.challengeSlug;
  if (!slug) throw new ApiFailure(0, 'UNEXPECTED_REPLY', `the server did not name phase ${choice.phase}'s challenge`);
  const list = (await callApi(fetchFn, { baseUrl, token, path: `/api/challenges/${encodeURIComponent(slug)}/releases` })) as { releases: RemoteRelease[] };
  const releases = list.releases.filter((r) => r.phaseId === choice.phase && r.kind !== 'external');
  if (releases.length === 0) throw new ApiFailure(404, 'NOT_FOUND', `phase ${choice.phase} has no release with files`);
  return releases;
}
