/** The 3D viewer's data (docs/viewer-api.md): JSON description, binary meshes and volumes. */
import { decodeMesh, type AirwayMesh } from '../lib/mesh-format.ts';
import { decodeVolume, type SliceVolume } from '../lib/volume-format.ts';
import { get, getBinary } from './http.ts';
import type { ViewerInfo } from './types.ts';

export const evaluationViewer = (evaluationId: number) => get<ViewerInfo>(`/api/evaluations/${evaluationId}/viewer`);
export const caseViewer = (caseId: number) => get<ViewerInfo>(`/api/cases/${caseId}/viewer`);

export async function loadMesh(url: string, signal?: AbortSignal): Promise<AirwayMesh> {
  return decodeMesh(await getBinary(url, signal));
}

/** A volume at a pyramid level (2 = quarter resolution along each axis, 0 = full). */
export async function loadVolume(url: string, level: number, signal?: AbortSignal): Promise<SliceVolume> {
  const separator = url.includes('?') ? '&' : '?';
  return decodeVolume(await getBinary(`${url}${separator}level=${level}`, signal));
}
