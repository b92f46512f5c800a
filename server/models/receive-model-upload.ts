/**
 * Receives a model upload: multipart with the ONNX file in the field `model`, the manifest in the field
 * `manifest` (a JSON text field or a small file), and an optional `note`. The model streams to disk (multer) into
 * the request's own scratch folder, capped at the phase's model size limit; the caller removes the folder.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../errors.ts';
import { formatBytes, scratchName } from '../submissions/archive-limits.ts';
import { NOTE_MAX_LENGTH } from '../submissions/receive-upload.ts';

export const MANIFEST_MAX_BYTES = 64 * 1024;

export interface ReceivedModel {
  readonly dir: string;
  readonly model: { readonly name: string; readonly path: string; readonly size: number };
  readonly manifestText: string;
  readonly note?: string;
}

export async function discardModelUpload(upload: { dir: string }): Promise<void> {
  await rm(upload.dir, { recursive: true, force: true });
}

function fromMulterError(error: multer.MulterError, maxModelBytes: number): AppError | multer.MulterError {
  if (error.code === 'LIMIT_FILE_SIZE') {
    return new AppError('PAYLOAD_TOO_LARGE', `the model file is larger than ${formatBytes(maxModelBytes)}, this phase's limit for models; make it smaller (fewer or lower-precision weights)`);
  }
  if (error.code === 'LIMIT_UNEXPECTED_FILE' || error.code === 'LIMIT_FILE_COUNT') {
    return new AppError('BAD_REQUEST', `send one .onnx file in the multipart field "model" and the manifest in the field "manifest" (got a file in "${error.field}")`);
  }
  if (error.code === 'LIMIT_FIELD_VALUE') {
    return new AppError('BAD_REQUEST', `the field "${error.field}" is too long (a manifest has at most ${formatBytes(MANIFEST_MAX_BYTES)})`);
  }
  return error;
}

export async function receiveModelUpload(req: Request, res: Response, scratchDir: string, maxModelBytes: number): Promise<ReceivedModel> {
  if (!req.is('multipart/form-data')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the model as multipart/form-data: the .onnx file in the field "model", the manifest in the field "manifest"');
  }
  const dir = await mkdtemp(join(scratchDir, 'model-upload-'));
  let counter = 0;
  const middleware = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => done(null, dir),
      filename: (_req, file, done) => done(null, scratchName(counter++, file.originalname)),
    }),
    limits: { fileSize: maxModelBytes, files: 2, fields: 4, fieldSize: MANIFEST_MAX_BYTES, fieldNameSize: 100, parts: 6 },
  }).fields([
    { name: 'model', maxCount: 1 },
    { name: 'manifest', maxCount: 1 },
  ]);
  try {
    await new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
    const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
    const model = files.model?.[0];
    if (!model) throw new AppError('BAD_REQUEST', 'no model: send the .onnx file in the multipart field "model"');
    if (!/\.onnx$/i.test(model.originalname)) {
      throw new AppError('BAD_REQUEST', `the model file "${model.originalname}" must be an .onnx file (export with torch.onnx.export or onnx.save)`);
    }
    const manifestFile = files.manifest?.[0];
    if (manifestFile && manifestFile.size > MANIFEST_MAX_BYTES) {
      throw new AppError('BAD_REQUEST', `the manifest file is ${formatBytes(manifestFile.size)}; a manifest has at most ${formatBytes(MANIFEST_MAX_BYTES)}`);
    }
    const manifestText = manifestFile ? await readFile(manifestFile.path, 'utf8') : typeof req.body?.manifest === 'string' ? req.body.manifest : undefined;
    if (!manifestText?.trim()) {
      throw new AppError('BAD_REQUEST', 'no manifest: send the model\'s manifest (JSON) in the multipart field "manifest"; see GET /api/phases/:id/model-rules for its format');
    }
    const note = typeof req.body?.note === 'string' && req.body.note.trim() ? req.body.note.trim() : undefined;
    if (note && note.length > NOTE_MAX_LENGTH) throw new AppError('BAD_REQUEST', `the note has ${note.length} characters; at most ${NOTE_MAX_LENGTH} are kept`);
    return { dir, model: { name: model.originalname, path: model.path, size: model.size }, manifestText, note };
  } catch (error) {
    await discardModelUpload({ dir });
    throw error instanceof multer.MulterError ? fromMulterError(error, maxModelBytes) : error;
  }
}
