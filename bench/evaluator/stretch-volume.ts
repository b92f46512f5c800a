/**
 * Builds a taller test case from a real one by nearest-neighbour stretching along z (e.g. 388 → 682 slices, the
 * height of ATM'22's largest scans): a bigger airway tree with more voxels and a longer skeleton, generated on the
 * fly so no large volume is kept in git.
 */
import { readVolume, writeVolume, type ImageVolume } from '../../evaluator/index.ts';

export async function stretchAlongZ(source: string, target: string, slices: number): Promise<void> {
  const volume = await readVolume(source);
  const [nx, ny, nz] = volume.size;
  const plane = nx * ny;
  const data = new Uint8Array(plane * slices);
  for (let z = 0; z < slices; z++) {
    const from = Math.min(nz - 1, Math.floor(((z + 0.5) * nz) / slices));
    for (let p = 0; p < plane; p++) data[z * plane + p] = Number(volume.data[from * plane + p]) > 0 ? 1 : 0;
  }
  const stretched: ImageVolume = {
    ...volume,
    size: [nx, ny, slices],
    spacing: [volume.spacing[0], volume.spacing[1], (volume.spacing[2] * nz) / slices],
    componentType: 'uint8',
    data,
  };
  await writeVolume(target, stretched);
}
