/**
 * A real S3-compatible server for tests: s3rver in its own process on a loopback port (so memory measured in the
 * test process is the client's alone), objects in a temporary folder. Not a mock: the AWS SDK talks HTTP to it,
 * signatures are checked, multipart uploads are assembled on disk.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Settings } from '../../server/config.ts';

// the AWS SDK warns once per process that its 2027 releases need Node 22; the tests run on Node 20 on purpose
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MAIN = fileURLToPath(new URL('./s3-test-server-main.ts', import.meta.url));
/** s3rver's built-in account. */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3TestServer {
  readonly endpoint: string;
  /** Folder where s3rver keeps the objects (to look at what was stored). */
  readonly dataDir: string;
  readonly process: ChildProcess;
  settings(bucket: string, prefix?: string): S3Settings;
  /** The environment variables that select this server (STORAGE_URL, S3_*). */
  env(bucket: string, prefix?: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startS3TestServer(buckets: string[]): Promise<S3TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'carina-s3-'));
  const child = fork(MAIN, [dataDir, ...buckets], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the S3 test server exited with code ${code} before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    dataDir,
    process: child,
    settings: (bucket, prefix = '') => ({ bucket, prefix, endpoint, region: 'us-east-1', credentials: { ...S3_TEST_CREDENTIALS }, forcePathStyle: true }),
    env: (bucket, prefix = '') => ({
      STORAGE_URL: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: '1',
    }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
