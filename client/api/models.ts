/** Model phases: the phase's model rules, uploading a model (multipart, with progress), a submission's model runs. */
import { get } from './http.ts';
import { uploadForm, type Upload, type UploadProgress } from './upload.ts';

export interface ModelLimits {
  maxModelBytes: number;
  timeLimitPerCaseS: number;
  memoryLimitPerCaseMb: number;
  validationTimeoutS: number;
}

export interface ModelRules {
  limits: ModelLimits;
  caps: Record<string, unknown>;
  contract: string;
  exampleManifest: unknown;
}

export interface ModelRun {
  case: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  patchesDone: number | null;
  patchesTotal: number | null;
  provider: string | null;
  runMs: number | null;
  peakMemoryMb: number | null;
  error: { code: string; message: string | null } | null;
}

export interface SubmissionModel {
  submissionId: number;
  model: { file: string; sha256: string; structure: unknown };
  manifest: unknown;
  runs: ModelRun[];
}

export const modelRules = (phaseId: number) => get<ModelRules>(`/api/phases/${phaseId}/model-rules`);
export const submissionModel = (submissionId: number) => get<SubmissionModel>(`/api/submissions/${submissionId}/model`);

export function uploadModel(phaseId: number, model: File, manifest: string, note: string, onProgress: (progress: UploadProgress) => void): Upload<{ submission: { id: number } }> {
  const form = new FormData();
  form.append('manifest', manifest);
  if (note.trim()) form.append('note', note.trim());
  form.append('model', model, model.name);
  return uploadForm(`/api/phases/${phaseId}/models`, form, onProgress);
}
