/**
 * The viewer's pure parts: branch colours per vertex, rates per generation, physical ↔ voxel index, the slice
 * image with its lung window and outlines, and smooth normals.
 */
import assert from 'node:assert/strict';
import type { ViewerBranch } from '../../client/api/types.ts';
import { CLASS_COLOURS, branchClass, branchesById, classCounts, generationColour, hexToRgb, vertexColours } from '../../client/viewer/branch-colours.ts';
import { nearestVertexOfTriangle } from '../../client/viewer/nearest-vertex.ts';
import { ratesByGeneration, ratesFromMetric } from '../../client/lib/per-generation.ts';
import { BOTH_OUTLINE, GOLD_OUTLINE, PREDICTION_OUTLINE, renderSlice } from '../../client/viewer/slice-image.ts';
import { triangleCells, vertexNormals } from '../../client/viewer/vertex-normals.ts';
import { centreOf, clampIndex, indexToPhysical, physicalToIndex } from '../../client/viewer/voxel-index.ts';

const branch = (id: number, generation: number, extra: Partial<ViewerBranch> = {}): ViewerBranch => ({ id, generation, parent: null, skeletonVoxels: 0, trachea: false, ...extra });
const BRANCHES: ViewerBranch[] = [
  branch(1, 0, { trachea: true, detected: true, skeletonVoxels: 40, skeletonInPred: 40 }),
  branch(2, 1, { detected: true, skeletonVoxels: 20, skeletonInPred: 18 }),
  branch(3, 1, { detected: false, skeletonVoxels: 10, skeletonInPred: 5 }),
  branch(4, 2, { detected: false, skeletonVoxels: 10, skeletonInPred: 0 }),
];

