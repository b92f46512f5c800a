/**
 * Fixtures for the model-phase tests: ONNX models written with the repository's own writer (the baseline, and
 * hostile or broken ones), a model phase with real CT and gold-standard files in storage (phantoms or tiny tubes),
 * and an upload helper.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVolume, writeVolume } from '../../evaluator/index.ts';
import { inTransaction } from '../../server/db/pool.ts';
import { encodeModel, type NodeSpec, type TensorSpec, type ValueSpec } from '../../seed/baseline-model/onnx-writer.ts';
import { generatePhantom } from '../../seed/phantom/generate-phantom.ts';
import { phantomOptions } from '../../seed/phantom/phantom-options.ts';
import { storeCopy } from '../helpers/platform-rows.ts';
import { createTeam, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { drawTube, emptyMask } from '../helpers/volumes.ts';
import type { Agent, TestApp } from '../helpers/test-app.ts';

let scratchFolder: string | undefined;
let serial = 0;

/** This process's folder for test files (made on first use, again after `removeScratch`). */
export function scratch(): string {
  if (!scratchFolder || !existsSync(scratchFolder)) scratchFolder = mkdtempSync(join(tmpdir(), 'carina-model-test-'));
  return scratchFolder;
}

export function removeScratch(): void {
  if (scratchFolder) rmSync(scratchFolder, { recursive: true, force: true });
  scratchFolder = undefined;
}

export function writeModelFile(bytes: Uint8Array, name = `model-${++serial}.onnx`): string {
  const path = join(scratch(), name);
  writeFileSync(path, bytes);
  return path;
}

const dynamic5: ValueSpec['dims'] = [1, 1, 'd', 'h', 'w'];

/** A one-input, one-output float model from nodes reading `x` and writing `y`. */
export function simpleModel(nodes: NodeSpec[], options: { initializers?: TensorSpec[]; input?: ValueSpec['dims']; output?: ValueSpec['dims']; opset?: number } = {}): Uint8Array {
  return encodeModel({
    opset: options.opset,
    graph: {
      name: 'test',
      nodes,
      initializers: options.initializers,
      inputs: [{ name: 'x', dims: options.input ?? dynamic5 }],
      outputs: [{ name: 'y', dims: options.output ?? dynamic5 }],
    },
  });
}

const scalar = (name: string, value: number): TensorSpec => ({ name, dims: [], floats: Float32Array.from([value]) });

/** Intensity window of the tiny-tube test models: air 0, the tube (200 HU) 0.3, metal (3000 HU) 1. */
export const TUBE_WINDOW: [number, number] = [-1000, 3000];

/** logits = 50 · (x − 0.2): exactly the tube of the tiny cases. */
export function tubeModel(): Uint8Array {
  return simpleModel(
    [
      { op: 'Sub', inputs: ['x', 'c'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'k'], outputs: ['y'] },
    ],
    { initializers: [scalar('c', 0.2), scalar('k', 50)] },
  );
}

/** The tube model plus 1e-6 · sqrt(0.9 − x): NaN wherever the CT has metal (x > 0.9), fine elsewhere. */
export function nanOnMetalModel(): Uint8Array {
  return simpleModel(
    [
      { op: 'Sub', inputs: ['x', 'c'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'k'], outputs: ['logit'] },
      { op: 'Sub', inputs: ['m', 'x'], outputs: ['room'] },
      { op: 'Sqrt', inputs: ['room'], outputs: ['root'] },
      { op: 'Mul', inputs: ['root', 'e'], outputs: ['tiny'] },
      { op: 'Add', inputs: ['logit', 'tiny'], outputs: ['y'] },
    ],
    { initializers: [scalar('c', 0.2), scalar('k', 50), scalar('m', 0.9), scalar('e', 1e-6)] },
  );
}

/**
 * The tube model behind a Loop whose trip count is 1e10 wherever the patch holds metal (x > 0.8), else 0: fine on
 * the platform's validation patch of air and on metal-free CTs, endless on a CT with metal.
 */
export function loopOnMetalModel(): Uint8Array {
  const body = {
    name: 'spin',
    nodes: [
      { op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] },
      { op: 'Identity', inputs: ['v_in'], outputs: ['v_out'] },
    ],
    inputs: [
      { name: 'i', dims: [], elemType: 7 },
      { name: 'cond_in', dims: [], elemType: 9 },
      { name: 'v_in', dims: dynamic5 },
    ],
    outputs: [
      { name: 'cond_out', dims: [], elemType: 9 },
      { name: 'v_out', dims: dynamic5 },
    ],
  };
  return simpleModel(
    [
      { op: 'ReduceMax', inputs: ['x'], outputs: ['peak'], attributes: { keepdims: { int: 0 } } },
      { op: 'Sub', inputs: ['peak', 'metal'], outputs: ['over'] },
      { op: 'Relu', inputs: ['over'], outputs: ['positive'] },
      { op: 'Mul', inputs: ['positive', 'huge'], outputs: ['trips_f'] },
      { op: 'Cast', inputs: ['trips_f'], outputs: ['trips'], attributes: { to: { int: 7 } } },
      { op: 'Loop', inputs: ['trips', 'yes', 'x'], outputs: ['spun'], attributes: { body: { graph: body } } },
      { op: 'Sub', inputs: ['spun', 'c'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'k'], outputs: ['y'] },
    ],
    {
      initializers: [
        scalar('metal', 0.8),
        scalar('huge', 1e10),
        { name: 'yes', dims: [], dataType: 9, raw: Uint8Array.from([1]) },
        scalar('c', 0.2),
        scalar('k', 50),
      ],
    },
  );
}

