/**
 * Receives a multipart submission upload: files (field `files`) streamed by multer straight to disk, into a
 * fresh folder under the storage's scratch folder (never whole files in memory), plus the optional text field
 * `note`. The caller removes the folder when done (`discardUpload`), whatever happens; on a failed upload it is
 * removed here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../errors.ts';
import { formatBytes, scratchName } from './archive-limits.ts';

export interface UploadedFile {
  /** The name the client gave the file. */
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

export interface ReceivedUpload {
  /** The request's own scratch folder; everything extracted from the upload goes in here too. */
  readonly dir: string;
  readonly files: UploadedFile[];
  readonly note?: string;
}

export interface UploadLimits {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
}

export const NOTE_MAX_LENGTH = 1000;

function fromMulterError(error: multer.MulterError, limits: UploadLimits): AppError | multer.MulterError {
  if (error.code === 'LIMIT_FILE_SIZE') {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `file "${(error as { filename?: string }).filename ?? error.field}" is larger than ${formatBytes(limits.maxFileBytes)}, the upload limit per file`,
    );
  }
  if (error.code === 'LIMIT_FILE_COUNT') {
    return new AppError('BAD_REQUEST', `too many files: send at most ${limits.maxFiles} (one per case), or one archive`);
  }
  if (error.code === 'LIMIT_UNEXPECTED_FILE') {
    return new AppError('BAD_REQUEST', `files must be sent in the multipart field "files", not "${error.field}"`);
  }
  if (error.code === 'LIMIT_FIELD_VALUE') {
    return new AppError('BAD_REQUEST', `the field "${error.field}" is too long (a note has at most ${NOTE_MAX_LENGTH} characters)`);
  }
  return error;
}

export async function discardUpload(upload: { dir: string }): Promise<void> {
  await rm(upload.dir, { recursive: true, force: true });
}

export async function receiveUpload(req: Request, res: Response, scratchDir: string, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data in the field "files"');
  }
  const dir = await mkdtemp(join(scratchDir, 'upload-'));
  let counter = 0;
  const middleware = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, done) => done(null, dir),
      filename: (_req, file, done) => done(null, scratchName(counter++, file.originalname)),
    }),
    limits: {
      fileSize: limits.maxFileBytes,
      files: limits.maxFiles,
      fields: 5,
      fieldSize: NOTE_MAX_LENGTH * 4,
      // multer checks field names only when this is given (busboy never truncates multipart names itself)
      fieldNameSize: 100,
      parts: limits.maxFiles + 5,
    },
  }).array('files');
  try {
    await new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
  } catch (error) {
    await discardUpload({ dir });
    throw error instanceof multer.MulterError ? fromMulterError(error, limits) : error;
  }
  const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({ name: f.originalname, path: f.path, size: f.size }));
  const note = typeof req.body?.note === 'string' && req.body.note.trim() ? req.body.note.trim() : undefined;
  if (note && note.length > NOTE_MAX_LENGTH) {
    await discardUpload({ dir });
    throw new AppError('BAD_REQUEST', `the note has ${note.length} characters; at most ${NOTE_MAX_LENGTH} are kept`);
  }
  return { dir, files, note };
}
