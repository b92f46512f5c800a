/**
 * The organisers' side of releases: create one, fill it (uploads stored by content, or a phase's cases picked
 * without copying their blobs), open and close it, revoke and restore a team. Every file passes the release's
 * rules before it is recorded: never a model phase's CT or gold standard, never a gold standard of a phase teams
 * can still submit to (protected-content.ts, by sha256), no gold standards at all in a phase's inputs.
 */
import { rm } from 'node:fs/promises';
import type { NewReleaseBody, PickCasesBody, ReleaseChangesBody, ReleaseFileRole } from '../../contract/releases.ts';
import type { AppDeps } from '../app-deps.ts';
import type { UserRow } from '../auth/store.ts';
import { insertAuditEntry } from '../challenges/audit-entry.ts';
import { cleanFileName } from '../challenges/case-files.ts';
import { phaseById } from '../challenges/lookups.ts';
import type { ChallengeRow } from '../challenges/rows.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { protectedContent } from './protected-content.ts';
import {
  deleteRevocation,
  insertRelease,
  insertReleaseFiles,
  insertRevocation,
  updateRelease,
  type NewReleaseFile,
  type ReleaseRow,
} from './release-store.ts';

const IMAGE_SUFFIXES = ['.nii.gz', '.nii', '.nrrd', '.mha', '.mhd', '.nhdr'];

