/**
 * Which case a submitted file belongs to, from its base name alone: the case name, an optional `_0000` /
 * `_label`-style suffix, and a supported image extension (`ATM_164.nii.gz`, `ATM_164_0000.nii.gz`,
 * `ATM_164.nrrd`). Case names match exactly (case-sensitive), longest first, so `ATM_1640.nii.gz` is ATM_1640
 * even when ATM_164 exists. Pure.
 */

/** Single-file image formats the evaluator reads (header + data pairs such as .nhdr/.mhd cannot be uploaded). */
export const SUPPORTED_EXTENSIONS = ['.nii.gz', '.nii', '.nrrd', '.mha'] as const;
export const ARCHIVE_EXTENSIONS = ['.zip', '.tar.gz', '.tgz'] as const;

const SUFFIX = /^_[A-Za-z0-9]+$/;

export type FileNameMatch =
  /** A supported file of a known case. */
  | { kind: 'case'; caseName: string; extension: string }
  /** A known case, but a file type the evaluator cannot read. */
  | { kind: 'unsupported'; caseName?: string; extension: string }
  | { kind: 'unknown'; extension: string };

/** The base name of a path inside an archive or an upload (either separator). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

export function archiveExtension(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return ARCHIVE_EXTENSIONS.find((ext) => lower.endsWith(ext));
}

/** The extension as written: a supported one, else the last `.x` (or `.x.gz`), else ''. */
function splitExtension(fileName: string): { stem: string; extension: string; supported: boolean } {
  const lower = fileName.toLowerCase();
  const supported = SUPPORTED_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length);
  if (supported) return { stem: fileName.slice(0, -supported.length), extension: supported, supported: true };
  const match = /(\.[^.]*(\.gz)?)$/i.exec(fileName);
  const extension = match && match.index > 0 ? match[1] : '';
  return { stem: fileName.slice(0, fileName.length - extension.length), extension: extension.toLowerCase(), supported: false };
}

export class CaseNameMatcher {
  private readonly longestFirst: string[];
  constructor(caseNames: readonly string[]) {
    this.longestFirst = [...caseNames].sort((a, b) => b.length - a.length || a.localeCompare(b));
  }

  caseOfStem(stem: string): string | undefined {
    return this.longestFirst.find(
      (name) => stem === name || (stem.startsWith(name) && SUFFIX.test(stem.slice(name.length))),
    );
  }

  match(fileName: string): FileNameMatch {
    const { stem, extension, supported } = splitExtension(baseName(fileName));
    const caseName = this.caseOfStem(stem);
    if (!supported) return { kind: 'unsupported', caseName, extension };
    if (!caseName) return { kind: 'unknown', extension };
    return { kind: 'case', caseName, extension };
  }
}
