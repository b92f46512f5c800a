/**
 * Unpacks a .zip (yauzl, reading the central directory, one entry at a time) into `targetDir`, within an
 * `UnpackBudget`. Sizes in the headers are not trusted (bytes are counted as they inflate); entries are written
 * under scratch names, never under their own paths, and unsafe entries
 * (absolute or `..` paths, symlinks, encrypted data) reject the whole archive.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { AppError } from '../../errors.ts';
import {
  checkEntryPath,
  corruptArchive,
  isOwnError,
  isIgnoredEntry,
  unsafeEntryType,
  type ExtractedFile,
  type UnpackBudget,
} from './archive-limits.ts';
import { scratchName } from '../received-upload.ts';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** yauzl refuses unsafe names itself; its messages are turned into ours. */
function fromYauzlError(error: Error): AppError {
  const message = error.message ?? String(error);
  const name = /^(?:absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(message)?.[1];
  if (name !== undefined) {
    try {
      checkEntryPath(name);
    } catch (unsafe) {
      return unsafe as AppError;
    }
    return new AppError('VALIDATION_FAILED', `archive entry "${name}" has a backslash in its name; use "/" between folders`, [
      { file: name, problem: 'backslash in the entry name' },
    ]);
  }
  return corruptArchive('zip', message);
}

function entryType(entry: yauzl.Entry): 'file' | 'directory' | string {
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (entry.fileName.endsWith('/')) return 'directory';
  if (mode === 0 || mode === S_IFREG) return 'file';
  if (mode === S_IFDIR) return 'directory';
  if (mode === S_IFLNK) return 'symbolic link';
  return 'special file';
}

export async function extractZip(archivePath: string, targetDir: string, budget: UnpackBudget): Promise<ExtractedFile[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archivePath, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: false });
  } catch (error) {
    throw fromYauzlError(error as Error);
  }
  const files: ExtractedFile[] = [];
  try {
    budget.checkEntryCount(zip.entryCount); // the central directory says how many: refuse before reading any
    for await (const entry of zip.eachEntry()) {
      budget.countEntry();
      checkEntryPath(entry.fileName);
      const type = entryType(entry);
      if (type === 'directory') continue;
      if (type !== 'file') throw unsafeEntryType(entry.fileName, type);
      if (isIgnoredEntry(entry.fileName)) continue;
      if (entry.isEncrypted()) throw unsafeEntryType(entry.fileName, 'encrypted entry');
      budget.checkDeclaredSize(entry.fileName, entry.uncompressedSize);
      const path = join(targetDir, scratchName(files.length, entry.fileName));
      const data = await zip.openReadStreamPromise(entry);
      await pipeline(data, budget.entryCounter(entry.fileName), createWriteStream(path));
      files.push({ name: entry.fileName, path });
    }
  } catch (error) {
    throw isOwnError(error) ? error : fromYauzlError(error as Error);
  } finally {
    zip.close();
  }
  return files;
}
