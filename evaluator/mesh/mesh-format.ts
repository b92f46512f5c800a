/**
 * The viewer's binary mesh format (docs/viewer-api.md), little-endian:
 *
 *   bytes 0-3   magic "CMSH"
 *   bytes 4-7   uint32: header length H
 *   H bytes     UTF-8 JSON { version: 1, vertexCount, triangleCount, hasBranchLabels, coordinates }
 *   then, each at a multiple of 4 bytes (zero padding after the header):
 *     float32 [3V] positions · uint32 [3T] triangle corners · uint16 [V] branch labels (when hasBranchLabels)
 *
 * Compression (gzip) is the transport's business, not the format's.
 */
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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align4 = (n: number) => (n + 3) & ~3;

export function encodeMesh(mesh: TriangleMesh, coordinates = 'LPS millimetres'): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('encodeMesh: big-endian hosts are not supported');
  const vertexCount = mesh.positions.length / 3;
  const triangleCount = mesh.triangles.length / 3;
  const header: MeshHeader = { version: MESH_FORMAT_VERSION, vertexCount, triangleCount, hasBranchLabels: !!mesh.labels, coordinates };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const positionsAt = align4(8 + json.length);
  const trianglesAt = positionsAt + 12 * vertexCount;
  const labelsAt = trianglesAt + 12 * triangleCount;
  const bytes = new Uint8Array(labelsAt + (mesh.labels ? 2 * vertexCount : 0));
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  bytes.set(new Uint8Array(mesh.positions.buffer, mesh.positions.byteOffset, mesh.positions.byteLength), positionsAt);
  bytes.set(new Uint8Array(mesh.triangles.buffer, mesh.triangles.byteOffset, mesh.triangles.byteLength), trianglesAt);
  if (mesh.labels) bytes.set(new Uint8Array(mesh.labels.buffer, mesh.labels.byteOffset, mesh.labels.byteLength), labelsAt);
  return bytes;
}

export function decodeMesh(bytes: Uint8Array): { header: MeshHeader; mesh: TriangleMesh } {
  const bad = (why: string) => new Error(`not a Carina mesh: ${why}`);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw bad('wrong magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw bad('header longer than the data');
  let header: MeshHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as MeshHeader;
  } catch {
    throw bad('header is not JSON');
  }
  if (header.version !== MESH_FORMAT_VERSION) throw bad(`format version ${header.version}, expected ${MESH_FORMAT_VERSION}`);
  const { vertexCount: v, triangleCount: t } = header;
  const positionsAt = align4(8 + headerLength);
  const trianglesAt = positionsAt + 12 * v;
  const labelsAt = trianglesAt + 12 * t;
  if (bytes.length !== labelsAt + (header.hasBranchLabels ? 2 * v : 0)) throw bad('length does not match the header');
  // a copy, aligned, whatever the input is (a Node Buffer's slice() would share the whole pool)
  const copy = (from: number, length: number) => new Uint8Array(bytes.subarray(from, from + length)).buffer;
  const mesh: TriangleMesh = {
    positions: new Float32Array(copy(positionsAt, 12 * v)),
    triangles: new Uint32Array(copy(trianglesAt, 12 * t)),
    ...(header.hasBranchLabels ? { labels: new Uint16Array(copy(labelsAt, 2 * v)) } : {}),
  };
  for (let n = 0; n < mesh.triangles.length; n++) if (mesh.triangles[n] >= v) throw bad(`triangle corner ${mesh.triangles[n]} of ${v} vertices`);
  return { header, mesh };
}
