/**
 * Counts the bytes of uploaded files this server process received (submissions, cases, gold standards): after a
 * multipart request has been answered, the sizes multer recorded in `req.files` are added up. Reading sizes
 * afterwards leaves the request stream alone (a 'data' listener would start it flowing before multer reads it).
 */
import type { Request, RequestHandler } from 'express';

function uploadedSizes(req: Request): number[] {
  const files = req.files as Express.Multer.File[] | Record<string, Express.Multer.File[]> | undefined;
  if (!files) return [];
  const list = Array.isArray(files) ? files : Object.values(files).flat();
  return list.map((file) => file.size ?? 0);
}

export class UploadMeter {
  bytes = 0;
  files = 0;

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (req.method === 'POST' && req.is('multipart/form-data')) {
        res.once('finish', () => {
          for (const size of uploadedSizes(req)) {
            this.bytes += size;
            this.files += 1;
          }
        });
      }
      next();
    };
  }
}
