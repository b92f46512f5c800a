/** Of a triangle's three vertices, the one nearest a point (where a pick landed on it). Pure. */
export function nearestVertexOfTriangle(positions: Float32Array, triangles: Uint32Array, triangle: number, point: readonly number[]): number {
  let best = triangles[3 * triangle];
  let bestDistance = Infinity;
  for (let k = 0; k < 3; k++) {
    const v = triangles[3 * triangle + k];
    const d = (positions[3 * v] - point[0]) ** 2 + (positions[3 * v + 1] - point[1]) ** 2 + (positions[3 * v + 2] - point[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = v;
    }
  }
  return best;
}
