import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { downsampleMax, downsampleMean, levelGeometry } from '../../server/viewer/downsample.ts';
import { decodeVolume, encodeVolume } from '../../contract/viewer/volume-format.ts';

describe('viewer volume levels', () => {
  it('averages 2×2×2 blocks (fewer voxels at the far edges), rounded and clamped to int16', () => {
    // 3 × 2 × 2 in file order (x fastest): the block x = 0..1 and the edge block x = 2
    const data = Int16Array.from([0, 2, 100, 4, 6, 200, 8, 10, 300, 12, 14, 400]);
    assert.deepEqual([...downsampleMean(data, [3, 2, 2], 1)], [7, 250]);
    assert.deepEqual([...downsampleMean(Float32Array.from([1e6, -1e6, 1.5, 2.5]), [4, 1, 1], 0)], [32767, -32768, 2, 3]);
    assert.deepEqual([...downsampleMean(Float32Array.from([1e6, -1e6, 1.5, 2.5]), [4, 1, 1], 1)], [0, 2]);
  });

  it('takes block maxima of masks as 0/1, so a single voxel survives every level', () => {
    const mask = new Uint8Array(5 * 5 * 5);
    mask[4 + 5 * (4 + 5 * 4)] = 7; // voxel (4, 4, 4)
    const level1 = downsampleMax(mask, [5, 5, 5], 1);
    assert.equal(level1.length, 27);
    assert.deepEqual([...level1].map((v, i) => (v ? i : -1)).filter((i) => i >= 0), [26]);
    assert.equal(level1[26], 1);
    assert.deepEqual([...downsampleMax(mask, [5, 5, 5], 3)], [1]);
  });

  it('keeps the physical box: spacing × f, first voxel at the centre of its block along each axis direction', () => {
    const geometry = { size: [5, 4, 3] as const, spacing: [1, 2, 3] as const, origin: [10, 20, 30] as const, direction: [0, -1, 0, 1, 0, 0, 0, 0, 1] };
    const g = levelGeometry(geometry, 1);
    assert.deepEqual(g.size, [3, 2, 2]);
    assert.deepEqual(g.spacing, [2, 4, 6]);
    // shift (0.5, 1, 1.5) in scan axes; axis x points along +y, axis y along −x
    assert.deepEqual(g.origin, [10 - 1, 20 + 0.5, 30 + 1.5]);
    assert.deepEqual(levelGeometry(geometry, 0), { ...geometry, size: [5, 4, 3], spacing: [1, 2, 3], origin: [10, 20, 30] });
  });

  it('encodes CVOL with its header and 4-byte aligned voxels, and decodes it back', () => {
    const voxels = Int16Array.from([-1000, 0, 40, 3000]);
    const bytes = encodeVolume({ size: [2, 2, 1], spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], level: 1, downsample: 2 }, voxels);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'CVOL');
    const headerLength = new DataView(bytes.buffer).getUint32(4, true);
    assert.equal(bytes.length, Math.ceil((8 + headerLength) / 4) * 4 + 8);
    const decoded = decodeVolume(bytes);
    assert.equal(decoded.header.componentType, 'int16');
    assert.equal(decoded.header.version, 1);
    assert.deepEqual(decoded.voxels, voxels);
    assert.equal(decodeVolume(encodeVolume({ ...decoded.header }, Uint8Array.from([1, 0, 0, 1]))).header.componentType, 'uint8');
    assert.throws(() => encodeVolume({ ...decoded.header }, new Uint8Array(3)), /3 voxels for size 2x2x1/);
  });
});
