import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { surfaceNets } from '../../server/viewer/mesh/surface-nets.ts';
import { placeInScan } from '../../server/viewer/mesh/place-in-scan.ts';
import type { Shape3 } from '../../evaluator/index.ts';
import { at, fillBox, maskOf, size } from '../helpers/c-order.ts';
import { bounds, edgeCount, isClosedModTwo, orientedClosedProblems, signedVolume, vertex } from '../helpers/mesh-checks.ts';

describe('surfaceNets', () => {
  it('turns a single voxel into a closed cube of 8 vertices at ±1/6 and 12 outward triangles', () => {
    const shape: Shape3 = [3, 3, 3];
    const mesh = surfaceNets(maskOf(shape, [[1, 1, 1]]), shape);
    assert.equal(mesh.positions.length / 3, 8);
    assert.equal(mesh.triangles.length / 3, 12);
    assert.deepEqual(orientedClosedProblems(mesh), []);
    for (let v = 0; v < 8; v++) {
      for (const c of vertex(mesh, v)) assert.ok(Math.abs(Math.abs(c - 1) - 1 / 6) < 1e-6, `vertex ${v}: ${vertex(mesh, v)}`);
    }
    // a cube of side 1/3, normals outwards
    assert.ok(Math.abs(signedVolume(mesh) - 1 / 27) < 1e-6, `volume ${signedVolume(mesh)}`);
  });

  it('gives a 3×3×3 block 56 vertices, 108 triangles and Euler characteristic 2, even touching the array border', () => {
    for (const [shape, lo] of [[[5, 5, 5], [1, 1, 1]], [[3, 3, 3], [0, 0, 0]]] as Array<[Shape3, [number, number, number]]>) {
      const mask = fillBox(new Uint8Array(size(shape)), shape, lo, [lo[0] + 3, lo[1] + 3, lo[2] + 3]);
      const mesh = surfaceNets(mask, shape);
      const vertices = mesh.positions.length / 3;
      const triangles = mesh.triangles.length / 3;
      assert.equal(vertices, 56, `${shape}`); // 4³ − 2³ cells meet the boundary
      assert.equal(triangles, 108); // 6 faces × 9 voxel faces × 2
      assert.equal(vertices - edgeCount(mesh) + triangles, 2);
      assert.deepEqual(orientedClosedProblems(mesh), []);
      const box = bounds(mesh);
      assert.deepEqual(box.min.map((c, n) => +(c - lo[n]).toFixed(6)), [-0.5, -0.5, -0.5]);
      assert.deepEqual(box.max.map((c, n) => +(c - lo[n]).toFixed(6)), [2.5, 2.5, 2.5]);
      assert.ok(signedVolume(mesh) > 20 && signedVolume(mesh) < 27, `volume ${signedVolume(mesh)}`);
    }
  });

  it('gives nothing for an empty volume and does not modify its input', () => {
    const shape: Shape3 = [4, 4, 4];
    assert.equal(surfaceNets(new Uint8Array(64), shape).triangles.length, 0);
    const mask = maskOf(shape, [[1, 2, 3]], 9);
    const copy = mask.slice();
    surfaceNets(mask, shape);
    assert.deepEqual(mask, copy);
  });

  it('stays closed (mod 2) where voxels touch only along an edge', () => {
    const shape: Shape3 = [2, 2, 1];
    const mesh = surfaceNets(maskOf(shape, [[0, 0, 0], [1, 1, 0]]), shape);
    assert.equal(mesh.triangles.length / 3, 24);
    assert.ok(isClosedModTwo(mesh));
  });

  it('labels each vertex from the voxels it was made from: the majority, ties to the smaller label', () => {
    // a bar of three voxels along k labelled 7, 7, 2
    const shape: Shape3 = [1, 1, 3];
    const labels = Int32Array.from([7, 7, 2]);
    const mesh = surfaceNets(new Uint8Array([1, 1, 1]), shape, labels);
    assert.ok(mesh.labels);
    const byLayer = new Map<number, Set<number>>();
    for (let v = 0; v < mesh.labels.length; v++) {
      const layer = Math.round(vertex(mesh, v)[2] * 6) / 6; // vertices sit in 4 layers along k
      const set = byLayer.get(layer) ?? new Set<number>();
      set.add(mesh.labels[v]);
      byLayer.set(layer, set);
    }
    const layers = [...byLayer.keys()].sort((a, b) => a - b);
    assert.equal(layers.length, 4);
    assert.deepEqual(layers.map((l) => [...byLayer.get(l)!]), [[7], [7], [2], [2]]);
    // a 2×2 plate labelled 7, 7 / 7, 2: the central cells see three 7s and one 2
    const plate: Shape3 = [1, 2, 2];
    const plateLabels = new Int32Array(4).fill(7);
    plateLabels[at(plate, 0, 1, 1)] = 2;
    const plateMesh = surfaceNets(new Uint8Array(4).fill(1), plate, plateLabels);
    const central = [...plateMesh.labels!].filter((_, v) => {
      const [, j, k] = vertex(plateMesh, v);
      return Math.abs(j - 0.5) < 1e-6 && Math.abs(k - 0.5) < 1e-6;
    });
    assert.deepEqual(central, [7, 7]);
    assert.ok(plateMesh.labels!.includes(2));
  });
});

describe('placeInScan', () => {
  it('maps crop indices to LPS millimetres and keeps normals outwards under a mirroring direction', () => {
    const shape: Shape3 = [3, 3, 3];
    const mesh = surfaceNets(maskOf(shape, [[1, 1, 1]]), shape);
    const placed = placeInScan(mesh, { size: [10, 10, 10], spacing: [2, 1, 0.5], origin: [100, 0, -50], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, [4, 0, 2]);
    const box = bounds(placed);
    // voxel (1,1,1) of a crop at (4,0,2) is scan voxel (5,1,3): centre (110, 1, -48.5)
    assert.deepEqual(box.min.map((c) => +c.toFixed(4)), [110 - 2 / 6, 1 - 1 / 6, -48.5 - 0.5 / 6].map((c) => +c.toFixed(4)));
    const mirrored = placeInScan(mesh, { size: [10, 10, 10], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] }, [0, 0, 0]);
    assert.ok(signedVolume(mirrored) > 0, 'normals still point outwards');
    assert.deepEqual(orientedClosedProblems(mirrored), []);
    assert.ok(bounds(mirrored).max[0] < 0);
  });
});
