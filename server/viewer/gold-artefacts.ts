/**
 * A gold standard's viewer artefacts, built from its prepared form: the labelled surface, the branch table and
 * the level-2 mask (the first slices the client asks for). Built by the worker right after preparation and, when
 * missing (older gold standards, a failed build), on the first request.
 */
import { unrefinedParsing, type PreparedGold } from '../../evaluator/index.ts';
import type { BranchRule } from '../../contract/viewer/viewer-json.ts';
import { encodeMesh } from '../../contract/viewer/mesh-format.ts';
import type { Storage } from '../storage/storage.ts';
import { artefactKeys, buildOnce, gzip } from './artefact-store.ts';
import { aiibBranchTable, viewerBranchTable } from './branch-table.ts';
import { goldSurface } from './mesh/airway-surfaces.ts';
import { loadPreparedGold } from './sources.ts';
import { encodeLevel, goldMaskAtLevel } from './volume-levels.ts';

export const FIRST_LEVEL = 2;

export interface GoldRef {
  readonly id: number;
  readonly prepared_key: string;
}

export interface ArtefactReport {
  readonly ms: Record<string, number>;
  readonly bytes: Record<string, number>;
  readonly triangles?: { extracted: number; kept: number };
}

export async function storeGoldArtefacts(storage: Storage, goldId: number, gold: PreparedGold): Promise<ArtefactReport> {
  const ms: Record<string, number> = {};
  const bytes: Record<string, number> = {};
  let started = performance.now();
  const surface = await goldSurface(gold);
  const surfaceGz = await gzip(encodeMesh(surface.mesh), { level: 6 });
  await storage.putObject(artefactKeys.goldSurface(goldId), surfaceGz);
  ms.surface = Math.round(performance.now() - started);
  bytes.surface = surfaceGz.length;
  const branchesGz = await gzip(JSON.stringify(viewerBranchTable(gold)));
  await storage.putObject(artefactKeys.goldBranches(goldId), branchesGz);
  started = performance.now();
  const maskGz = await encodeLevel(gold.geometry, FIRST_LEVEL, goldMaskAtLevel(gold, FIRST_LEVEL));
  await storage.putObject(artefactKeys.goldMask(goldId, FIRST_LEVEL), maskGz);
  ms.mask = Math.round(performance.now() - started);
  bytes.mask = maskGz.length;
  const kept = surface.mesh.triangles.length / 3;
  return { ms, bytes, triangles: { extracted: surface.extractedTriangles, kept } };
}

/**
 * AIIB23's labelled surface and segment table (the mask is the rule's own: M, as for ATM'22). The unrefined
 * parsing is not kept in the prepared form: it is computed again here from M and S_M.
 */
export async function storeAiibGoldArtefacts(storage: Storage, goldId: number, gold: PreparedGold): Promise<ArtefactReport> {
  const started = performance.now();
  const surface = await goldSurface(gold, {}, unrefinedParsing(gold));
  const surfaceGz = await gzip(encodeMesh(surface.mesh), { level: 6 });
  await storage.putObject(artefactKeys.goldSurface(goldId, 'aiib23'), surfaceGz);
  const branchesGz = await gzip(JSON.stringify(aiibBranchTable(gold)));
  await storage.putObject(artefactKeys.goldBranches(goldId, 'aiib23'), branchesGz);
  return {
    ms: { aiibSurface: Math.round(performance.now() - started) },
    bytes: { aiibSurface: surfaceGz.length },
    triangles: { extracted: surface.extractedTriangles, kept: surface.mesh.triangles.length / 3 },
  };
}

/** The build name of a gold standard's artefacts of a rule (concurrent requests share one build). */
export function goldBuildName(goldId: number, rule: BranchRule = 'atm22'): string {
  return rule === 'atm22' ? `gold:${goldId}` : `gold:${goldId}:${rule}`;
}

/** Builds the gold standard's artefacts of a rule from its stored prepared form (once at a time). */
export function buildGoldArtefacts(storage: Storage, gold: GoldRef, rule: BranchRule = 'atm22'): Promise<ArtefactReport> {
  return buildOnce(goldBuildName(gold.id, rule), async () => {
    const prepared = await loadPreparedGold(storage, gold.prepared_key);
    return rule === 'aiib23' ? storeAiibGoldArtefacts(storage, gold.id, prepared) : storeGoldArtefacts(storage, gold.id, prepared);
  });
}

/** G at any level, built on demand from the prepared gold standard. */
export async function storeGoldMask(storage: Storage, gold: GoldRef, level: number): Promise<void> {
  const prepared = await loadPreparedGold(storage, gold.prepared_key);
  await storage.putObject(artefactKeys.goldMask(gold.id, level), await encodeLevel(prepared.geometry, level, goldMaskAtLevel(prepared, level)));
}
