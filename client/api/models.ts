/** Model phases: the phase's model rules, uploading a model (multipart, with progress), a submission's model runs. */
import { get } from './http.ts';
import type { AcceptedModel, ModelRules, SubmissionModel } from './types.ts';
import { uploadForm, type Upload, type UploadProgress } from './upload.ts';

export const modelRules = (phaseId: number) => get<ModelRules>(`/api/phases/${phaseId}/model-rules`);
export const submissionModel = (submissionId: number) => get<SubmissionModel>(`/api/submissions/${submissionId}/model`);

export function uploadModel(phaseId: number, model: File, manifest: string, note: string, onProgress: (progress: UploadProgress) => void): Upload<AcceptedModel> {
  const form = new FormData();
  form.append('manifest', manifest);
  if (note.trim()) form.append('note', note.trim());
  form.append('model', model, model.name);
  return uploadForm(`/api/phases/${phaseId}/models`, form, onProgress);
}
