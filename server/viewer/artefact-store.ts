/**
 * Where viewer artefacts live in storage, and how they are read, built once and cached. Every artefact is stored
 * gzipped, as it is sent. Keys carry a format version (`v1`): a change of format or method gets new keys, so
 * old artefacts are never served for new ones. Derived from:
 * - a prepared gold standard (by gold-standard id): its surface and branch table per branch rule, its mask levels;
 * - a prediction blob (by sha256): its largest component's mask levels; with a gold standard, its leakage surface;
 * - a CT blob (by sha256): its levels.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { BranchRule } from '../../contract/viewer/viewer-json.ts';
import type { Storage } from '../storage/storage.ts';

const ROOT = 'viewer/v1';

function rulePrefix(rule: BranchRule): string {
  return rule === 'atm22' ? '' : `${rule}-`;
}

export const artefactKeys = {
  /** The ATM'22 rule keeps the first keys; AIIB23's labelled surface and table are beside them. */
  goldSurface: (goldId: number, rule: BranchRule = 'atm22') => `${ROOT}/gold/${goldId}/${rulePrefix(rule)}surface.cmsh.gz`,
  goldBranches: (goldId: number, rule: BranchRule = 'atm22') => `${ROOT}/gold/${goldId}/${rulePrefix(rule)}branches.json.gz`,
  goldMask: (goldId: number, level: number) => `${ROOT}/gold/${goldId}/mask-level-${level}.cvol.gz`,
  leakageSurface: (goldId: number, predSha: string) => `${ROOT}/leakage/${goldId}/${predSha}.cmsh.gz`,
  predictionMask: (predSha: string, level: number) => `${ROOT}/prediction/${predSha}/lcc-level-${level}.cvol.gz`,
  ct: (ctSha: string, level: number) => `${ROOT}/ct/${ctSha}/level-${level}.cvol.gz`,
};

export const gzip = promisify(gzipCallback);
export const gunzip = promisify(gunzipCallback);

/** The stored artefact, or undefined when it has not been built yet. */
export async function readArtefact(storage: Storage, key: string): Promise<Buffer | undefined> {
  try {
    return await storage.getObject(key);
  } catch (error) {
    const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name;
    if (code === 'ENOENT' || code === 'NoSuchKey' || code === 'NotFound') return undefined;
    throw error;
  }
}

/** Concurrent callers of the same build share one run (per process; builds are idempotent across processes). */
const running = new Map<string, Promise<unknown>>();

export function buildOnce<T>(name: string, build: () => Promise<T>): Promise<T> {
  const current = running.get(name) as Promise<T> | undefined;
  if (current) return current;
  const started = build().finally(() => running.delete(name));
  running.set(name, started);
  return started;
}

/** The artefact at `key`, built by `build` (which must store it there) when missing. */
export async function cachedArtefact(storage: Storage, key: string, build: () => Promise<unknown>, buildName = key): Promise<Buffer> {
  const stored = await readArtefact(storage, key);
  if (stored) return stored;
  await buildOnce(buildName, build);
  return storage.getObject(key);
}
