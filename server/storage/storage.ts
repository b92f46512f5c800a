/**
 * File storage behind one small interface, used by every part: uploads go in by content (sha256), derived
 * artefacts (prepared gold standards, surfaces) by key. The local-filesystem driver is the default; an S3 driver
 * implements the same interface.
 */
import type { Readable } from 'node:stream';

export interface StoredBlob {
  readonly sha256: string;
  readonly size: number;
}

export interface Storage {
  /** Moves a finished local file into the store under its sha256 (computed here); idempotent. */
  putFile(localPath: string): Promise<StoredBlob>;
  /** A local path to read a blob from (the local driver's own file; a remote driver's cached download). */
  blobPath(sha256: string): Promise<string>;
  hasBlob(sha256: string): Promise<boolean>;
  /**
   * A stream of a blob's bytes, or of bytes start..end (inclusive), read from the store as it is consumed (constant
   * memory: the local driver reads the file in place, the S3 driver streams a ranged GET).
   */
  readBlob(sha256: string, range?: { readonly start: number; readonly end: number }): Promise<Readable>;
  /** Derived artefacts by key (e.g. "prepared/12/prepared-gold.bin"). */
  putObject(key: string, data: Uint8Array): Promise<void>;
  getObject(key: string): Promise<Buffer>;
  /** A folder for temporary files on the same filesystem as the store (uploads land here first). */
  readonly scratchDir: string;
}
