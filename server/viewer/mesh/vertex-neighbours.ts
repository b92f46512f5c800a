/**
 * The vertices joined to each vertex by a triangle edge, in compressed rows: the neighbours of vertex v are
 * `neighbours[offsets[v] .. offsets[v + 1])`, sorted, each once. Cost O(triangles) plus sorting each vertex's list.
 */
export interface VertexNeighbours {
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
}

export function vertexNeighbours(vertexCount: number, triangles: Uint32Array): VertexNeighbours {
  const counts = new Int32Array(vertexCount + 1);
  for (let t = 0; t < triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      counts[triangles[t + e]] += 2; // both other corners, deduplicated below
    }
  }
  const start = new Int32Array(vertexCount + 1);
  for (let v = 0; v < vertexCount; v++) start[v + 1] = start[v] + counts[v];
  const fill = start.slice(0, vertexCount);
  const all = new Int32Array(start[vertexCount]);
  for (let t = 0; t < triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const v = triangles[t + e];
      all[fill[v]++] = triangles[t + ((e + 1) % 3)];
      all[fill[v]++] = triangles[t + ((e + 2) % 3)];
    }
  }
  const offsets = new Int32Array(vertexCount + 1);
  let n = 0;
  for (let v = 0; v < vertexCount; v++) {
    const list = all.subarray(start[v], start[v + 1]).sort();
    offsets[v] = n;
    for (let x = 0; x < list.length; x++) if (x === 0 || list[x] !== list[x - 1]) all[n++] = list[x];
  }
  offsets[vertexCount] = n;
  return { offsets, neighbours: all.slice(0, n) };
}
