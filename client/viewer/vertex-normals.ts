/**
 * Smooth per-vertex normals of a triangle mesh: each triangle's (area-weighted) normal added to its three
 * vertices, then normalised — what gives the airway surface its shading. Triangles wound counter-clockwise seen
 * from outside give outward normals. O(V + T). Pure.
 */
export function vertexNormals(positions: Float32Array, triangles: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = 3 * triangles[t];
    const b = 3 * triangles[t + 1];
    const c = 3 * triangles[t + 2];
    const ux = positions[b] - positions[a];
    const uy = positions[b + 1] - positions[a + 1];
    const uz = positions[b + 2] - positions[a + 2];
    const vx = positions[c] - positions[a];
    const vy = positions[c + 1] - positions[a + 1];
    const vz = positions[c + 2] - positions[a + 2];
    // the cross product's length is twice the triangle's area: larger triangles weigh more
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      normals[v] += nx;
      normals[v + 1] += ny;
      normals[v + 2] += nz;
    }
  }
  for (let v = 0; v < normals.length; v += 3) {
    const length = Math.hypot(normals[v], normals[v + 1], normals[v + 2]);
    if (length > 0) {
      normals[v] /= length;
      normals[v + 1] /= length;
      normals[v + 2] /= length;
    }
  }
  return normals;
}

/** vtk.js polygon cells: [3, a, b, c] per triangle. */
export function triangleCells(triangles: Uint32Array): Uint32Array {
  const T = triangles.length / 3;
  const cells = new Uint32Array(4 * T);
  for (let t = 0; t < T; t++) {
    cells[4 * t] = 3;
    cells[4 * t + 1] = triangles[3 * t];
    cells[4 * t + 2] = triangles[3 * t + 1];
    cells[4 * t + 3] = triangles[3 * t + 2];
  }
  return cells;
}
