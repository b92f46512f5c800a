/**
 * Multipart parsing for case files: multer streams each file to the storage's scratch folder (never into
 * memory) under the upload size limit, and removes partial files itself when a request fails or aborts.
 */
import { rm } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../errors.ts';

const requireMultipart: RequestHandler = (req, _res, next) => {
  if (!req.is('multipart/form-data')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the case files as multipart/form-data');
  }
  next();
};

/** Middleware accepting one file in each of the given fields plus a few short text fields. */
export function caseFilesUpload(deps: AppDeps, fileFields: readonly string[]): RequestHandler[] {
  const upload = multer({
    dest: deps.storage.scratchDir,
    limits: { fileSize: deps.config.maxUploadBytes, files: fileFields.length, fields: 4, fieldSize: 4096, fieldNameSize: 100 },
  });
  return [requireMultipart, upload.fields(fileFields.map((name) => ({ name, maxCount: 1 })))];
}

/** The file sent in a field, or undefined. */
export function uploadedFile(req: Request, field: string): Express.Multer.File | undefined {
  const files = req.files as Record<string, Express.Multer.File[]> | undefined;
  return files?.[field]?.[0];
}

/** Every scratch path multer wrote for this request. */
export function uploadedPaths(req: Request): string[] {
  const files = req.files as Record<string, Express.Multer.File[]> | undefined;
  return Object.values(files ?? {}).flatMap((list) => list.map((file) => file.path));
}

/** A file field that must be present, or a 400 saying which one is missing. */
export function requireUploadedFile(req: Request, field: string, what: string): Express.Multer.File {
  const file = uploadedFile(req, field);
  if (!file) throw new AppError('BAD_REQUEST', `${field}: attach the ${what} as the file field "${field}"`);
  return file;
}

/**
 * Runs the handler's work and then removes whatever multer left in the scratch folder — files the work stored
 * were moved away already, so this only catches the ones a rejection left behind.
 */
export async function withUploads<T>(req: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(uploadedPaths(req).map((path) => rm(path, { force: true })));
  }
}
