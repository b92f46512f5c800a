/**
 * The multipart form of a mask submission: files in the field `files` (one per case, or one archive), plus the
 * optional text field `note`.
 */
import type { Request } from 'express';
import multer from 'multer';
import { AppError } from '../../errors.ts';
import type { MaskTarget } from '../intake-target.ts';
import { formatBytes, NOTE_MAX_LENGTH, readNote } from '../received-upload.ts';
import type { MultipartForm } from '../multipart-form.ts';

export function maskForm(target: MaskTarget): MultipartForm {
  const { maxFileBytes, maxFiles } = target;
  return {
    notMultipart: 'send the files as multipart/form-data in the field "files"',
    folderPrefix: 'upload-',
    middleware: (storage) =>
      multer({
        storage,
        limits: {
          fileSize: maxFileBytes,
          files: maxFiles,
          fields: 5,
          fieldSize: NOTE_MAX_LENGTH * 4,
          // multer checks field names only when this is given (busboy never truncates multipart names itself)
          fieldNameSize: 100,
          parts: maxFiles + 5,
        },
      }).array('files'),
    fromMulterError(error) {
      if (error.code === 'LIMIT_FILE_SIZE') {
        return new AppError(
          'PAYLOAD_TOO_LARGE',
          `file "${(error as { filename?: string }).filename ?? error.field}" is larger than ${formatBytes(maxFileBytes)}, the upload limit per file`,
        );
      }
      if (error.code === 'LIMIT_FILE_COUNT') {
        return new AppError('BAD_REQUEST', `too many files: send at most ${maxFiles} (one per case), or one archive`);
      }
      if (error.code === 'LIMIT_UNEXPECTED_FILE') {
        return new AppError('BAD_REQUEST', `files must be sent in the multipart field "files", not "${error.field}"`);
      }
      if (error.code === 'LIMIT_FIELD_VALUE') {
        return new AppError('BAD_REQUEST', `the field "${error.field}" is too long (a note has at most ${NOTE_MAX_LENGTH} characters)`);
      }
      return error;
    },
    async collect(req: Request, dir: string) {
      const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({ name: f.originalname, path: f.path, size: f.size }));
      return { dir, files, note: readNote(req.body?.note) };
    },
  };
}
