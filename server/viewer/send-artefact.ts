/**
 * Sending viewer data: stored artefacts are gzip already and go out as they are, with `Content-Encoding: gzip`
 * (unpacked only for a client that does not accept gzip); JSON is gzipped when the client accepts it. Artefacts
 * under a key never change, so an ETag made from the key lets the browser revalidate for free (304).
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { gunzip, gzip } from './artefact-store.ts';

export async function sendGzipped(req: Request, res: Response, key: string, gz: Buffer): Promise<void> {
  res.set('Vary', 'Accept-Encoding');
  res.set('Cache-Control', 'private, no-cache');
  res.set('ETag', `"${createHash('sha1').update(`${key}:${gz.length}`).digest('hex').slice(0, 20)}"`);
  res.type('application/octet-stream');
  if (req.acceptsEncodings('gzip')) {
    res.set('Content-Encoding', 'gzip');
    res.send(gz);
  } else {
    res.send(await gunzip(gz));
  }
}

export async function sendJson(req: Request, res: Response, body: unknown): Promise<void> {
  const text = JSON.stringify(body);
  res.set('Vary', 'Accept-Encoding');
  res.type('application/json');
  if (text.length > 1024 && req.acceptsEncodings('gzip')) {
    res.set('Content-Encoding', 'gzip');
    res.send(await gzip(text));
  } else {
    res.send(text);
  }
}
