/**
 * What an uploaded archive may contain, shared by the zip and tar readers: safe entry paths only (no absolute
 * paths, no `..`), at most `maxEntries` entries, no entry over `maxEntryBytes` and no more than `maxTotalBytes`
 * unpacked in all. Bytes are counted as they stream out of the decompressor, so a decompression bomb is stopped
 * while it inflates, whatever its headers claim.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../errors.ts';
import { formatBytes } from '../received-upload.ts';

export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
}

/** A file taken out of an archive: its path inside the archive and where it now lies on disk. */
export interface ExtractedFile {
  readonly name: string;
  readonly path: string;
}

function rejectEntry(name: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', `archive entry "${name}" ${problem}`, [{ file: name, problem }]);
}

/** Throws unless the path stays inside the archive: relative, no `..`, no NUL. Both separators count. */
export function checkEntryPath(name: string): void {
  if (name.includes('\0')) throw rejectEntry(name, 'has a NUL character in its name');
  if (/^([\\/]|[A-Za-z]:)/.test(name)) {
    throw rejectEntry(name, 'has an absolute path; pack the files with paths relative to the archive');
  }
  if (name.split(/[\\/]/).includes('..')) {
    throw rejectEntry(name, 'points outside the archive (".." in its path); pack the files without ".." components');
  }
}

export function unsafeEntryType(name: string, type: string): AppError {
  return rejectEntry(name, `is a ${type}; archives may hold regular files and folders only`);
}

export function corruptArchive(kind: string, detail: string): AppError {
  return new AppError('VALIDATION_FAILED', `the ${kind} archive could not be read (${detail}); pack it again`, [
    { problem: `unreadable ${kind} archive: ${detail}` },
  ]);
}

/**
 * Errors that say something already (our own refusals, a full disk) pass through; anything else while reading an
 * archive means the archive is damaged.
 */
export function isOwnError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return error instanceof AppError || code === 'ENOSPC' || code === 'EDQUOT';
}

/** macOS resource forks and hidden files are not submissions. */
export function isIgnoredEntry(name: string): boolean {
  const parts = name.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  return parts.length === 0 || parts[0] === '__MACOSX' || parts.some((p) => p.startsWith('.'));
}

/** Counts entries and unpacked bytes against the limits; one per archive. */
export class UnpackBudget {
  private entries = 0;
  private totalBytes = 0;
  constructor(readonly limits: ArchiveLimits) {}

  /** Call once per entry (folders included, ignored ones too: they cost work all the same). */
  countEntry(): void {
    this.entries++;
    this.checkEntryCount(this.entries);
  }

  /** Refuses an archive that holds (or declares) more entries than allowed. */
  checkEntryCount(entries: number): void {
    if (entries > this.limits.maxEntries) {
      throw new AppError(
        'VALIDATION_FAILED',
        `the archive holds more than ${this.limits.maxEntries} entries, the limit for this phase; pack only the case files`,
        [{ problem: `more than ${this.limits.maxEntries} entries in the archive` }],
      );
    }
  }

  /** Refuses an entry at once when its declared size is already over a limit. */
  checkDeclaredSize(name: string, declaredBytes: number): void {
    if (declaredBytes > this.limits.maxEntryBytes) throw this.entryTooLarge(name);
    if (this.totalBytes + declaredBytes > this.limits.maxTotalBytes) throw this.totalTooLarge();
  }

  /** A pass-through stream that counts the bytes of one entry and fails as soon as a limit is passed. */
  entryCounter(name: string): Transform {
    let entryBytes = 0;
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        entryBytes += chunk.length;
        this.totalBytes += chunk.length;
        if (entryBytes > this.limits.maxEntryBytes) return done(this.entryTooLarge(name));
        if (this.totalBytes > this.limits.maxTotalBytes) return done(this.totalTooLarge());
        done(null, chunk);
      },
    });
  }

  /** A pass-through stream that counts a whole decompressed stream (e.g. the tar inside a .tar.gz). */
  streamCounter(): Transform {
    let bytes = 0;
    // tar adds 512 bytes of header per entry and padding; allow for them on top of the file bytes
    const limit = this.limits.maxTotalBytes + 1024 * (this.limits.maxEntries + 2);
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        bytes += chunk.length;
        if (bytes > limit) return done(this.totalTooLarge());
        done(null, chunk);
      },
    });
  }

  private entryTooLarge(name: string): AppError {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `archive entry "${name}" unpacks to more than ${formatBytes(this.limits.maxEntryBytes)}, the limit per file`,
      [{ file: name, problem: `larger than ${formatBytes(this.limits.maxEntryBytes)} unpacked` }],
    );
  }

  private totalTooLarge(): AppError {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `the archive unpacks to more than ${formatBytes(this.limits.maxTotalBytes)}, the limit for one submission ` +
        '(extraction was stopped); pack only the case files, compressed once',
      [{ problem: `unpacks to more than ${formatBytes(this.limits.maxTotalBytes)}` }],
    );
  }
}
