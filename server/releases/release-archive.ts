/**
 * A whole release as one zip, written to the response as it is read from the store: no temporary file, no
 * compression (NIfTI .gz files are compressed already; STORE costs no CPU), zip64 headers when the release holds
 * 4 GiB or more. Each file's stream opens only when archiver reaches its entry, so a release of hundreds of files
 * holds one file open at a time. Resolves with the bytes handed to the connection.
 */
import type { Response } from 'express';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import type { Storage } from '../storage/storage.ts';
import type { SentFile } from './send-release-file.ts';
import { attachmentHeader } from './send-release-file.ts';

const ZIP32_LIMIT = 0xffffffff;

/** A stream that opens its source on the first read (archiver reads entries one after another). */
function lazyBlob(open: () => Promise<Readable>): Readable {
  let source: Readable | undefined;
  const lazy: Readable = new Readable({
    read() {
      if (source) {
        source.resume();
        return;
      }
      open().then(
        (opened) => {
          source = opened;
          opened.on('data', (chunk: Buffer) => {
            if (!lazy.push(chunk)) opened.pause();
          });
          opened.once('end', () => lazy.push(null));
          opened.once('error', (error) => lazy.destroy(error));
        },
        (error: Error) => lazy.destroy(error),
      );
    },
    destroy(error, done) {
      source?.destroy();
      done(error);
    },
  });
  return lazy;
}

export async function sendReleaseArchive(res: Response, storage: Storage, zipName: string, files: readonly SentFile[]): Promise<{ bytesSent: number; complete: boolean }> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const zip = new ZipArchive({ store: true, forceZip64: total >= ZIP32_LIMIT || files.length >= 0xffff });
  for (const file of files) zip.append(lazyBlob(() => storage.readBlob(file.sha256)), { name: file.name });
  res.status(200);
  res.type('application/zip');
  res.setHeader('Content-Disposition', attachmentHeader(zipName));
  res.setHeader('Cache-Control', 'private, no-cache');
  let counted = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted += chunk.length;
      done(null, chunk);
    },
  });
  const finalized = zip.finalize();
  try {
    await Promise.all([pipeline(zip, counter, res), finalized]);
    return { bytesSent: counted, complete: true };
  } catch {
    zip.abort();
    return { bytesSent: Math.max(0, counted - res.writableLength), complete: false };
  }
}
