/** What one kind of submission sends as multipart/form-data, and how its mistakes are told (receive-multipart.ts). */
import type { Request, RequestHandler } from 'express';
import type multer from 'multer';
import type { AppError } from '../errors.ts';
import type { ReceivedUpload } from './received-upload.ts';

export interface MultipartForm {
  /** The answer (415) to a request that is not multipart/form-data. */
  readonly notMultipart: string;
  /** Name prefix of the request's scratch folder. */
  readonly folderPrefix: string;
  /** multer, with this form's fields and limits, writing to `storage`. */
  middleware(storage: multer.StorageEngine): RequestHandler;
  /** multer's refusals as the platform's errors. */
  fromMulterError(error: multer.MulterError): AppError | multer.MulterError;
  /** The received files and fields, once multer is done; throws on a form with something missing. */
  collect(req: Request, dir: string): Promise<ReceivedUpload>;
}
