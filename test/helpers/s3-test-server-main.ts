/**
 * Child-process entry of the S3 test server: s3rver (an S3-compatible HTTP server from the npm registry, storing
 * objects on disk) on a loopback port, with the requested buckets. Sends { port } to the parent over IPC and
 * runs until the parent disconnects or sends SIGTERM.
 * Usage: fork(this file, [dataDir, bucket...]).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string }>;
}
type S3rverServer = { run(): Promise<AddressInfo>; close(): Promise<void> };

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverServer;

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
const address = await server.run();
process.send!({ port: address.port });
const stop = () => void server.close().finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
