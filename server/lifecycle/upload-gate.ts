/**
 * Graceful shutdown of the HTTP server, for uploads: once draining (SIGTERM), a NEW upload is answered 503 with
 * a message telling the client to send it again (a load balancer routes the retry to a running server), while
 * the uploads already in flight run to their end; `idle()` tells when the last one has finished. Other requests
 * are still served, with `Connection: close` so keep-alive clients move to another server.
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.ts';

/** How much of a refused upload's body is read so the client gets the 503 rather than a reset. */
const REFUSED_BODY_BYTES = 16 * 2 ** 20;

export const isUpload = (req: Request): boolean => req.method === 'POST' && Boolean(req.is('multipart/form-data'));

export class UploadGate {
  private drainingSince?: number;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get uploadsInFlight(): number {
    return this.inFlight;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (this.draining) res.setHeader('Connection', 'close');
      if (!isUpload(req)) return next();
      if (this.draining) {
        res.setHeader('Retry-After', '5');
        const refusal = new AppError('UNAVAILABLE', 'this server is shutting down and takes no new uploads; nothing was stored — send the upload again in a few seconds');
        // Read (and drop) a modest body first: a client still sending when the connection closes sees a broken
        // pipe instead of this answer. Past REFUSED_BODY_BYTES it is answered at once.
        let answered = false;
        let seen = 0;
        const answer = () => {
          if (answered) return;
          answered = true;
          next(refusal);
        };
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > REFUSED_BODY_BYTES) answer();
        });
        req.once('end', answer);
        req.once('error', answer);
        return;
      }
      this.inFlight += 1;
      res.once('close', () => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const wake of this.waiters) wake();
      });
      next();
    };
  }

  /** Stops taking new uploads. */
  drain(): void {
    this.drainingSince ??= Date.now();
  }

  /** Resolves true once no upload is in flight, or false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(idle);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }
}
