/**
 * The simulated CT's intensities per tissue: with noise and blur, the voxels deep inside each tissue have the
 * configured mean and the configured noise σ; without them, every such voxel has exactly the configured value;
 * the airway wall sits between the lumen and its surroundings and follows its configured value.
 */
import assert from 'node:assert/strict';
import { generatePhantom, type Phantom } from '../../seed/phantom/generate-phantom.ts';
import { phantomOptions, type CtOptions } from '../../seed/phantom/phantom-options.ts';
import { TISSUE, type TissueName } from '../../seed/phantom/tissues.ts';

/** Voxels of a tissue at least `depth` voxels (6-neighbour steps) from any other tissue. */
function deepInside(phantom: Phantom, code: number, depth: number): Uint8Array {
  const [nx, ny, nz] = phantom.geometry.size;
  const sxy = nx * ny;
  let mask = Uint8Array.from(phantom.tissue, (t) => (t === code ? 1 : 0));
  for (let step = 0; step < depth; step++) {
    const next = new Uint8Array(mask.length);
    for (let z = 1; z < nz - 1; z++)
      for (let y = 1; y < ny - 1; y++)
        for (let x = 1, v = 1 + nx * (y + ny * z); x < nx - 1; x++, v++) {
          next[v] = mask[v] & mask[v - 1] & mask[v + 1] & mask[v - nx] & mask[v + nx] & mask[v - sxy] & mask[v + sxy];
        }
    mask = next;
  }
  return mask;
}

function stats(ct: Int16Array, mask: Uint8Array): { n: number; mean: number; sd: number; min: number; max: number } {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < ct.length; v++) {
    if (!mask[v]) continue;
    n++;
    sum += ct[v];
    sum2 += ct[v] * ct[v];
    if (ct[v] < min) min = ct[v];
    if (ct[v] > max) max = ct[v];
  }
  const mean = sum / n;
  return { n, mean, sd: Math.sqrt(sum2 / n - mean * mean), min, max };
}

const configured: Partial<CtOptions> = { lungHu: -820, softTissueHu: 55, fatHu: -110, boneHu: 650, lumenHu: -990, airHu: -1000, wallHu: 60, noiseSigmaHu: 25 };
const tissueValue: Array<[TissueName, keyof CtOptions]> = [
  ['lung', 'lungHu'],
  ['softTissue', 'softTissueHu'],
  ['fat', 'fatHu'],
  ['bone', 'boneHu'],
  ['lumen', 'lumenHu'],
];

describe('seed: simulated CT intensities', function () {
  this.timeout(60_000);

  it('deep inside each tissue: the configured mean and noise σ', () => {
    const phantom = generatePhantom(phantomOptions({ seed: 3, ct: configured }));
    for (const [tissue, key] of tissueValue) {
      const s = stats(phantom.ct, deepInside(phantom, TISSUE[tissue], 2));
      const expected = configured[key] as number;
      assert.ok(s.n > 200, `${tissue}: only ${s.n} deep voxels`);
      assert.ok(Math.abs(s.mean - expected) < 3, `${tissue}: mean ${s.mean.toFixed(1)} HU, configured ${expected}`);
      assert.ok(Math.abs(s.sd - 25) < 2.5, `${tissue}: σ ${s.sd.toFixed(1)} HU, configured 25`);
    }
  });

  it('without noise and blur: exactly the configured values, the wall between lumen and surroundings', () => {
    const phantom = generatePhantom(phantomOptions({ seed: 3, ct: { ...configured, noiseSigmaHu: 0, blurSigmaMm: 0 } }));
    for (const [tissue, key] of [...tissueValue, ['air', 'airHu'] as [TissueName, keyof CtOptions]]) {
      const deep = deepInside(phantom, TISSUE[tissue], 2);
      let n = 0;
      let exact = 0;
      for (let v = 0; v < deep.length; v++) {
        if (!deep[v]) continue;
        n++;
        if (phantom.ct[v] === configured[key]) exact++;
      }
      // (a voxel deep in the crease where two airways meet may keep a trace of partial volume)
      assert.ok(n > 200 && exact >= 0.999 * n, `${tissue}: ${exact} of ${n} deep voxels at exactly ${configured[key]} HU`);
    }
    const wall = stats(phantom.ct, Uint8Array.from(phantom.tissue, (t) => (t === TISSUE.wall ? 1 : 0)));
    assert.ok(wall.n > 1000, `${wall.n} wall voxels`);
    // a mix of lumen, wall and what surrounds it (lung, vessel or soft tissue), never beyond them
    const brightest = Math.max(configured.wallHu!, configured.softTissueHu!, 40 /* vessels */);
    assert.ok(wall.min >= configured.lumenHu! && wall.max <= brightest, `wall from ${wall.min} to ${wall.max} HU`);
    const atWallValue = phantom.ct.reduce((n, hu, v) => n + (phantom.tissue[v] === TISSUE.wall && hu === configured.wallHu ? 1 : 0), 0);
    assert.ok(atWallValue > 100, `${atWallValue} wall voxels at exactly the configured ${configured.wallHu} HU`);
  });

  it('the wall follows its configured value; the noise follows its σ', () => {
    const wallMean = (wallHu: number, noiseSigmaHu: number) => {
      const phantom = generatePhantom(phantomOptions({ seed: 4, size: [96, 96, 80], spacing: [3, 3, 3], ct: { wallHu, noiseSigmaHu } }));
      return stats(phantom.ct, Uint8Array.from(phantom.tissue, (t) => (t === TISSUE.wall ? 1 : 0)));
    };
    const bright = wallMean(100, 0);
    const dark = wallMean(-100, 0);
    assert.ok(bright.mean - dark.mean > 40, `wall at +100 HU: ${bright.mean.toFixed(0)}, at -100 HU: ${dark.mean.toFixed(0)}`);
    const lung = (noiseSigmaHu: number) => {
      const phantom = generatePhantom(phantomOptions({ seed: 4, size: [96, 96, 80], spacing: [3, 3, 3], ct: { noiseSigmaHu } }));
      return stats(phantom.ct, deepInside(phantom, TISSUE.lung, 2)).sd;
    };
    assert.ok(lung(0) < 1, 'no noise, no spread');
    assert.ok(Math.abs(lung(40) - 40) < 3);
  });
});
