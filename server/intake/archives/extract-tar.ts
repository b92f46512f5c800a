/**
 * Unpacks a .tar.gz / .tgz (node:zlib gunzip → tar-stream) into `targetDir`, within an `UnpackBudget`. The
 * gunzip output is counted as it inflates, so a gzip bomb stops at the limit; entries are written under scratch
 * names, never under their own paths. Links (symbolic or hard), devices and FIFOs reject the whole archive.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
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

const REFUSED_TYPES: Record<string, string> = {
  symlink: 'symbolic link',
  link: 'hard link',
  'character-device': 'character device',
  'block-device': 'block device',
  fifo: 'FIFO',
};

export async function extractTarGz(archivePath: string, targetDir: string, budget: UnpackBudget): Promise<ExtractedFile[]> {
  const extract = tar.extract();
  let feedError: unknown;
  const feeding = pipeline(createReadStream(archivePath), createGunzip(), budget.streamCounter(), extract).catch((error) => {
    feedError = error;
  });
  const files: ExtractedFile[] = [];
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      budget.countEntry();
      checkEntryPath(name);
      if (type && REFUSED_TYPES[type]) throw unsafeEntryType(name, REFUSED_TYPES[type]);
      if (type !== 'file' && type !== 'contiguous-file') {
        if (type !== 'directory') throw unsafeEntryType(name, `${type ?? 'untyped'} entry`);
        entry.resume();
        continue;
      }
      if (isIgnoredEntry(name)) {
        entry.resume();
        continue;
      }
      budget.checkDeclaredSize(name, size ?? 0);
      const path = join(targetDir, scratchName(files.length, name));
      await pipeline(entry, budget.entryCounter(name), createWriteStream(path));
      files.push({ name, path });
    }
  } catch (error) {
    extract.destroy();
    await feeding;
    if (isOwnError(error)) throw error;
    if (isOwnError(feedError)) throw feedError;
    throw corruptArchive('tar.gz', (feedError as Error)?.message ?? (error as Error).message);
  }
  await feeding;
  if (isOwnError(feedError)) throw feedError;
  if (feedError) throw corruptArchive('tar.gz', (feedError as Error).message);
  return files;
}
