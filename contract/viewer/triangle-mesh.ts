/**
 * A triangle mesh as plain typed arrays: what the surface kernels (server/viewer/mesh/) pass to each other, what
 * the viewer's binary format (`mesh-format.ts`) carries and what the client draws.
 *
 * - `positions`: x, y, z of each vertex (voxel index space inside the kernels, LPS millimetres once placed);
 * - `triangles`: three vertex indices per triangle, counter-clockwise seen from outside (normals point out);
 * - `labels`: optional branch label of each vertex (0: none).
 */
export interface TriangleMesh {
  readonly positions: Float32Array;
  readonly triangles: Uint32Array;
  readonly labels?: Uint16Array;
}

export function vertexCount(mesh: TriangleMesh): number {
  return mesh.positions.length / 3;
}

export function triangleCount(mesh: TriangleMesh): number {
  return mesh.triangles.length / 3;
}

export const EMPTY_MESH: TriangleMesh = Object.freeze({ positions: new Float32Array(0), triangles: new Uint32Array(0) });