describe('client: viewer logic', () => {
  it('colours each vertex by its branch result, or by generation', () => {
    const labels = new Uint16Array([1, 2, 3, 4, 0, 9]);
    const byId = branchesById(BRANCHES);
    const rgb = (colours: Uint8Array, v: number) => [colours[3 * v], colours[3 * v + 1], colours[3 * v + 2]];
    const result = vertexColours(labels, byId, 'result');
    assert.deepEqual(rgb(result, 0), [...hexToRgb(CLASS_COLOURS.trachea)]);
    assert.deepEqual(rgb(result, 1), [46, 158, 91]); // #2e9e5b detected
    assert.deepEqual(rgb(result, 2), [209, 73, 91]); // #d1495b missed
    assert.deepEqual(rgb(result, 3), [209, 73, 91]);
    assert.deepEqual(rgb(result, 4), [...hexToRgb(CLASS_COLOURS.unlabelled)], 'label 0: no branch');
    assert.deepEqual(rgb(result, 5), [...hexToRgb(CLASS_COLOURS.unlabelled)], 'a label the table does not know');
    const generation = vertexColours(labels, byId, 'generation');
    assert.deepEqual(rgb(generation, 1), [...hexToRgb(generationColour(1))]);
    assert.deepEqual(rgb(generation, 3), [...hexToRgb(generationColour(2))]);
    assert.notDeepEqual(rgb(generation, 1), rgb(generation, 3));
    assert.equal(generationColour(40), generationColour(9), 'deep generations share the last colour');
  });

  it('treats a branch without a result (not scored yet, or gold alone) as unlabelled, and counts the classes', () => {
    assert.equal(branchClass(branch(5, 3, { detected: null })), 'unlabelled');
    assert.equal(branchClass(undefined), 'unlabelled');
    assert.deepEqual(classCounts(BRANCHES), { detected: 1, missed: 2, trachea: 1 });
  });

  it('computes TD and BD per generation from the branch table', () => {
    assert.deepEqual(ratesByGeneration(BRANCHES), [
      { generation: 0, branches: 1, detected: 1, treeLength: 100, branchesDetected: 100 },
      { generation: 1, branches: 2, detected: 1, treeLength: (100 * 23) / 30, branchesDetected: 50 },
      { generation: 2, branches: 1, detected: 0, treeLength: 0, branchesDetected: 0 },
    ]);
    assert.equal(ratesByGeneration([branch(1, 0, { skeletonVoxels: 5, skeletonInPred: null })])[0].treeLength, null);
    assert.deepEqual(ratesFromMetric([{ generation: 3, branches: 4, detected: 3 }]), [{ generation: 3, branches: 4, detected: 3, treeLength: null, branchesDetected: 75 }]);
  });

  it('AIIB23 segments (no generation): coloured by result, unlabelled by generation, left out of the per-generation rates', () => {
    const segments: ViewerBranch[] = [
      { id: 1, generation: null, parent: null, skeletonVoxels: 10, skeletonInPred: 9, fraction: 0.9, detected: true, trachea: false },
      { id: 2, generation: null, parent: null, skeletonVoxels: 10, skeletonInPred: 7, fraction: 0.7, detected: false, trachea: false },
    ];
    const labels = new Uint16Array([1, 2]);
    const result = vertexColours(labels, branchesById(segments), 'result');
    assert.deepEqual([...result], [...hexToRgb(CLASS_COLOURS.detected), ...hexToRgb(CLASS_COLOURS.missed)]);
    const generation = vertexColours(labels, branchesById(segments), 'generation');
    assert.deepEqual([...generation], [...hexToRgb(CLASS_COLOURS.unlabelled), ...hexToRgb(CLASS_COLOURS.unlabelled)]);
    assert.deepEqual(ratesByGeneration(segments), []);
    assert.deepEqual(ratesByGeneration([...segments, ...BRANCHES]), ratesByGeneration(BRANCHES));
  });

  it('maps physical points to voxel indices and back, with a rotated direction', () => {
    const g = { size: [10, 20, 30], spacing: [0.5, 2, 3], origin: [10, -20, 5], direction: [0, -1, 0, 1, 0, 0, 0, 0, 1] };
    const p = indexToPhysical(g, [2, 3, 4]);
    // column 0 of D is (0, 1, 0): x steps go along +y; column 1 is (-1, 0, 0)
    assert.deepEqual(p, [10 - 3 * 2, -20 + 2 * 0.5, 5 + 4 * 3]);
    assert.deepEqual(physicalToIndex(g, p).map((v) => Math.round(v * 1e9) / 1e9), [2, 3, 4]);
    assert.deepEqual(clampIndex(g, [-3, 7.6, 99]), [0, 8, 29]);
    assert.deepEqual(centreOf({ ...g, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }), [10 + 4.5 * 0.5, -20 + 9.5 * 2, 5 + 14.5 * 3]);
  });

  it('draws a slice through the lung window with gold, prediction and shared outlines', () => {
    const size = [5, 4, 3];
    const n = 5 * 4 * 3;
    const ct = { size, spacing: [1, 1, 2], data: new Int16Array(n).fill(-1350) };
    ct.data[0] = 150; // top of the window: white
    ct.data[1] = -600; // the level: mid-grey
    const gold = { size, spacing: ct.spacing, data: new Uint8Array(n) };
    const pred = { size, spacing: ct.spacing, data: new Uint8Array(n) };
    const at = (x: number, y: number, z: number) => x + 5 * (y + 4 * z);
    for (const [x, y] of [[1, 1], [2, 1], [3, 1]]) gold.data[at(x, y, 1)] = 1;
    for (const [x, y] of [[3, 1], [3, 2]]) pred.data[at(x, y, 1)] = 1;
    const pixel = (image: { rgba: Uint8ClampedArray; width: number }, a: number, b: number) => [...image.rgba.subarray(4 * (a + image.width * b), 4 * (a + image.width * b) + 3)];
    const z0 = renderSlice('axial', 0, ct);
    assert.deepEqual([z0.width, z0.height, z0.pixelAspect], [5, 4, 1]);
    assert.deepEqual(pixel(z0, 0, 0), [255, 255, 255]);
    assert.deepEqual(pixel(z0, 1, 0), [128, 128, 128]);
    assert.deepEqual(pixel(z0, 2, 0), [0, 0, 0]);
    const z1 = renderSlice('axial', 1, ct, gold, pred);
    assert.deepEqual(pixel(z1, 1, 1), [...GOLD_OUTLINE]);
    assert.deepEqual(pixel(z1, 3, 1), [...BOTH_OUTLINE]);
    assert.deepEqual(pixel(z1, 3, 2), [...PREDICTION_OUTLINE]);
    assert.deepEqual(pixel(z1, 0, 0), [0, 0, 0]);
    const coronal = renderSlice('coronal', 1, ct, gold);
    assert.deepEqual([coronal.width, coronal.height, coronal.pixelAspect], [5, 3, 2]);
    assert.deepEqual(pixel(coronal, 2, 1), [...GOLD_OUTLINE], 'z = 1 is the middle row (superior up)');
    const sagittal = renderSlice('sagittal', 3, ct, gold, pred);
    assert.deepEqual([sagittal.width, sagittal.height], [4, 3]);
    assert.deepEqual(pixel(sagittal, 1, 1), [...BOTH_OUTLINE]);
  });

  it('samples masks sent at another resolution than the CT by index ratio', () => {
    const ct = { size: [4, 4, 1], spacing: [1, 1, 1], data: new Int16Array(16).fill(-1350) };
    const coarse = { size: [2, 2, 1], spacing: [2, 2, 1], data: Uint8Array.from([1, 0, 0, 0]) };
    const image = renderSlice('axial', 0, ct, coarse);
    const gold = (a: number, b: number) => image.rgba[4 * (a + 4 * b)] === GOLD_OUTLINE[0] && image.rgba[4 * (a + 4 * b) + 1] === GOLD_OUTLINE[1];
    assert.deepEqual([gold(0, 0), gold(1, 1), gold(2, 2), gold(3, 0)], [true, true, false, false]);
  });

  it('gives smooth outward normals, polygon cells and the vertex nearest a pick', () => {
    const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const triangles = new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]);
    const normals = vertexNormals(positions, triangles);
    const v3 = [normals[9], normals[10], normals[11]];
    assert.ok(v3[2] > 0.5, `the apex normal points away from the base: ${v3}`);
    for (let v = 0; v < 4; v++) assert.ok(Math.abs(Math.hypot(normals[3 * v], normals[3 * v + 1], normals[3 * v + 2]) - 1) < 1e-6);
    assert.deepEqual([...triangleCells(new Uint32Array([4, 5, 6, 7, 8, 9]))], [3, 4, 5, 6, 3, 7, 8, 9]);
    assert.equal(nearestVertexOfTriangle(positions, triangles, 1, [0.9, 0.05, 0.1]), 1);
    assert.equal(nearestVertexOfTriangle(positions, triangles, 1, [0, 0.1, 0.8]), 3);
  });
});
