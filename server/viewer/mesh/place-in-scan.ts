/**
 * From voxel index space to the scan's physical space: a vertex at index position (i, j, k) of a crop whose first
 * voxel is scan voxel o lies at origin + direction · (spacing ⊙ (o + (i, j, k))) in LPS millimetres (ITK's
 * convention, see `io/image-volume.ts`).
 *
 * In two steps, so smoothing and decimation can work in between with true distances: `scaleToMillimetres` gives
 * spacing ⊙ (o + (i, j, k)) (millimetres, axes still the scan's), `orientInScan` rotates and translates that into
 * LPS. When the direction matrix mirrors space (negative determinant) triangles' corner order is reversed so
 * normals still point outwards. `clampToScan` keeps vertices inside the scan's box (voxel centres ± half a voxel),
 * which smoothing may otherwise push a fraction of a voxel past where the airway is cut by the scan's border.
 */
import type { ImageGeometry } from '../../../evaluator/index.ts';
import type { TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';

type Vec3 = readonly [number, number, number];

export function scaleToMillimetres(mesh: TriangleMesh, spacing: Vec3, cropOrigin: Vec3): TriangleMesh {
  const positions = new Float32Array(mesh.positions.length);
  for (let v = 0; v < positions.length; v += 3) {
    for (let c = 0; c < 3; c++) positions[v + c] = (cropOrigin[c] + mesh.positions[v + c]) * spacing[c];
  }
  return { ...mesh, positions };
}

/** Clamps scaled positions (see `scaleToMillimetres`) to the scan's box. */
export function clampToScan(mesh: TriangleMesh, size: Vec3, spacing: Vec3): TriangleMesh {
  const positions = mesh.positions.slice();
  for (let v = 0; v < positions.length; v += 3) {
    for (let c = 0; c < 3; c++) {
      const lo = -0.5 * spacing[c];
      const hi = (size[c] - 0.5) * spacing[c];
      positions[v + c] = Math.min(hi, Math.max(lo, positions[v + c]));
    }
  }
  return { ...mesh, positions };
}

export function orientInScan(mesh: TriangleMesh, origin: Vec3, d: readonly number[]): TriangleMesh {
  const positions = new Float32Array(mesh.positions.length);
  for (let v = 0; v < positions.length; v += 3) {
    const x = mesh.positions[v], y = mesh.positions[v + 1], z = mesh.positions[v + 2];
    positions[v] = origin[0] + d[0] * x + d[1] * y + d[2] * z;
    positions[v + 1] = origin[1] + d[3] * x + d[4] * y + d[5] * z;
    positions[v + 2] = origin[2] + d[6] * x + d[7] * y + d[8] * z;
  }
  const det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) + d[2] * (d[3] * d[7] - d[4] * d[6]);
  let triangles = mesh.triangles;
  if (det < 0) {
    triangles = mesh.triangles.slice();
    for (let t = 0; t < triangles.length; t += 3) [triangles[t + 1], triangles[t + 2]] = [triangles[t + 2], triangles[t + 1]];
  }
  return { ...mesh, positions, triangles };
}

export function placeInScan(mesh: TriangleMesh, geometry: ImageGeometry, cropOrigin: Vec3): TriangleMesh {
  return orientInScan(scaleToMillimetres(mesh, geometry.spacing, cropOrigin), geometry.origin, geometry.direction);
}
