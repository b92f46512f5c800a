/**
 * The platform's command-line client, for teams' scripts:
 *
 *   carina submit --phase ID --token T [--url URL] [--note TEXT] FILE...
 *   carina status ID --token T [--url URL] [--wait]
 *   carina leaderboard PHASE [--url URL] [--json]
 *   carina download (--phase N | --release ID) --token T --out DIR [--url URL]
 *
 * Files are streamed from disk as multipart/form-data (field `files`); when one is 64 MiB or more
 * (`--resumable-over BYTES`), every file goes as a resumable tus upload instead, resumed after a dropped
 * connection, and the submission is made from the finished uploads. Results print as JSON, the leaderboard as
 * a table. The token may also come from CARINA_TOKEN. Exit codes: 0 done; 2 bad arguments or a 4xx answer (the
 * server's error code and message on stderr); 1 the server failed or could not be reached.
 */
import { openAsBlob, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiFailure, callApi, type FetchFunction } from './api-client.ts';
import { leaderboardTable, type LeaderboardReply } from './leaderboard-table.ts';
import { RESUMABLE_OVER_BYTES } from '../../contract/uploads/resume-plan.ts';
import { deleteUpload, uploadResumable } from './resumable-upload.ts';
import { downloadReleases, releasesToFetch } from './release-download.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export { CLIENT_USAGE } from './usage.ts';

export interface ClientIo {
  stdout(text: string): void;
  stderr(text: string): void;
  fetch: FetchFunction;
  /** CARINA_TOKEN, when the token is not given with --token. */
  envToken?: string;
  /** Pause between polls of `status --wait` (ms). */
  pollMs?: number;
  /** Resumable uploads: bytes per PATCH, and the first pause before resuming (ms). */
  chunkBytes?: number;
  retryDelayMs?: number;
}

class BadArguments extends Error {}

function tokenOf(io: ClientIo, given: string | undefined): string {
  const token = given ?? io.envToken;
  if (!token) throw new BadArguments('give a personal API token with --token (or CARINA_TOKEN); create one under your account or with POST /api/tokens');
  return token;
}

function positiveId(value: string | undefined, what: string): number {
  if (!value || !/^\d+$/.test(value) || Number(value) <= 0) throw new BadArguments(`${what} must be a positive integer id, got "${value ?? ''}"`);
  return Number(value);
}

function printJson(io: ClientIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Files this large or larger go as resumable uploads (tus), so a dropped connection does not start them over. */
export { RESUMABLE_OVER_BYTES };

interface FileToSubmit {
  path: string;
  name: string;
  size: number;
}

function filesToSubmit(positionals: string[]): FileToSubmit[] {
  if (!positionals.length) throw new BadArguments('name the files to submit: one per case (named after the case) or one .zip/.tar.gz');
  return positionals.map((path) => {
    let size = -1;
    try {
      const info = statSync(path);
      if (info.isFile()) size = info.size;
    } catch {
      // reported below
    }
    if (size < 0) throw new BadArguments(`no file "${path}"`);
    return { path, name: basename(path), size };
  });
}

/** Every file as a resumable upload, then one submission made of them (POST …/submissions/from-uploads). */
async function submitResumable(io: ClientIo, call: { baseUrl: string; token: string; phase: number; note?: string }, files: FileToSubmit[]): Promise<unknown> {
  const uploadIds: string[] = [];
  for (const file of files) {
    io.stderr(`carina: uploading ${file.name} (${file.size} bytes, resumable)\n`);
    uploadIds.push(
      await uploadResumable({
        fetch: io.fetch,
        baseUrl: call.baseUrl,
        token: call.token,
        phaseId: call.phase,
        path: file.path,
        fileName: file.name,
        size: file.size,
        chunkBytes: io.chunkBytes,
        retryDelayMs: io.retryDelayMs,
        onResume: (offset, reason, attempt) => io.stderr(`carina: ${file.name}: ${reason}; resuming at byte ${offset} of ${file.size} (retry ${attempt})\n`),
      }),
    );
  }
  try {
    return await callApi(io.fetch, { baseUrl: call.baseUrl, path: `/api/phases/${call.phase}/submissions/from-uploads`, method: 'POST', token: call.token, json: { uploadIds, ...(call.note ? { note: call.note } : {}) } });
  } catch (error) {
    // refused (e.g. a file failed validation): the uploads would otherwise wait 24 h and count as the team's open uploads
    await Promise.all(uploadIds.map((id) => deleteUpload(io.fetch, call.baseUrl, call.token, id).catch(() => undefined)));
    throw error;
  }
}

async function submit(io: ClientIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { phase: { type: 'string' }, token: { type: 'string' }, url: { type: 'string' }, note: { type: 'string' }, 'resumable-over': { type: 'string' } },
  });
  const phase = positiveId(values.phase, '--phase');
  const token = tokenOf(io, values.token);
  const threshold = values['resumable-over'] === undefined ? RESUMABLE_OVER_BYTES : Number(values['resumable-over']);
  if (!Number.isSafeInteger(threshold) || threshold < 0) throw new BadArguments(`--resumable-over must be a number of bytes, got "${values['resumable-over']}"`);
  const files = filesToSubmit(positionals);
  const baseUrl = values.url ?? DEFAULT_URL;
  if (files.some((f) => f.size >= threshold)) {
    printJson(io, await submitResumable(io, { baseUrl, token, phase, note: values.note }, files));
    return 0;
  }
  const form = new FormData();
  if (values.note) form.append('note', values.note);
  for (const file of files) form.append('files', await openAsBlob(file.path), file.name);
  printJson(io, await callApi(io.fetch, { baseUrl, path: `/api/phases/${phase}/submissions`, method: 'POST', token, form }));
  return 0;
}

