/**
 * The browser's pre-upload check says what the server's validation says, word for word, for every problem it can
 * see before an upload (names, one file per case, missing cases, size, spacing, origin, direction): both run on the
 * same files here — the server's `validateMasks`, and the client's `precheckSubmission` on headers read by
 * itk-wasm (the reader the browser uses) through the client's own conversion.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageNode } from '@itk-wasm/image-io';
import { writeVolume, type ImageGeometry } from '../../evaluator/index.ts';
import { validateMasks } from '../../server/intake/masks/validate-masks.ts';
import { AppError } from '../../server/errors.ts';
import { geometryOfItkImage, type ItkHeader } from '../../client/lib/itk-geometry.ts';
import { checkNames, precheckSubmission, type HeaderResult } from '../../client/submit/precheck.ts';

const CT: ImageGeometry = { size: [16, 16, 12], spacing: [0.7, 0.7, 1], origin: [-5, 3, 10], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const CASES = ['ATM_1', 'ATM_2', 'ATM_3', 'ATM_4', 'ATM_5'].map((name, n) => ({ id: n + 1, name, geometry: CT }));

async function writeMask(path: string, geometry: Partial<ImageGeometry> = {}): Promise<void> {
  const g = { ...CT, ...geometry };
  const data = new Uint8Array(g.size[0] * g.size[1] * g.size[2]);
  data[5] = 1;
  await writeVolume(path, { ...g, componentType: 'uint8', data });
}

async function browserHeader(path: string): Promise<HeaderResult> {
  try {
    return { geometry: geometryOfItkImage((await readImageNode(path, { informationOnly: true })) as unknown as ItkHeader) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('client: pre-upload check', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'carina-precheck-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the same problems as the server, in the same words and order', async () => {
    const files: Record<string, Partial<ImageGeometry> | 'text'> = {
      'ATM_1.nii.gz': {}, // right
      'ATM_2.nrrd': { spacing: [0.8, 0.7, 1], origin: [-4, 3, 10] }, // wrong spacing and origin
      'ATM_3.nii.gz': { size: [16, 16, 11] }, // wrong size
      'ATM_4.nii.gz': { direction: [0, 1, 0, 1, 0, 0, 0, 0, -1] }, // flipped axes
      'ATM_5.mhd': 'text', // a type the evaluator cannot take in one file
      'notes.txt': 'text', // names no case
    };
    const candidates = [];
    const headers = new Map<string, HeaderResult>();
    for (const [name, geometry] of Object.entries(files)) {
      const path = join(dir, name);
      if (geometry === 'text') writeFileSync(path, 'not an image');
      else {
        await writeMask(path, geometry);
        headers.set(name, await browserHeader(path));
      }
      candidates.push({ name, path });
    }
    let server: Array<{ case?: string; file?: string; problem: string }> = [];
    await validateMasks(CASES, candidates, 1e9).then(
      () => assert.fail('the server accepted the submission'),
      (error: unknown) => {
        assert.ok(error instanceof AppError && error.code === 'VALIDATION_FAILED');
        server = error.details as typeof server;
      },
    );
    const client = precheckSubmission(CASES, Object.keys(files), headers);
    assert.deepEqual(client, server);
    assert.deepEqual(
      client.map((p) => p.problem),
      [
        'case ATM_5: file "ATM_5.mhd" has type ".mhd", which is not supported; send .nii.gz, .nii, .nrrd, .mha',
        'file "notes.txt" has type ".txt", which is not supported; send .nii.gz, .nii, .nrrd, .mha',
        'case ATM_2: spacing (0.8, 0.7, 1) mm does not match the CT\'s (0.7, 0.7, 1) mm',
        'case ATM_2: origin (-4, 3, 10) mm does not match the CT\'s (-5, 3, 10) mm',
        "case ATM_3: size 16x16x11 does not match the CT's 16x16x12",
        'case ATM_4: direction (0, 1, 0, 1, 0, 0, 0, 0, -1) does not match the CT\'s (1, 0, 0, 0, 1, 0, 0, 0, 1)',
      ],
    );
  });

  it('finds nothing wrong with a right set, and flags missing and doubled cases from names alone', async () => {
    await writeMask(join(dir, 'ok.nii.gz'));
    const header = await browserHeader(join(dir, 'ok.nii.gz'));
    const names = CASES.map((c) => `${c.name}.nii.gz`);
    assert.deepEqual(precheckSubmission(CASES, names, new Map(names.map((n) => [n, header]))), []);
    const check = checkNames(CASES, ['ATM_1.nii.gz', 'ATM_1_0000.nii.gz', 'ATM_10.nii.gz']);
    assert.deepEqual(
      check.problems.map((p) => p.problem),
      [
        'file "ATM_10.nii.gz" does not name a case of this phase; name each file after its case (e.g. ATM_1.nii.gz), one of: ATM_1, ATM_2, ATM_3, ATM_4, ATM_5',
        'case ATM_1: 2 files ("ATM_1.nii.gz", "ATM_1_0000.nii.gz"); send exactly one file per case',
        ...['ATM_2', 'ATM_3', 'ATM_4', 'ATM_5'].map((c) => `case ${c}: no file; every case of the phase needs one (e.g. ${c}.nii.gz)`),
      ],
    );
    assert.equal(check.fileOfCase.size, 0);
  });

  it('reports a file it cannot read, naming the file', () => {
    const problems = precheckSubmission(CASES.slice(0, 1), ['ATM_1.nii.gz'], new Map([['ATM_1.nii.gz', { error: 'cannot be read as an image (bad gzip)' }]]));
    assert.deepEqual(problems, [{ case: 'ATM_1', file: 'ATM_1.nii.gz', problem: 'case ATM_1: file "ATM_1.nii.gz" could not be read: cannot be read as an image (bad gzip)' }]);
  });

  it('converts itk-wasm headers as the server reader does: 2D refused, trailing unit axes dropped', () => {
    const base = { spacing: [1, 1, 1, 1], origin: [0, 0, 0, 0], imageType: { dimension: 4, components: 1 } };
    const direction = Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    assert.deepEqual(geometryOfItkImage({ ...base, size: [4, 5, 6, 1], direction }).size, [4, 5, 6]);
    assert.deepEqual(geometryOfItkImage({ ...base, size: [4, 5, 6, 1], direction }).direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.throws(() => geometryOfItkImage({ size: [4, 5], spacing: [1, 1], origin: [0, 0], direction: [1, 0, 0, 1], imageType: { dimension: 2, components: 1 } }), /expected a 3D volume, got 2D of size 4x5/);
    assert.throws(() => geometryOfItkImage({ ...base, size: [4, 5, 6], direction, imageType: { dimension: 3, components: 3 } }), /one value per voxel, got 3/);
  });
});
