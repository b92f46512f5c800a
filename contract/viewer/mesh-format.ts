/**
 * The viewer's binary mesh format (docs/viewer-api.md), little-endian; the server encodes, the client decodes:
 *
 *   bytes 0-3   magic "CMSH"
 *   bytes 4-7   uint32: header length H
 *   H bytes     UTF-8 JSON { version: 1, vertexCount, triangleCount, hasBranchLabels, coordinates }
 *   then, each at a multiple of 4 bytes (zero padding after the header):
 *     float32 [3V] positions · uint32 [3T] triangle corners · uint16 [V] branch labels (when hasBranchLabels)
 *
 * Compression (gzip) is the transport's business, not the format's. Pure (no Node or DOM APIs).
 */
import { BinaryFormatError, bytesOf, expectEnd, expectRoom, readFramedHeader, wholeBuffer, writeFramedHeader } from './binary-header.ts';
import type { TriangleMesh } from './triangle-mesh.ts';

const MAGIC = 'CMSH';
export const MESH_FORMAT_VERSION = 1;

export interface MeshHeader {
  readonly version: number;
  readonly vertexCount: number;
  readonly triangleCount: number;
  readonly hasBranchLabels: boolean;
  readonly coordinates: string;
}

export function encodeMesh(mesh: TriangleMesh, coordinates = 'LPS millimetres'): Uint8Array {
  const vertexCount = mesh.positions.length / 3;
  const triangleCount = mesh.triangles.length / 3;
  const header: MeshHeader = { version: MESH_FORMAT_VERSION, vertexCount, triangleCount, hasBranchLabels: !!mesh.labels, coordinates };
  const { bytes, payloadOffset } = writeFramedHeader(MAGIC, header, 12 * vertexCount + 12 * triangleCount + (mesh.labels ? 2 * vertexCount : 0));
  const trianglesAt = payloadOffset + 12 * vertexCount;
  bytes.set(bytesOf(mesh.positions), payloadOffset);
  bytes.set(bytesOf(mesh.triangles), trianglesAt);
  if (mesh.labels) bytes.set(bytesOf(mesh.labels), trianglesAt + 12 * triangleCount);
  return bytes;
}

/**
 * Reads a mesh body: fetch's ArrayBuffer (the arrays are views on it, no copy) or a Node Buffer (copied once when
 * it is a window on a larger buffer). Refuses a wrong magic or version, a body shorter or longer than its header
 * says, and a triangle corner past the vertices, with a BinaryFormatError that says which.
 */
export function decodeMesh(body: ArrayBuffer | Uint8Array): { header: MeshHeader; mesh: TriangleMesh } {
  const what = 'surface mesh';
  const buffer = wholeBuffer(body);
  const { header, payloadOffset } = readFramedHeader<MeshHeader>(buffer, MAGIC, what);
  if (header.version !== MESH_FORMAT_VERSION) {
    throw new BinaryFormatError(`${what}: version ${header.version} is not supported (expected ${MESH_FORMAT_VERSION})`);
  }
  const { vertexCount: v, triangleCount: t } = header;
  if (!Number.isInteger(v) || !Number.isInteger(t) || v < 0 || t < 0) {
    throw new BinaryFormatError(`${what}: vertexCount and triangleCount must be non-negative integers`);
  }
  const trianglesAt = expectRoom(buffer, payloadOffset, 3 * v, 4, what);
  const labelsAt = expectRoom(buffer, trianglesAt, 3 * t, 4, what);
  const end = header.hasBranchLabels ? expectRoom(buffer, labelsAt, v, 2, what) : labelsAt;
  expectEnd(buffer, end, what);
  const mesh: TriangleMesh = {
    positions: new Float32Array(buffer, payloadOffset, 3 * v),
    triangles: new Uint32Array(buffer, trianglesAt, 3 * t),
    ...(header.hasBranchLabels ? { labels: new Uint16Array(buffer, labelsAt, v) } : {}),
  };
  for (let i = 0; i < mesh.triangles.length; i++) {
    if (mesh.triangles[i] >= v) throw new BinaryFormatError(`${what}: triangle ${Math.floor(i / 3)} refers to vertex ${mesh.triangles[i]} of ${v}`);
  }
  return { header, mesh };
}
