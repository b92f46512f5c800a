/**
 * Decodes the viewer's binary mesh ("CMSH", docs/viewer-api.md): vertex positions in LPS millimetres, triangle
 * indices, and (for the gold surface) each vertex's branch label. Arrays are views on the buffer, not copies.
 * Pure.
 */
import { BinaryFormatError, alignTo4, expectRoom, readFramedHeader } from './binary-header.ts';

export interface MeshHeader {
  version: number;
  vertexCount: number;
  triangleCount: number;
  hasBranchLabels: boolean;
  coordinates?: string;
}

export interface AirwayMesh {
  readonly vertexCount: number;
  readonly triangleCount: number;
  /** x, y, z of each vertex (LPS mm). */
  readonly positions: Float32Array;
  /** Three vertex indices per triangle. */
  readonly triangles: Uint32Array;
  /** Branch label 1..n of each vertex (0: none), or null when the mesh has none. */
  readonly branchLabels: Uint16Array | null;
}

export function decodeMesh(buffer: ArrayBuffer): AirwayMesh {
  const what = 'surface mesh';
  const { header, payloadOffset } = readFramedHeader<MeshHeader>(buffer, 'CMSH', what);
  if (header.version !== 1) throw new BinaryFormatError(`${what}: version ${header.version} is not supported (expected 1)`);
  const V = header.vertexCount;
  const T = header.triangleCount;
  if (!Number.isInteger(V) || !Number.isInteger(T) || V < 0 || T < 0) {
    throw new BinaryFormatError(`${what}: vertexCount and triangleCount must be non-negative integers`);
  }
  const afterPositions = expectRoom(buffer, payloadOffset, 3 * V, 4, what);
  const positions = new Float32Array(buffer, payloadOffset, 3 * V);
  const afterTriangles = expectRoom(buffer, afterPositions, 3 * T, 4, what);
  const triangles = new Uint32Array(buffer, afterPositions, 3 * T);
  let branchLabels: Uint16Array | null = null;
  if (header.hasBranchLabels) {
    const labelsAt = alignTo4(afterTriangles);
    expectRoom(buffer, labelsAt, V, 2, what);
    branchLabels = new Uint16Array(buffer, labelsAt, V);
  }
  for (let i = 0; i < triangles.length; i++) {
    if (triangles[i] >= V) throw new BinaryFormatError(`${what}: triangle ${Math.floor(i / 3)} refers to vertex ${triangles[i]} of ${V}`);
  }
  return { vertexCount: V, triangleCount: T, positions, triangles, branchLabels };
}
