/**
 * Checks on triangle meshes for the mesh kernel tests: closedness, orientation, enclosed volume, bounds.
 */
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';

/**
 * A closed, consistently oriented manifold surface: every directed edge (a, b) occurs in exactly one triangle and
 * its reverse (b, a) in exactly one other. Returns the problems found (empty when fine).
 */
export function orientedClosedProblems(mesh: TriangleMesh): string[] {
  const directed = new Map<string, number>();
  const t = mesh.triangles;
  for (let n = 0; n < t.length; n += 3) {
    for (let e = 0; e < 3; e++) {
      const key = `${t[n + e]},${t[n + ((e + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  }
  const problems: string[] = [];
  for (const [key, count] of directed) {
    const [a, b] = key.split(',');
    if (count !== 1) problems.push(`edge ${key} used ${count} times in one direction`);
    if (directed.get(`${b},${a}`) !== 1) problems.push(`edge ${key} has no single opposite`);
  }
  return problems;
}

/** Every undirected edge lies in an even number of triangles (closed in the mod-2 sense; non-manifold allowed). */
export function isClosedModTwo(mesh: TriangleMesh): boolean {
  const edges = new Map<string, number>();
  const t = mesh.triangles;
  for (let n = 0; n < t.length; n += 3) {
    for (let e = 0; e < 3; e++) {
      const a = t[n + e], b = t[n + ((e + 1) % 3)];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  return [...edges.values()].every((count) => count % 2 === 0);
}

export function edgeCount(mesh: TriangleMesh): number {
  const edges = new Set<string>();
  const t = mesh.triangles;
  for (let n = 0; n < t.length; n += 3) {
    for (let e = 0; e < 3; e++) {
      const a = t[n + e], b = t[n + ((e + 1) % 3)];
      edges.add(a < b ? `${a},${b}` : `${b},${a}`);
    }
  }
  return edges.size;
}

/** Enclosed volume by the divergence theorem: positive when normals point outwards. */
export function signedVolume(mesh: TriangleMesh): number {
  const p = mesh.positions;
  const t = mesh.triangles;
  let volume = 0;
  for (let n = 0; n < t.length; n += 3) {
    const [a, b, c] = [3 * t[n], 3 * t[n + 1], 3 * t[n + 2]];
    volume +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return volume / 6;
}

export function bounds(mesh: TriangleMesh): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < mesh.positions.length; v += 3) {
    for (let c = 0; c < 3; c++) {
      min[c] = Math.min(min[c], mesh.positions[v + c]);
      max[c] = Math.max(max[c], mesh.positions[v + c]);
    }
  }
  return { min, max };
}

export function vertex(mesh: TriangleMesh, v: number): [number, number, number] {
  return [mesh.positions[3 * v], mesh.positions[3 * v + 1], mesh.positions[3 * v + 2]];
}
