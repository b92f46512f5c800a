/**
 * What every way of receiving hands on to validation: the files on local disk, in the upload's own scratch folder
 * (a multipart request streamed there by multer, or finished resumable uploads linked there), plus the text the
 * team sent with them. The caller removes the folder when done (`discardUpload`), whatever happens.
 */
import { rm } from 'node:fs/promises';
import { AppError } from '../errors.ts';

export interface UploadedFile {
  /** The name the client gave the file. */
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

export interface ReceivedUpload {
  /** The upload's own scratch folder; everything extracted from the upload goes in here too. */
  readonly dir: string;
  /** Masks: one file per case, or one archive. Models: the one .onnx file. */
  readonly files: UploadedFile[];
  readonly note?: string;
  /** Models only: the manifest's JSON text. */
  readonly manifestText?: string;
}

export const NOTE_MAX_LENGTH = 1000;

export async function discardUpload(upload: { dir: string }): Promise<void> {
  await rm(upload.dir, { recursive: true, force: true });
}

/** The note as kept: trimmed, absent when blank; 400 when longer than NOTE_MAX_LENGTH. */
export function readNote(raw: unknown): string | undefined {
  const note = typeof raw === 'string' && raw.trim() ? raw.trim() : undefined;
  if (note && note.length > NOTE_MAX_LENGTH) throw new AppError('BAD_REQUEST', `the note has ${note.length} characters; at most ${NOTE_MAX_LENGTH} are kept`);
  return note;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** A name to store a received or extracted file under: keeps the extension (readers go by it), drops anything odd. */
export function scratchName(index: number, entryName: string): string {
  const parts = entryName.split(/[\\/]/);
  const base = (parts[parts.length - 1] ?? '').replace(/[^A-Za-z0-9._-]/g, '_').slice(-200);
  return `${index}-${base}`;
}
