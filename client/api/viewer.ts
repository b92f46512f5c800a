/** The 3D viewer's data (docs/viewer-api.md): JSON description, binary meshes and volumes. */
import { decodeMesh } from '../../contract/viewer/mesh-format.ts';
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';
import { decodeVolume, type SliceVolume } from '../../contract/viewer/volume-format.ts';
import { get, getBinary } from './http.ts';
import type { ViewerInfo } from './types.ts';

export const evaluationViewer = (evaluationId: number) => get<ViewerInfo>(`/api/evaluations/${evaluationId}/viewer`);
export const caseViewer = (caseId: number) => get<ViewerInfo>(`/api/cases/${caseId}/viewer`);

export async function loadMesh(url: string, signal?: AbortSignal): Promise<TriangleMesh> {
  return decodeMesh(await getBinary(url, signal)).mesh;
}

/** A volume at a pyramid level (2 = quarter resolution along each axis, 0 = full). */
export async function loadVolume(url: string, level: number, signal?: AbortSignal): Promise<SliceVolume> {
  const separator = url.includes('?') ? '&' : '?';
  return decodeVolume(await getBinary(`${url}${separator}level=${level}`, signal));
}