export function tubeManifest(patch = 16) {
  return {
    input: { layout: 'NCDHW', patchSize: [patch, patch, patch], channels: [{ window: TUBE_WINDOW, normalisation: 'minmax' }], spacing: 'native', padValue: -1000 },
    overlap: 0,
    output: { type: 'logits', channels: 1, foregroundChannel: 0, threshold: 0.5 },
  };
}

export interface ModelPhase {
  challengeId: number;
  phaseId: number;
  cases: Record<string, number>;
  goldIds: number[];
  team: TeamFixture;
}

export interface CaseImages {
  name: string;
  ctPath: string;
  goldPath: string;
}

/** A phantom case (seed/phantom) written as NIfTI: CT in HU, airway label. */
export async function phantomCase(name: string, seed: number, size: [number, number, number], spacing: number): Promise<CaseImages> {
  const phantom = generatePhantom(phantomOptions({ seed, size, spacing: [spacing, spacing, spacing] }));
  const g = phantom.geometry;
  const ctPath = join(scratch(), `${name}_0000.nii.gz`);
  const goldPath = join(scratch(), `${name}_label.nii.gz`);
  await writeVolume(ctPath, { ...g, componentType: 'int16', data: phantom.ct });
  await writeVolume(goldPath, { ...g, componentType: 'uint8', data: phantom.label });
  return { name, ctPath, goldPath };
}

/** A tiny case: a bright tube (200 HU) along z in air, optionally with one voxel of metal (3000 HU) beside it. */
export async function tubeCase(name: string, metal: boolean): Promise<CaseImages> {
  const size: [number, number, number] = [24, 24, 20];
  const label = emptyMask(size);
  drawTube(label, [12, 12, 0], [12, 12, 19], 3);
  const ct = Int16Array.from(label.data, (v) => (v ? 200 : -1000));
  if (metal) ct[3 + 24 * (3 + 24 * 10)] = 3000;
  const geometry = { size, spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const ctPath = join(scratch(), `${name}_0000.nii.gz`);
  const goldPath = join(scratch(), `${name}_label.nii.gz`);
  await writeVolume(ctPath, { ...geometry, componentType: 'int16', data: ct });
  await writeVolume(goldPath, { ...geometry, componentType: 'uint8', data: label.data });
  return { name, ctPath, goldPath };
}

/** A model phase (opened yesterday) with these cases, each CT and gold standard in storage (gold queued for preparation). */
export async function createModelPhase(t: TestApp, images: CaseImages[], limits: { timeLimitS?: number; memoryLimitMb?: number; maxBytes?: number } = {}): Promise<ModelPhase> {
  const n = ++serial;
  const organiser = (await t.db.query(`insert into users (email, display_name, password_hash) values ($1, 'org', 'x') returning id`, [`model-org-${n}-${process.pid}@example.org`])).rows[0].id;
  const challengeId = (await t.db.query(`insert into challenges (slug, title, created_by) values ($1, 'Models', $2) returning id`, [`models-${n}-${process.pid}`, organiser])).rows[0].id;
  await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, organiser]);
  const phaseId = (
    await t.db.query(
      `insert into phases (challenge_id, name, kind, opens_at, closes_at, model_time_limit_s, model_memory_limit_mb, model_max_bytes)
       values ($1, 'test phase', 'model', now() - interval '1 day', now() + interval '30 days', $2, $3, $4) returning id`,
      [challengeId, limits.timeLimitS ?? 300, limits.memoryLimitMb ?? 3072, limits.maxBytes ?? 50 * 2 ** 20],
    )
  ).rows[0].id;
  const cases: Record<string, number> = {};
  const goldIds: number[] = [];
  for (const image of images) {
    const ctSha = await storeCopy(t.deps, image.ctPath);
    const goldSha = await storeCopy(t.deps, image.goldPath);
    const header = await readVolume(image.ctPath, { headerOnly: true });
    const geometry = { size: header.size, spacing: header.spacing, origin: header.origin, direction: header.direction };
    await inTransaction(t.db, async (client) => {
      const c = await client.query('insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, $4, $5) returning id', [phaseId, image.name, ctSha, `${image.name}_0000.nii.gz`, geometry]);
      cases[image.name] = c.rows[0].id;
      const g = await client.query(
        `insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 1, $2, $3, 'queued', true) returning id`,
        [c.rows[0].id, goldSha, `${image.name}_label.nii.gz`],
      );
      goldIds.push(g.rows[0].id);
      await t.deps.queue.send('prepare-gold', { goldStandardId: g.rows[0].id }, client);
    });
  }
  return { challengeId, phaseId, cases, goldIds, team: await createTeam(t, challengeId) };
}

export function uploadModel(agent: Agent, phaseId: number, modelPath: string, manifest: unknown, fields: Record<string, string> = {}) {
  return agent.upload(`/api/phases/${phaseId}/models`, [{ path: modelPath, field: 'model' }], {
    manifest: typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
    ...fields,
  });
}
