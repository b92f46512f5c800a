/**
 * What the submit page remembers of its resumable uploads (in sessionStorage, so a reload of the tab finds them):
 * for each file, keyed by the phase and the file's name, size and last-modified time — the same file dropped
 * again has the same key — the URL of its upload on the server. A browser cannot keep the file itself, so
 * resuming after a reload needs the same file chosen again. Pure over any Storage-like object.
 */

/** What identifies a file the user chose (a DOM File has these). */
export interface FileIdentity {
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
}

/** The part of the Web Storage API used here (sessionStorage, or a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface RememberedUpload {
  /** Where the upload lives: `/api/uploads/<id>`. */
  readonly url: string;
  readonly phaseId: number;
  readonly fileName: string;
  readonly size: number;
  /** When it was created (ISO); uploads expire on the server 24 h after their last chunk. */
  readonly createdAt: string;
}

const PREFIX = 'carina.upload.v1';

/** The storage key of a file's upload in a phase (the name last: it may hold any character). */
export function uploadKey(phaseId: number, file: FileIdentity): string {
  return `${PREFIX}:${phaseId}:${file.size}:${file.lastModified}:${file.name}`;
}

const UPLOAD_URL = /^\/api\/uploads\/[0-9a-f]{32}$/;

export function rememberUpload(store: KeyValueStore, phaseId: number, file: FileIdentity, url: string, now = new Date()): void {
  const entry: RememberedUpload = { url, phaseId, fileName: file.name, size: file.size, createdAt: now.toISOString() };
  try {
    store.setItem(uploadKey(phaseId, file), JSON.stringify(entry));
  } catch {
    // storage full or disabled: the upload still works, it just cannot be resumed after a reload
  }
}

/** The upload remembered for this file in this phase; anything unreadable or not matching the file is dropped. */
export function recallUpload(store: KeyValueStore, phaseId: number, file: FileIdentity): RememberedUpload | undefined {
  const key = uploadKey(phaseId, file);
  let raw: string | null;
  try {
    raw = store.getItem(key);
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    const entry = JSON.parse(raw) as Partial<RememberedUpload>;
    if (typeof entry.url === 'string' && UPLOAD_URL.test(entry.url) && entry.phaseId === phaseId && entry.size === file.size && entry.fileName === file.name) {
      return { url: entry.url, phaseId, fileName: file.name, size: file.size, createdAt: String(entry.createdAt ?? '') };
    }
  } catch {
    // not JSON: fall through
  }
  forgetUpload(store, phaseId, file);
  return undefined;
}

export function forgetUpload(store: KeyValueStore, phaseId: number, file: FileIdentity): void {
  try {
    store.removeItem(uploadKey(phaseId, file));
  } catch {
    // nothing to do
  }
}
