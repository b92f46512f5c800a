/** One uploaded archive (.zip, .tar.gz, .tgz) → its files, unpacked safely into a fresh folder. */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { UnpackBudget, type ArchiveLimits, type ExtractedFile } from './archive-limits.ts';
import { archiveExtension } from '../../../contract/submission-files/case-file-names.ts';
import { extractTarGz } from './extract-tar.ts';
import { extractZip } from './extract-zip.ts';

/** Unpacks into a new folder under `parentDir` (the caller removes `parentDir` when done, whatever happens). */
export async function extractArchive(
  archivePath: string,
  archiveName: string,
  parentDir: string,
  limits: ArchiveLimits,
): Promise<ExtractedFile[]> {
  const targetDir = await mkdtemp(join(parentDir, 'unpacked-'));
  const budget = new UnpackBudget(limits);
  if (archiveExtension(archiveName) === '.zip') return extractZip(archivePath, targetDir, budget);
  return extractTarGz(archivePath, targetDir, budget);
}
