import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { decodeMesh, encodeMesh } from '../../contract/viewer/mesh-format.ts';
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';

const tetrahedron: TriangleMesh = {
  positions: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1.5]),
  triangles: Uint32Array.from([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
  labels: Uint16Array.from([1, 1, 2, 65535]),
};

describe('binary mesh format (CMSH)', () => {
  it('round-trips positions, triangles and labels, with 4-byte aligned sections', () => {
    const bytes = encodeMesh(tetrahedron);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'CMSH');
    const headerLength = new DataView(bytes.buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(header, { version: 1, vertexCount: 4, triangleCount: 4, hasBranchLabels: true, coordinates: 'LPS millimetres' });
    const positionsAt = Math.ceil((8 + headerLength) / 4) * 4;
    assert.equal(bytes.length, positionsAt + 4 * 12 + 4 * 12 + 4 * 2);
    // the first float after the padding is x of vertex 0, the last uint16 the label of vertex 3
    const view = new DataView(bytes.buffer);
    assert.equal(view.getFloat32(positionsAt + 11 * 4, true), 1.5);
    assert.equal(view.getUint16(bytes.length - 2, true), 65535);
    const { mesh } = decodeMesh(bytes);
    assert.deepEqual(mesh, tetrahedron);
  });

  it('round-trips a mesh without labels and an empty mesh; decodes from a Node Buffer slice', () => {
    const plain = { positions: tetrahedron.positions, triangles: tetrahedron.triangles };
    const { header, mesh } = decodeMesh(encodeMesh(plain));
    assert.equal(header.hasBranchLabels, false);
    assert.deepEqual(mesh, plain);
    const empty = decodeMesh(encodeMesh({ positions: new Float32Array(0), triangles: new Uint32Array(0) }));
    assert.equal(empty.header.vertexCount, 0);
    const pooled = Buffer.concat([Buffer.from('xyz'), encodeMesh(tetrahedron)]).subarray(3);
    assert.deepEqual(decodeMesh(pooled).mesh, tetrahedron);
  });

  it('refuses other data, a truncated mesh and out-of-range corners', () => {
    assert.throws(() => decodeMesh(new TextEncoder().encode('CVOL\0\0\0\0')), /expected the magic "CMSH", found "CVOL"/);
    const bytes = encodeMesh(tetrahedron);
    assert.throws(() => decodeMesh(bytes.subarray(0, bytes.length - 1)), /needs \d+ bytes but the body has \d+ \(truncated\?\)/);
    assert.throws(() => decodeMesh(Uint8Array.of(...bytes, 0, 0, 0, 0)), /4 bytes after the data the header describes/);
    const broken = encodeMesh({ ...tetrahedron, triangles: Uint32Array.from([0, 1, 7]) });
    assert.throws(() => decodeMesh(broken), /triangle 0 refers to vertex 7 of 4/);
  });
});
