/**
 * Choosing the storage from configuration: STORAGE_URL=s3://bucket/prefix with S3_* settings, validated at
 * start-up with messages that name the variable; local files otherwise. Whether release files come from the
 * store by presigned URL (RELEASE_S3_REDIRECT, RELEASE_URL_EXPIRY_S), and the address those URLs name
 * (S3_PUBLIC_ENDPOINT).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createStorage, storageLocation } from '../../server/storage/create-storage.ts';
import { LocalStorage } from '../../server/storage/local-storage.ts';

const configError = (env: Record<string, string>, message: string | RegExp) =>
  assert.throws(() => loadConfig(env), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });

describe('storage configuration', () => {
  it('reads s3://bucket/prefix with the endpoint, region, keys and path style', () => {
    const config = loadConfig({
      STORAGE_URL: 's3://carina-files/prod/v1/',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-3',
      S3_ACCESS_KEY_ID: 'carina',
      S3_SECRET_ACCESS_KEY: 'secret-key',
    });
    assert.deepEqual(config.s3, {
      bucket: 'carina-files',
      prefix: 'prod/v1',
      endpoint: 'http://minio:9000',
      region: 'eu-west-3',
      credentials: { accessKeyId: 'carina', secretAccessKey: 'secret-key' },
      forcePathStyle: true,
    });
    assert.equal(storageLocation(config), 's3://carina-files/prod/v1');
  });

  it('defaults to AWS S3 itself: default credentials, virtual-hosted style, us-east-1', () => {
    const config = loadConfig({ STORAGE_URL: 's3://carina-files' });
    assert.deepEqual(config.s3, { bucket: 'carina-files', prefix: '', endpoint: undefined, region: 'us-east-1', credentials: undefined, forcePathStyle: false });
    assert.equal(loadConfig({ STORAGE_URL: 's3://carina-files', S3_ENDPOINT: 'https://s3.example.org', S3_FORCE_PATH_STYLE: '0' }).s3?.forcePathStyle, false);
  });

  it('keeps files on the local disk when STORAGE_URL is not set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carina-storage-config-'));
    try {
      const config = loadConfig({ STORAGE_DIR: dir });
      assert.equal(config.s3, undefined);
      assert.ok((await createStorage(config)) instanceof LocalStorage);
      assert.equal(storageLocation(config), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops start-up on a bad value, naming the variable and what to do', () => {
    configError({ STORAGE_URL: 'https://bucket.example.org' }, /STORAGE_URL must be s3:\/\/bucket or s3:\/\/bucket\/prefix/);
    configError({ STORAGE_URL: 's3://Upper_Case' }, /STORAGE_URL must be s3:\/\/bucket/);
    configError({ STORAGE_URL: 's3://carina', S3_ENDPOINT: 'minio:9000' }, /S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/);
    configError({ STORAGE_URL: 's3://carina', S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE must be 1\/true or 0\/false/);
    configError(
      { STORAGE_URL: 's3://carina', S3_ACCESS_KEY_ID: 'carina' },
      'invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together; set both, or neither to use the AWS default credentials',
    );
    configError(
      { S3_ENDPOINT: 'http://minio:9000' },
      'invalid configuration: S3_ENDPOINT is set but STORAGE_URL is not an s3:// URL; set STORAGE_URL=s3://bucket/prefix to keep files in the object store, or unset S3_ENDPOINT',
    );
    configError({ BLOB_CACHE_MAX_BYTES: '100' }, /BLOB_CACHE_MAX_BYTES must be an integer from 1048576 to/);
    configError({ SHUTDOWN_GRACE_S: '0' }, /SHUTDOWN_GRACE_S must be an integer from 1 to 3600, got "0"/);
    configError({ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must have at least 16 characters/);
  });

  it('sends release downloads to the store by presigned URL unless RELEASE_S3_REDIRECT=0; URLs live 5 minutes', () => {
    const defaults = loadConfig({ STORAGE_URL: 's3://carina' });
    assert.equal(defaults.releaseS3Redirect, true);
    assert.equal(defaults.releaseUrlExpiryS, 300);
    for (const off of ['0', 'false']) assert.equal(loadConfig({ STORAGE_URL: 's3://carina', RELEASE_S3_REDIRECT: off }).releaseS3Redirect, false);
    assert.equal(loadConfig({ RELEASE_S3_REDIRECT: '1', RELEASE_URL_EXPIRY_S: '60' }).releaseUrlExpiryS, 60);
    configError({ RELEASE_S3_REDIRECT: 'no' }, /RELEASE_S3_REDIRECT must be 1\/true .* or 0\/false/);
    configError({ RELEASE_URL_EXPIRY_S: '0' }, /RELEASE_URL_EXPIRY_S must be an integer from 1 to 604800, got "0"/);
    configError({ RELEASE_URL_EXPIRY_S: '604801' }, /RELEASE_URL_EXPIRY_S must be an integer from 1 to 604800/);
  });

  it('names the store in presigned URLs by S3_PUBLIC_ENDPOINT when set, and only with S3 storage', () => {
    assert.equal(loadConfig({ STORAGE_URL: 's3://carina', S3_ENDPOINT: 'http://minio:9000' }).s3?.publicEndpoint, undefined);
    const config = loadConfig({ STORAGE_URL: 's3://carina', S3_ENDPOINT: 'http://minio:9000', S3_PUBLIC_ENDPOINT: 'https://data.example.org' });
    assert.equal(config.s3?.endpoint, 'http://minio:9000');
    assert.equal(config.s3?.publicEndpoint, 'https://data.example.org');
    configError({ STORAGE_URL: 's3://carina', S3_PUBLIC_ENDPOINT: 'data.example.org' }, /S3_PUBLIC_ENDPOINT must be the http:\/\/ or https:\/\/ address clients reach the object store at/);
    configError(
      { S3_PUBLIC_ENDPOINT: 'https://data.example.org' },
      'invalid configuration: S3_PUBLIC_ENDPOINT is set but STORAGE_URL is not an s3:// URL; set STORAGE_URL=s3://bucket/prefix to keep files in the object store, or unset S3_PUBLIC_ENDPOINT',
    );
  });
});
