/**
 * The simulated CT in Hounsfield units: each voxel mixes lumen air, wall and the surrounding tissue by how much
 * of it the airway covers (partial volume), then the scanner's point-spread function (Gaussian) and Gaussian
 * noise are applied, and values are rounded to int16 within CT's range (−1024 to 3071).
 */
import type { AirwayRaster } from './rasterise-tubes.ts';
import { gaussianBlur } from './gaussian-blur.ts';
import { addGaussianNoise } from './gaussian-noise.ts';
import type { CtOptions, Triple } from './phantom-options.ts';
import type { Random } from './random.ts';
import { tissueIntensities, TISSUE } from './tissues.ts';

/** Marks voxels mostly covered by lumen or wall as such in the tissue map (for statistics and the viewer). */
export function markAirwayTissue(tissue: Uint8Array, airways: AirwayRaster): void {
  const { lumenCover, outerCover } = airways;
  for (let v = 0; v < tissue.length; v++) {
    if (lumenCover[v] >= 128) tissue[v] = TISSUE.lumen;
    else if (outerCover[v] >= 128) tissue[v] = TISSUE.wall;
  }
}

export function simulateCt(
  background: Uint8Array,
  airways: AirwayRaster,
  ct: CtOptions,
  size: Triple,
  spacing: Triple,
  random: Random,
): Int16Array {
  const hu = tissueIntensities(ct);
  const { lumenCover, outerCover } = airways;
  const values = new Float32Array(background.length);
  for (let v = 0; v < values.length; v++) {
    const lumenByte = lumenCover[v];
    const outerByte = outerCover[v] > lumenByte ? outerCover[v] : lumenByte;
    if (outerByte === 0) {
      values[v] = hu[background[v]];
      continue;
    }
    const lumen = lumenByte / 255;
    const outer = outerByte / 255;
    values[v] = lumen * ct.lumenHu + (outer - lumen) * ct.wallHu + (1 - outer) * hu[background[v]];
  }
  gaussianBlur(values, size, [ct.blurSigmaMm / spacing[0], ct.blurSigmaMm / spacing[1], ct.blurSigmaMm / spacing[2]]);
  addGaussianNoise(values, ct.noiseSigmaHu, random);
  const out = new Int16Array(values.length);
  for (let v = 0; v < values.length; v++) {
    const rounded = Math.round(values[v]);
    out[v] = rounded < -1024 ? -1024 : rounded > 3071 ? 3071 : rounded;
  }
  return out;
}