const FINISHED = new Set(['done', 'failed']);

async function status(io: ClientIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { token: { type: 'string' }, url: { type: 'string' }, wait: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new BadArguments('give one submission id: carina status ID --token T');
  const id = positiveId(positionals[0], 'the submission id');
  const call = { baseUrl: values.url ?? DEFAULT_URL, path: `/api/submissions/${id}`, token: tokenOf(io, values.token) };
  let reply = (await callApi(io.fetch, call)) as { status?: string; submission?: { status?: string } };
  while (values.wait && !FINISHED.has(reply.submission?.status ?? reply.status ?? 'done')) {
    await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 2000));
    reply = (await callApi(io.fetch, call)) as typeof reply;
  }
  printJson(io, reply);
  return 0;
}

async function leaderboard(io: ClientIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { url: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new BadArguments('give one phase id: carina leaderboard PHASE');
  const phase = positiveId(positionals[0], 'the phase id');
  const board = (await callApi(io.fetch, { baseUrl: values.url ?? DEFAULT_URL, path: `/api/phases/${phase}/leaderboard` })) as LeaderboardReply;
  if (values.json) printJson(io, board);
  else io.stdout(leaderboardTable(board));
  return 0;
}

/** `carina download`: every file of a release (into DIR) or of each release of a phase (into DIR/<name>-v<version>). */
async function download(io: ClientIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { phase: { type: 'string' }, release: { type: 'string' }, token: { type: 'string' }, out: { type: 'string' }, url: { type: 'string' } },
  });
  if (positionals.length) throw new BadArguments(`unexpected "${positionals[0]}": carina download (--phase N | --release ID) --token T --out DIR`);
  if ((values.phase === undefined) === (values.release === undefined)) throw new BadArguments('give either --phase N or --release ID');
  if (!values.out) throw new BadArguments('give the folder to download into with --out DIR');
  const token = tokenOf(io, values.token);
  const baseUrl = values.url ?? DEFAULT_URL;
  const choice = values.release !== undefined ? { release: positiveId(values.release, '--release') } : { phase: positiveId(values.phase, '--phase') };
  const releases = await releasesToFetch(io.fetch, baseUrl, token, choice);
  const refused = releases.filter((r) => !r.access.allowed);
  for (const r of refused) io.stderr(`carina: release "${r.name}": ${r.access.reason}\n`);
  const folderOf = (r: (typeof releases)[number]) => (choice.release !== undefined ? values.out! : join(values.out!, `${r.name}-v${r.version}`.replace(/[^A-Za-z0-9_.() -]/g, '_')));
  const targets = releases.filter((r) => r.access.allowed).map((release) => ({ release, dir: folderOf(release) }));
  const summary = await downloadReleases({ fetch: io.fetch, stderr: io.stderr, retryDelayMs: io.retryDelayMs }, baseUrl, token, targets);
  printJson(io, { downloaded: summary.downloaded, skipped: summary.skipped, failed: summary.failed, refused: refused.map((r) => ({ release: r.name, reason: r.access.reason })) });
  if (summary.failed.length || refused.length) {
    io.stderr(`carina: ${summary.failed.length} file(s) failed${summary.failed.length ? `: ${summary.failed.map((f) => f.name).join(', ')}` : ''}${refused.length ? `; ${refused.length} release(s) refused` : ''}\n`);
    return 1;
  }
  return 0;
}

function describeDetails(details: unknown): string {
  if (!Array.isArray(details)) return '';
  return details.map((d) => `  - ${typeof d === 'string' ? d : JSON.stringify(d)}\n`).join('');
}

/** Runs a command, turning failures into a message on stderr and an exit code. */
function guarded(io: ClientIo, run: (io: ClientIo, args: string[]) => Promise<number>) {
  return async (args: string[]): Promise<number> => {
    try {
      return await run(io, args);
    } catch (error) {
      if (error instanceof ApiFailure) {
        io.stderr(`carina: ${error.code}: ${error.message}\n${describeDetails(error.details)}`);
        return error.status >= 400 && error.status < 500 ? 2 : 1;
      }
      if (error instanceof BadArguments || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr(`carina: BAD_ARGUMENTS: ${(error as Error).message}\n`);
        return 2;
      }
      throw error;
    }
  };
}

export function makeClientCommands(io: ClientIo): Record<string, (args: string[]) => Promise<number>> {
  return { submit: guarded(io, submit), status: guarded(io, status), leaderboard: guarded(io, leaderboard), download: guarded(io, download) };
}

/** The commands on the real terminal and network, for bin/carina-main.ts. */
export const clientCommands = makeClientCommands({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  fetch: (...args) => fetch(...args),
  // the CLI's one environment read: a script's token, so it need not appear in the process list
  envToken: process.env.CARINA_TOKEN || undefined,
});
