/**
 * The multipart form of a model submission: the ONNX file in the field `model`, the manifest in the field
 * `manifest` (a JSON text field or a small file), and an optional `note`. The model is capped at the phase's
 * model size limit while it streams.
 */
import { readFile } from 'node:fs/promises';
import type { Request } from 'express';
import multer from 'multer';
import { AppError } from '../../errors.ts';
import type { ModelTarget } from '../intake-target.ts';
import { formatBytes, readNote } from '../received-upload.ts';
import type { MultipartForm } from '../multipart-form.ts';

export const MANIFEST_MAX_BYTES = 64 * 1024;

/** A model is an .onnx file; anything else is refused before it is looked at. */
export function requireOnnxName(fileName: string): void {
  if (!/\.onnx$/i.test(fileName)) {
    throw new AppError('BAD_REQUEST', `the model file "${fileName}" must be an .onnx file (export with torch.onnx.export or onnx.save)`);
  }
}

/** 413 for a model over the phase's limit (multipart or resumable). */
export function modelTooLarge(maxModelBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `the model file is larger than ${formatBytes(maxModelBytes)}, this phase's limit for models; make it smaller (fewer or lower-precision weights)`);
}

export function modelForm(target: ModelTarget): MultipartForm {
  return {
    notMultipart: 'send the model as multipart/form-data: the .onnx file in the field "model", the manifest in the field "manifest"',
    folderPrefix: 'model-upload-',
    middleware: (storage) =>
      multer({
        storage,
        limits: { fileSize: target.maxFileBytes, files: 2, fields: 4, fieldSize: MANIFEST_MAX_BYTES, fieldNameSize: 100, parts: 6 },
      }).fields([
        { name: 'model', maxCount: 1 },
        { name: 'manifest', maxCount: 1 },
      ]),
    fromMulterError(error) {
      if (error.code === 'LIMIT_FILE_SIZE') return modelTooLarge(target.maxFileBytes);
      if (error.code === 'LIMIT_UNEXPECTED_FILE' || error.code === 'LIMIT_FILE_COUNT') {
        return new AppError('BAD_REQUEST', `send one .onnx file in the multipart field "model" and the manifest in the field "manifest" (got a file in "${error.field}")`);
      }
      if (error.code === 'LIMIT_FIELD_VALUE') {
        return new AppError('BAD_REQUEST', `the field "${error.field}" is too long (a manifest has at most ${formatBytes(MANIFEST_MAX_BYTES)})`);
      }
      return error;
    },
    async collect(req: Request, dir: string) {
      const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
      const model = files.model?.[0];
      if (!model) throw new AppError('BAD_REQUEST', 'no model: send the .onnx file in the multipart field "model"');
      requireOnnxName(model.originalname);
      const manifestFile = files.manifest?.[0];
      if (manifestFile && manifestFile.size > MANIFEST_MAX_BYTES) {
        throw new AppError('BAD_REQUEST', `the manifest file is ${formatBytes(manifestFile.size)}; a manifest has at most ${formatBytes(MANIFEST_MAX_BYTES)}`);
      }
      const manifestText = manifestFile ? await readFile(manifestFile.path, 'utf8') : typeof req.body?.manifest === 'string' ? req.body.manifest : undefined;
      if (!manifestText?.trim()) {
        throw new AppError('BAD_REQUEST', 'no manifest: send the model\'s manifest (JSON) in the multipart field "manifest"; see GET /api/phases/:id/model-rules for its format');
      }
      const note = readNote(req.body?.note);
      return { dir, files: [{ name: model.originalname, path: model.path, size: model.size }], manifestText, note };
    },
  };
}
