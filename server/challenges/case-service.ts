/**
 * Cases and their gold standards: checked uploads stored by content, the rows committed together with the
 * preparation job they need, and what each caller may see of them.
 */
import type { AppDeps } from '../app-deps.ts';
import type { UserRow } from '../auth/store.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { enqueuePrepareGold } from '../jobs/enqueue.ts';
import { isOrganiser, requireOrganiser } from './access.ts';
import type { PhaseRow } from './rows.ts';
import { insertAuditEntry } from './audit-entry.ts';
import {
  asUploadedVolume,
  geometryOf,
  readUploadedHeader,
  removeScratchFiles,
  requireLabelledGold,
  requireSameGrid,
  type UploadedVolume,
} from './case-files.ts';
import { caseById, caseNameTaken, casesOfPhase, insertBlob, insertCase, lockCase, type CaseInChallenge, type CaseRow } from './case-store.ts';
import { goldVersionsOfCases, insertGold, type GoldRow } from './gold-store.ts';
import { isUniqueViolation } from './pg-errors.ts';

/** Scratch paths of one request, removed whatever happens. */
class ScratchFiles {
  private readonly paths = new Set<string>();
  constructor(files: Express.Multer.File[]) {
    for (const file of files) this.paths.add(file.path);
  }
  async named(file: Express.Multer.File, role: string, caseName: string): Promise<UploadedVolume> {
    const volume = await asUploadedVolume(file, role, caseName);
    this.paths.add(volume.path);
    return volume;
  }
  remove(): Promise<void> {
    return removeScratchFiles(this.paths);
  }
}

const duplicateCase = (name: string, phase: PhaseRow) =>
  new AppError('CONFLICT', `phase "${phase.name}" has a case named ${name} already; upload a corrected gold standard to that case instead`);

export async function addCase(
  deps: AppDeps,
  user: UserRow,
  phase: PhaseRow,
  upload: { name: string; ct: Express.Multer.File; gold: Express.Multer.File },
): Promise<{ caseRow: CaseRow; gold: GoldRow }> {
  const { name } = upload;
  const scratch = new ScratchFiles([upload.ct, upload.gold]);
  try {
    if (await caseNameTaken(deps.db, phase.id, name)) throw duplicateCase(name, phase);
    const ctFile = await scratch.named(upload.ct, 'CT', name);
    const goldFile = await scratch.named(upload.gold, 'gold standard', name);
    const maxVoxels = deps.config.maxVoxels;
    const ct = await readUploadedHeader(ctFile, name, maxVoxels);
    const goldHeader = await readUploadedHeader(goldFile, name, maxVoxels);
    requireSameGrid(ct, goldHeader, name);
    await requireLabelledGold(goldFile, name, maxVoxels);
    const ctBlob = await deps.storage.putFile(ctFile.path);
    const goldBlob = await deps.storage.putFile(goldFile.path);
    return await inTransaction(deps.db, async (client) => {
      await insertBlob(client, ctBlob.sha256, ctBlob.size);
      await insertBlob(client, goldBlob.sha256, goldBlob.size);
      const caseRow = await insertCase(client, {
        phaseId: phase.id,
        name,
        ctSha256: ctBlob.sha256,
        ctFileName: ctFile.originalName,
        geometry: geometryOf(ct),
      });
      const gold = await insertGold(client, {
        caseId: caseRow.id,
        sha256: goldBlob.sha256,
        fileName: goldFile.originalName,
        isCurrent: true,
        createdBy: user.id,
      });
      await enqueuePrepareGold(deps.queue, gold.id, client);
      await insertAuditEntry(client, {
        actorId: user.id,
        action: 'case.create',
        targetType: 'case',
        targetId: caseRow.id,
        details: { name, ctSha256: ctBlob.sha256, goldStandardId: gold.id, goldSha256: goldBlob.sha256 },
      });
      return { caseRow, gold };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'cases_phase_id_name_key')) throw duplicateCase(name, phase);
    throw error;
  } finally {
    await scratch.remove();
  }
}

/**
 * A corrected gold standard: the next version, queued for preparation. It stays off the case's current gold
 * standard until its preparation is ready (markGoldReady in gold-store.ts flips it).
 */
export async function addGoldVersion(
  deps: AppDeps,
  user: UserRow,
  caseRow: CaseInChallenge,
  file: Express.Multer.File,
): Promise<GoldRow> {
  const scratch = new ScratchFiles([file]);
  try {
    const goldFile = await scratch.named(file, 'gold standard', caseRow.name);
    const header = await readUploadedHeader(goldFile, caseRow.name, deps.config.maxVoxels);
    requireSameGrid(caseRow.geometry, header, caseRow.name);
    await requireLabelledGold(goldFile, caseRow.name, deps.config.maxVoxels);
    const blob = await deps.storage.putFile(goldFile.path);
    return await inTransaction(deps.db, async (client) => {
      await lockCase(client, caseRow.id);
      await insertBlob(client, blob.sha256, blob.size);
      const gold = await insertGold(client, {
        caseId: caseRow.id,
        sha256: blob.sha256,
        fileName: goldFile.originalName,
        isCurrent: false,
        createdBy: user.id,
      });
      await enqueuePrepareGold(deps.queue, gold.id, client);
      await insertAuditEntry(client, {
        actorId: user.id,
        action: 'gold_standard.create',
        targetType: 'gold_standard',
        targetId: gold.id,
        details: { caseId: caseRow.id, case: caseRow.name, version: gold.version, sha256: blob.sha256 },
      });
      return gold;
    });
  } finally {
    await scratch.remove();
  }
}

/** A phase's cases; organisers also get every gold-standard version (newest first). */
export async function casesForViewer(
  deps: AppDeps,
  phase: PhaseRow,
  user: UserRow | undefined,
): Promise<{ cases: CaseRow[]; golds?: Map<number, GoldRow[]> }> {
  const cases = await casesOfPhase(deps.db, phase.id);
  if (!(await isOrganiser(deps.db, phase.challenge_id, user))) return { cases };
  const golds = new Map<number, GoldRow[]>();
  for (const gold of await goldVersionsOfCases(deps.db, cases.map((c) => c.id))) {
    golds.set(gold.case_id, [...(golds.get(gold.case_id) ?? []), gold]);
  }
  return { cases, golds };
}

/** A case an organiser of its challenge acts on. */
export async function organisersCase(deps: AppDeps, user: UserRow, caseId: number): Promise<CaseInChallenge> {
  const caseRow = await caseById(deps.db, caseId);
  await requireOrganiser(deps.db, caseRow.challenge_id, user);
  return caseRow;
}