/** A name release_files accepts: letters, digits and _.() - only, starting with a letter or digit. */
export function releaseFileName(name: string): string {
  const clean = cleanFileName(name).replace(/[^A-Za-z0-9_.() -]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return (clean || 'file').slice(0, 200);
}

/** The role an uploaded file gets when the organiser names none: images are CTs, anything else a document. */
export function guessRole(name: string): ReleaseFileRole {
  const lower = name.toLowerCase();
  return IMAGE_SUFFIXES.some((s) => lower.endsWith(s)) ? 'ct' : 'document';
}

function suffixOf(name: string): string {
  const lower = name.toLowerCase();
  return IMAGE_SUFFIXES.find((s) => lower.endsWith(s)) ?? '';
}

async function phaseOfChallenge(deps: AppDeps, challenge: ChallengeRow, phaseId: number) {
  const phase = await phaseById(deps.db, phaseId);
  if (phase.challenge_id !== challenge.id) throw new AppError('NOT_FOUND', `no phase ${phaseId} in "${challenge.slug}"`);
  return phase;
}

export async function createRelease(deps: AppDeps, user: UserRow, challenge: ChallengeRow, body: NewReleaseBody): Promise<ReleaseRow> {
  if (body.kind === 'external' && !body.url) throw new AppError('BAD_REQUEST', 'url: an external release needs the DOI or URL of the data');
  if (body.kind !== 'external' && body.url) throw new AppError('BAD_REQUEST', 'url: only an external release has a URL; its files are uploaded or picked');
  if (body.kind === 'phase-inputs' && body.phaseId === null) throw new AppError('BAD_REQUEST', 'phaseId: the inputs of a phase name their phase');
  if (body.phaseId !== null) {
    const phase = await phaseOfChallenge(deps, challenge, body.phaseId);
    if (phase.kind === 'model' && body.kind !== 'documents' && body.kind !== 'external') {
      throw new AppError('FORBIDDEN', `phase "${phase.name}" is a model phase: its CTs and gold standards are never released`);
    }
  }
  const opensAt = new Date(body.opensAt);
  const closesAt = body.closesAt ? new Date(body.closesAt) : null;
  if (closesAt && closesAt <= opensAt) throw new AppError('BAD_REQUEST', 'closesAt: must be after opensAt');
  try {
    return await insertRelease(deps.db, {
      challengeId: challenge.id,
      phaseId: body.phaseId,
      kind: body.kind,
      name: body.name,
      description: body.description,
      version: body.version,
      externalUrl: body.url,
      opensAt,
      closesAt,
      createdBy: user.id,
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', `"${body.name}" version ${body.version} exists already in "${challenge.slug}"`);
    throw error;
  }
}

export async function changeRelease(deps: AppDeps, release: ReleaseRow, body: ReleaseChangesBody): Promise<ReleaseRow> {
  const opensAt = body.opensAt ? new Date(body.opensAt) : release.opens_at;
  const closesAt = body.closesAt === undefined ? release.closes_at : body.closesAt ? new Date(body.closesAt) : null;
  if (closesAt && closesAt <= opensAt) throw new AppError('BAD_REQUEST', 'closesAt: must be after opensAt');
  return updateRelease(deps.db, release.id, { name: body.name, description: body.description, opensAt, closesAt });
}

/** Opens a release now: its opening moves to now if it was later, a closing already passed is cleared. */
export async function openNow(deps: AppDeps, user: UserRow, release: ReleaseRow): Promise<ReleaseRow> {
  const now = new Date();
  return inTransaction(deps.db, async (client) => {
    const updated = await updateRelease(client, release.id, {
      opensAt: release.opens_at > now ? now : release.opens_at,
      closesAt: release.closes_at && release.closes_at <= now ? null : release.closes_at,
    });
    await insertAuditEntry(client, { actorId: user.id, action: 'release.open', targetType: 'release', targetId: release.id });
    return updated;
  });
}

export async function closeNow(deps: AppDeps, user: UserRow, release: ReleaseRow): Promise<ReleaseRow> {
  const now = new Date();
  if (release.opens_at >= now) throw new AppError('CONFLICT', `"${release.name}" has not opened yet: change its opening instead`);
  return inTransaction(deps.db, async (client) => {
    const updated = await updateRelease(client, release.id, { closesAt: now });
    await insertAuditEntry(client, { actorId: user.id, action: 'release.close', targetType: 'release', targetId: release.id });
    return updated;
  });
}

async function requireReleasable(deps: AppDeps, release: ReleaseRow, files: readonly NewReleaseFile[]): Promise<void> {
  if (release.kind === 'external') throw new AppError('CONFLICT', `"${release.name}" is an external link: it holds no files`);
  if (release.kind === 'phase-inputs') {
    const gold = files.find((f) => f.role === 'gold');
    if (gold) throw new AppError('FORBIDDEN', `${gold.name}: the inputs of a phase never include gold standards`);
  }
  const refused = await protectedContent(deps.db, files.map((f) => f.sha256));
  const problems = files.filter((f) => refused.has(f.sha256)).map((f) => `${f.name}: ${refused.get(f.sha256)}`);
  if (problems.length > 0) throw new AppError('FORBIDDEN', `these files may not be released: ${problems.join('; ')}`, { files: problems });
}

async function recordFiles(deps: AppDeps, user: UserRow, release: ReleaseRow, files: readonly NewReleaseFile[]): Promise<void> {
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new AppError('CONFLICT', `${f.name} appears twice`);
    names.add(f.name);
  }
  await requireReleasable(deps, release, files);
  try {
    await inTransaction(deps.db, (client) => insertReleaseFiles(client, release.id, user.id, files));
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', `"${release.name}" already holds a file of one of these names`);
    throw error;
  }
}

/** Stores uploaded files by content (a blob already stored is not stored twice) and lists them in the release. */
export async function addUploadedFiles(
  deps: AppDeps,
  user: UserRow,
  release: ReleaseRow,
  uploads: readonly Express.Multer.File[],
  role: ReleaseFileRole | undefined,
): Promise<void> {
  if (uploads.length === 0) throw new AppError('BAD_REQUEST', 'files: attach one or more files in the field "files"');
  if (release.kind === 'external') throw new AppError('CONFLICT', `"${release.name}" is an external link: it holds no files`);
  const files: NewReleaseFile[] = [];
  try {
    for (const upload of uploads) {
      const name = releaseFileName(upload.originalname);
      const blob = await deps.storage.putFile(upload.path);
      files.push({ name, sha256: blob.sha256, sizeBytes: blob.size, role: role ?? guessRole(name), sourceCaseId: null });
    }
  } finally {
    await Promise.all(uploads.map((u) => rm(u.path, { force: true })));
  }
  await recordFiles(deps, user, release, files);
}

/** Lists a phase's CTs (and current gold standards) in the release, pointing at the blobs already stored. */
export async function pickCases(deps: AppDeps, user: UserRow, challenge: ChallengeRow, release: ReleaseRow, body: PickCasesBody): Promise<void> {
  const phase = await phaseOfChallenge(deps, challenge, body.phaseId);
  if (phase.kind === 'model') throw new AppError('FORBIDDEN', `phase "${phase.name}" is a model phase: its CTs and gold standards are never released`);
  if (body.gold && phase.closes_at > new Date()) {
    throw new AppError('FORBIDDEN', `phase "${phase.name}" closes at ${phase.closes_at.toISOString()}: its gold standards can be released once it has closed`);
  }
  if (!body.ct && !body.gold) throw new AppError('BAD_REQUEST', 'ct, gold: pick the CTs, the gold standards or both');
  const rows = (
    await deps.db.query<{ id: number; name: string; ct_sha256: string; ct_file_name: string; ct_size: number; gold_sha256: string | null; gold_file_name: string | null; gold_size: number | null }>(
      `select c.id, c.name, c.ct_sha256, c.ct_file_name, cb.size_bytes as ct_size, g.sha256 as gold_sha256, g.file_name as gold_file_name, gb.size_bytes as gold_size
         from cases c join blobs cb on cb.sha256 = c.ct_sha256
         left join gold_standards g on g.case_id = c.id and g.is_current
         left join blobs gb on gb.sha256 = g.sha256
        where c.phase_id = $1 and ($2::bigint[] is null or c.id = any($2::bigint[])) order by c.name`,
      [phase.id, body.caseIds ?? null],
    )
  ).rows;
  if (body.caseIds) {
    const found = new Set(rows.map((r) => r.id));
    const missing = body.caseIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new AppError('NOT_FOUND', `no case ${missing.join(', ')} in phase "${phase.name}"`);
  }
  if (rows.length === 0) throw new AppError('CONFLICT', `phase "${phase.name}" has no cases yet`);
  const files: NewReleaseFile[] = [];
  for (const row of rows) {
    if (body.ct) files.push({ name: releaseFileName(`${row.name}${suffixOf(row.ct_file_name)}`), sha256: row.ct_sha256, sizeBytes: row.ct_size, role: 'ct', sourceCaseId: row.id });
    if (body.gold) {
      if (!row.gold_sha256 || !row.gold_file_name || row.gold_size === null) throw new AppError('CONFLICT', `case ${row.name} has no gold standard`);
      files.push({ name: releaseFileName(`${row.name}_label${suffixOf(row.gold_file_name)}`), sha256: row.gold_sha256, sizeBytes: row.gold_size, role: 'gold', sourceCaseId: row.id });
    }
  }
  await recordFiles(deps, user, release, files);
}

export async function revokeTeam(deps: AppDeps, user: UserRow, release: ReleaseRow, teamId: number, reason: string | null): Promise<void> {
  const team = (await deps.db.query<{ id: number }>('select id from teams where id = $1 and challenge_id = $2', [teamId, release.challenge_id])).rows[0];
  if (!team) throw new AppError('NOT_FOUND', `no team ${teamId} in this challenge`);
  await inTransaction(deps.db, async (client) => {
    await insertRevocation(client, release.id, teamId, reason, user.id);
    await insertAuditEntry(client, { actorId: user.id, action: 'release.revoke', targetType: 'release', targetId: release.id, reason, details: { teamId } });
  });
}

export async function restoreTeam(deps: AppDeps, user: UserRow, release: ReleaseRow, teamId: number): Promise<void> {
  await inTransaction(deps.db, async (client) => {
    await deleteRevocation(client, release.id, teamId);
    await insertAuditEntry(client, { actorId: user.id, action: 'release.restore', targetType: 'release', targetId: release.id, details: { teamId } });
  });
}
