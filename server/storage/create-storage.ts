/**
 * The storage driver chosen by configuration: S3 when STORAGE_URL=s3://bucket/prefix, else the local folder
 * STORAGE_DIR. Every part (server, workers, seed) gets its storage here, so they all agree.
 */
import type { Config } from '../config.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage, s3Location } from './s3-storage.ts';
import type { Storage } from './storage.ts';

export async function createStorage(config: Config): Promise<Storage> {
  if (config.s3) {
    return new S3Storage(config.s3, { localDir: config.storageDir, cacheMaxBytes: config.blobCacheMaxBytes }).init();
  }
  return new LocalStorage(config.storageDir).init();
}

/** Where files live, for logs: s3://bucket/prefix or the local folder. */
export function storageLocation(config: Config): string {
  return config.s3 ? s3Location(config.s3) : config.storageDir;
}
