/**
 * Multipart upload with progress: XMLHttpRequest, because fetch cannot report upload progress. Resolves with the
 * parsed JSON reply; rejects with the server's ApiError (per-case problems in `details`).
 */
import { ApiError, csrfHeader, errorFromBody } from './http.ts';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

export function uploadForm<T>(path: string, form: FormData, onProgress: (progress: UploadProgress) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText || 'null') as T);
      else reject(errorFromBody(xhr.status, xhr.responseText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'UNAVAILABLE', 'the upload was interrupted; check your connection and try again')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'ABORTED', 'the upload was cancelled')));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

export function submissionForm(files: File[], note: string): FormData {
  const form = new FormData();
  if (note.trim()) form.append('note', note.trim());
  for (const file of files) form.append('files', file, file.name);
  return form;
}
