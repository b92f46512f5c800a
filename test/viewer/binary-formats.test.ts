/**
 * The viewer's binary formats (contract/viewer/): the decoders read what the encoders write from the body as the
 * browser gets it (fetch's ArrayBuffer), and refuse damaged bodies with a message that says what is wrong.
 */
import assert from 'node:assert/strict';
import { BinaryFormatError } from '../../contract/viewer/binary-header.ts';
import { decodeMesh, encodeMesh } from '../../contract/viewer/mesh-format.ts';
import { decodeVolume, encodeVolume } from '../../contract/viewer/volume-format.ts';

/** A fresh ArrayBuffer holding exactly the bytes, as fetch's arrayBuffer() gives. */
const bufferOf = (bytes: Uint8Array) => bytes.slice().buffer;

const tetrahedron = {
  positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
  triangles: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

describe('client: viewer binary formats', () => {
  it('decodes a mesh with branch labels as the server encodes it', () => {
    const labels = new Uint16Array([1, 1, 2, 7]);
    const { header, mesh } = decodeMesh(bufferOf(encodeMesh({ ...tetrahedron, labels })));
    assert.equal(header.vertexCount, 4);
    assert.equal(header.triangleCount, 4);
    assert.deepEqual([...mesh.positions], [...tetrahedron.positions]);
    assert.deepEqual([...mesh.triangles], [...tetrahedron.triangles]);
    assert.deepEqual([...mesh.labels!], [1, 1, 2, 7]);
  });

  it('decodes a mesh without labels, and the empty leakage mesh', () => {
    assert.equal(decodeMesh(bufferOf(encodeMesh(tetrahedron))).mesh.labels, undefined);
    const empty = decodeMesh(bufferOf(encodeMesh({ positions: new Float32Array(0), triangles: new Uint32Array(0) })));
    assert.equal(empty.header.vertexCount, 0);
    assert.equal(empty.header.triangleCount, 0);
  });

  it('refuses a wrong magic, a truncated body and a triangle pointing past the vertices', () => {
    const bytes = encodeMesh(tetrahedron);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 'X'.charCodeAt(0);
    assert.throws(() => decodeMesh(bufferOf(wrongMagic)), (e: Error) => e instanceof BinaryFormatError && /expected the magic "CMSH", found "XMSH"/.test(e.message));
    assert.throws(() => decodeMesh(bufferOf(bytes.subarray(0, bytes.length - 8))), /truncated/);
    const bad = encodeMesh({ positions: tetrahedron.positions, triangles: new Uint32Array([0, 1, 9]) });
    assert.throws(() => decodeMesh(bufferOf(bad)), /triangle 0 refers to vertex 9 of 4/);
  });

  it('decodes CT (int16) and mask (uint8) volumes with their level geometry', () => {
    const header = { size: [3, 2, 2] as const, spacing: [2, 2, 4] as const, origin: [-10, 5.5, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], level: 1, downsample: 2 };
    const ct = decodeVolume(bufferOf(encodeVolume(header, Int16Array.from({ length: 12 }, (_, i) => -1000 + 100 * i))));
    assert.equal(ct.header.componentType, 'int16');
    assert.deepEqual(ct.header.size, [3, 2, 2]);
    assert.deepEqual(ct.header.origin, [-10, 5.5, 0]);
    assert.equal(ct.header.level, 1);
    assert.equal(ct.voxels[11], 100);
    const mask = decodeVolume(bufferOf(encodeVolume(header, Uint8Array.from({ length: 12 }, (_, i) => i % 2))));
    assert.equal(mask.header.componentType, 'uint8');
    assert.deepEqual([...mask.voxels.subarray(0, 4)], [0, 1, 0, 1]);
  });

  it('refuses a volume whose voxels are missing', () => {
    const bytes = encodeVolume({ size: [4, 4, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], level: 0, downsample: 1 }, new Int16Array(64));
    assert.throws(() => decodeVolume(bufferOf(bytes.subarray(0, bytes.length - 2))), /slice volume: needs \d+ bytes but the body has \d+ \(truncated\?\)/);
  });
});
