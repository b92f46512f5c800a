/** The single place that writes error bodies: `{ error: { code, message, details? } }`. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { logEvent } from '../../evaluator/index.ts';
import { AppError, ERROR_CATALOGUE } from '../errors.ts';

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    const details = error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return new AppError('BAD_REQUEST', details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; '), details);
  }
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE', `file "${error.field}" exceeds the upload size limit`);
    return new AppError('BAD_REQUEST', `upload rejected: ${error.message}${error.field ? ` (field "${error.field}")` : ''}`);
  }
  const e = error as { type?: string; status?: number; code?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'the request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'the JSON body is too large');
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return new AppError('INSUFFICIENT_STORAGE', 'no space left for uploads');
  return new AppError('INTERNAL', 'internal error');
}

export const errorMiddleware: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  if (appError.code === 'INTERNAL') {
    logEvent('error', 'request failed', { method: req.method, path: req.path, error: (error as Error)?.stack ?? String(error) });
  }
  if (res.headersSent) return;
  res.status(ERROR_CATALOGUE[appError.code].status).json({
    error: { code: appError.code, message: appError.message, ...(appError.details !== undefined ? { details: appError.details } : {}) },
  });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route ${req.method} ${req.originalUrl.split('?')[0]}`));
};
