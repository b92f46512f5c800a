import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { decimate } from '../../server/viewer/mesh/quadric-decimate.ts';
import { surfaceNets } from '../../server/viewer/mesh/surface-nets.ts';
import { taubinSmooth } from '../../server/viewer/mesh/taubin-smooth.ts';
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';
import { vertexNeighbours } from '../../server/viewer/mesh/vertex-neighbours.ts';
import type { Shape3 } from '../../evaluator/index.ts';
import { at, fillBox, maskOf, size } from '../helpers/c-order.ts';
import { bounds, isClosedModTwo, orientedClosedProblems, signedVolume, vertex } from '../helpers/mesh-checks.ts';

function block(shape: Shape3, lo: [number, number, number], hi: [number, number, number]): TriangleMesh {
  return surfaceNets(fillBox(new Uint8Array(size(shape)), shape, lo, hi), shape);
}

/** A ball of radius r (voxels) in a cube of side 2r + 3. */
function ball(r: number): TriangleMesh {
  const n = 2 * r + 3;
  const shape: Shape3 = [n, n, n];
  const mask = new Uint8Array(size(shape));
  const c = (n - 1) / 2;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
    if ((i - c) ** 2 + (j - c) ** 2 + (k - c) ** 2 <= r * r) mask[at(shape, i, j, k)] = 1;
  }
  return surfaceNets(mask, shape);
}

describe('vertexNeighbours', () => {
  it('lists each vertex\'s neighbours once, sorted', () => {
    const { offsets, neighbours } = vertexNeighbours(4, Uint32Array.from([0, 1, 2, 0, 2, 3]));
    const of = (v: number) => [...neighbours.subarray(offsets[v], offsets[v + 1])];
    assert.deepEqual([of(0), of(1), of(2), of(3)], [[1, 2, 3], [0, 2], [0, 1, 3], [0, 2]]);
  });
});

describe('taubinSmooth', () => {
  it('smooths the voxel staircase of a ball without shrinking it like plain Laplacian smoothing', () => {
    const mesh = ball(6);
    const before = signedVolume(mesh);
    const input = mesh.positions.slice();
    const taubin = taubinSmooth(mesh, { iterations: 10 });
    const laplacian = taubinSmooth(mesh, { iterations: 20, lambda: 0.5, mu: 0 });
    assert.deepEqual(mesh.positions, input, 'input untouched');
    assert.equal(taubin.triangles, mesh.triangles, 'connectivity kept');
    // radii spread: the staircase makes distances to the centre uneven; smoothing evens them out
    const spread = (m: TriangleMesh) => {
      const c = 7; // ball(6) is centred on voxel (7, 7, 7)
      const radii = Array.from({ length: m.positions.length / 3 }, (_, v) => Math.hypot(...vertex(m, v).map((x) => x - c)));
      const mean = radii.reduce((a, b) => a + b, 0) / radii.length;
      return Math.sqrt(radii.reduce((a, r) => a + (r - mean) ** 2, 0) / radii.length);
    };
    assert.ok(spread(taubin) < 0.8 * spread(mesh), `spread ${spread(mesh)} → ${spread(taubin)}`);
    const taubinLoss = 1 - signedVolume(taubin) / before;
    const laplacianLoss = 1 - signedVolume(laplacian) / before;
    assert.ok(taubinLoss < 0.05, `Taubin lost ${(100 * taubinLoss).toFixed(1)} % of the volume`);
    assert.ok(laplacianLoss > 2 * taubinLoss, `Laplacian ${laplacianLoss} vs Taubin ${taubinLoss}`);
  });

  it('keeps a symmetric surface centred', () => {
    const mesh = taubinSmooth(block([5, 5, 5], [1, 1, 1], [4, 4, 4]));
    const box = bounds(mesh);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(box.min[c] + box.max[c] - 4) < 1e-5, `axis ${c}: ${box.min[c]}..${box.max[c]}`);
  });
});

describe('decimate', () => {
  it('reduces a block to the triangle budget, keeping it closed, oriented and the same shape', () => {
    const mesh = block([6, 6, 10], [1, 1, 1], [5, 5, 9]);
    const before = mesh.triangles.length / 3;
    const input = mesh.positions.slice();
    const result = decimate(mesh, { targetTriangles: 60 });
    const after = result.triangles.length / 3;
    assert.ok(after <= 60 && after >= 12, `${before} → ${after} triangles`);
    assert.deepEqual(mesh.positions, input, 'input untouched');
    assert.deepEqual(orientedClosedProblems(result), []);
    // flat faces cost nothing to simplify: the box and its volume barely move
    assert.deepEqual(bounds(result), bounds(mesh));
    assert.ok(Math.abs(signedVolume(result) / signedVolume(mesh) - 1) < 0.02, `volume ${signedVolume(mesh)} → ${signedVolume(result)}`);
  });

  it('keeps a smoothed ball closed and round while removing three quarters of its triangles', () => {
    const mesh = taubinSmooth(ball(8));
    const target = Math.ceil(mesh.triangles.length / 3 / 4);
    const result = decimate(mesh, { targetTriangles: target });
    assert.ok(result.triangles.length / 3 <= target);
    assert.deepEqual(orientedClosedProblems(result), []);
    assert.ok(Math.abs(signedVolume(result) / signedVolume(mesh) - 1) < 0.03);
    const c = 9; // ball(8) is centred on voxel (9, 9, 9)
    for (let v = 0; v < result.positions.length / 3; v++) {
      const r = Math.hypot(...vertex(result, v).map((x) => x - c));
      assert.ok(r > 7.5 && r < 8.7, `vertex ${v} at radius ${r}`);
    }
  });

  it('never collapses a closed surface below a tetrahedron', () => {
    const cube = surfaceNets(maskOf([1, 1, 1], [[0, 0, 0]]), [1, 1, 1]);
    const result = decimate(cube, { targetTriangles: 1 });
    assert.ok(result.triangles.length / 3 >= 4, `${result.triangles.length / 3} triangles`);
    assert.ok(result.positions.length / 3 >= 4);
    assert.deepEqual(orientedClosedProblems(result), []);
  });

  it('keeps branch borders: no collapse joins two labels, and each vertex keeps its label', () => {
    const shape: Shape3 = [4, 4, 16];
    const mask = fillBox(new Uint8Array(size(shape)), shape, [0, 0, 0], [4, 4, 16]);
    const labels = new Int32Array(size(shape));
    for (let v = 0; v < labels.length; v++) labels[v] = v % 16 < 8 ? 1 : 2;
    const mesh = surfaceNets(mask, shape, labels);
    const result = decimate(mesh, { targetTriangles: 20 });
    assert.ok(result.labels);
    assert.ok(isClosedModTwo(result));
    assert.ok(result.triangles.length < mesh.triangles.length);
    for (let v = 0; v < result.labels.length; v++) {
      const k = vertex(result, v)[2];
      // label 1 was made from voxels k < 8 (border cells at k = 7.5 take the smaller label)
      if (result.labels[v] === 1) assert.ok(k <= 7.5 + 1e-6, `label 1 at k = ${k}`);
      else assert.ok(result.labels[v] === 2 && k > 7.5, `label ${result.labels[v]} at k = ${k}`);
    }
  });

  it('returns the mesh unchanged when it is already within budget', () => {
    const mesh = block([5, 5, 5], [1, 1, 1], [4, 4, 4]);
    const result = decimate(mesh, { targetTriangles: 1000 });
    assert.deepEqual(result.positions, mesh.positions);
    assert.deepEqual(result.triangles, mesh.triangles);
  });
});
