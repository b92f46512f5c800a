/**
 * Receives a multipart upload (the first way files arrive; finished resumable uploads are the other,
 * resumable/receive-uploads.ts): files streamed by multer straight to disk, into a fresh folder under the
 * storage's scratch folder (never whole files in memory), with the form the target's kind takes — masks
 * (masks/mask-form.ts) or a model (models/model-form.ts). On a failed upload the folder is removed here; otherwise
 * the caller removes it when done (`discardUpload`), whatever happens.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../errors.ts';
import type { IntakeTarget } from './intake-target.ts';
import { maskForm } from './masks/mask-form.ts';
import { modelForm } from './models/model-form.ts';
import type { MultipartForm } from './multipart-form.ts';
import { discardUpload, scratchName, type ReceivedUpload } from './received-upload.ts';

export async function receiveMultipart(req: Request, res: Response, scratchDir: string, target: IntakeTarget): Promise<ReceivedUpload> {
  const form: MultipartForm = target.kind === 'masks' ? maskForm(target) : modelForm(target);
  if (!req.is('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', form.notMultipart);
  const dir = await mkdtemp(join(scratchDir, form.folderPrefix));
  let counter = 0;
  const middleware = form.middleware(
    multer.diskStorage({
      destination: (_req, _file, done) => done(null, dir),
      filename: (_req, file, done) => done(null, scratchName(counter++, file.originalname)),
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
    return await form.collect(req, dir);
  } catch (error) {
    await discardUpload({ dir });
    throw error instanceof multer.MulterError ? form.fromMulterError(error) : error;
  }
}
