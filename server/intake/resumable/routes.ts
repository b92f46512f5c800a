/**
 * Resumable uploads (tus 1.0.0: core, creation, termination, expiration, checksum with sha256) for files too big
 * to send in one request, and the submission made from them:
 * - OPTIONS /api/uploads — what the server supports (public)
 * - POST    /api/uploads — create: Upload-Length, Upload-Metadata `phase`, `filename` → 201, Location
 * - HEAD    /api/uploads/:id — Upload-Offset (and Upload-Length, Upload-Metadata, Upload-Expires)
 * - PATCH   /api/uploads/:id — append at Upload-Offset (application/offset+octet-stream) → 204, new Upload-Offset
 * - DELETE  /api/uploads/:id — terminate → 204
 * - POST    /api/phases/:id/submissions/from-uploads {uploadIds, note?, manifest?} → 202, as POST /api/phases/:id/submissions
 *   (in a model phase: one upload, the .onnx file, and its manifest → 202, as POST /api/phases/:id/models)
 * Authentication as everywhere (session + X-CSRF-Token, or Bearer); an upload is its creator's alone.
 */
import { Router, type Request, type Response } from 'express';
import { FromUploadsBody, type Upload } from '../../../contract/uploads.ts';
import type { AppDeps } from '../../app-deps.ts';
import { requireUser } from '../../auth/authenticate.ts';
import { AppError } from '../../errors.ts';
import type { UploadGate } from '../../lifecycle/upload-gate.ts';
import type { UploadMeter } from '../../observability/upload-meter.ts';
import { readNote } from '../received-upload.ts';
import type { TeamUploadBudget } from '../team-upload-budget.ts';
import { appendChunk, currentOffset, requireOwnUpload, terminateUpload } from './append-chunk.ts';
import { createUpload } from './create-upload.ts';
import { ExpirySweeper } from './expire-uploads.ts';
import { submitFromUploads } from './receive-uploads.ts';
import {
  encodeMetadata,
  httpDate,
  integerHeader,
  OFFSET_OCTET_STREAM,
  parseChecksum,
  parseMetadata,
  requireTusResumable,
  TUS_CHECKSUM_ALGORITHMS,
  TUS_EXTENSIONS,
  TUS_VERSION,
  tusResponse,
} from './tus-protocol.ts';
import type { UploadRow } from './upload-store.ts';

export interface UploadsRouterOptions {
  /** While the server drains (SIGTERM), new uploads and chunks get 503: the client resumes on another server. */
  readonly gate?: UploadGate;
  /** Received bytes count toward carina_upload_bytes_total. */
  readonly meter?: UploadMeter;
}

/** What the intake router passes down: the options and the app's per-team upload budget. */
export interface ResumableDeps extends UploadsRouterOptions {
  readonly budget: TeamUploadBudget;
}

function uploadView(row: UploadRow): Upload {
  return {
    id: row.id,
    url: `/api/uploads/${row.id}`,
    phaseId: row.phase_id,
    fileName: row.file_name,
    length: row.length_bytes,
    offset: row.offset_bytes,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

function phaseIdParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no phase ${req.params.id}`);
  return id;
}

export function resumableRouter(deps: AppDeps, options: ResumableDeps): Router {
  const router = Router();
  const sweeper = new ExpirySweeper(deps);
  const refuseWhileDraining = (res: Response) => {
    if (!options.gate?.draining) return;
    res.setHeader('Retry-After', '5');
    throw new AppError('UNAVAILABLE', 'this server is shutting down and takes no new upload bytes; nothing was lost — resume the upload (HEAD, then PATCH) in a few seconds');
  };

  router.use('/api/uploads', (_req, res, next) => {
    tusResponse(res);
    next();
  });

  router.options('/api/uploads', (_req, res) => {
    res.setHeader('Tus-Version', TUS_VERSION);
    res.setHeader('Tus-Extension', TUS_EXTENSIONS);
    res.setHeader('Tus-Max-Size', String(deps.config.maxUploadBytes));
    res.setHeader('Tus-Checksum-Algorithm', TUS_CHECKSUM_ALGORITHMS);
    res.status(204).end();
  });

  router.post('/api/uploads', async (req, res) => {
    const user = requireUser(req);
    requireTusResumable(req);
    refuseWhileDraining(res);
    if (Number(req.get('content-length') ?? 0) > 0) {
      throw new AppError('BAD_REQUEST', 'creation with upload is not supported: create the upload with an empty body, then send the bytes with PATCH');
    }
    sweeper.poke();
    const row = await createUpload(deps, options.budget, user, {
      lengthBytes: integerHeader(req, 'Upload-Length'),
      metadata: parseMetadata(req.get('upload-metadata')),
      deferLength: req.get('upload-defer-length') !== undefined,
    });
    res.setHeader('Location', `/api/uploads/${row.id}`);
    res.setHeader('Upload-Expires', httpDate(row.expires_at));
    res.status(201).json({ upload: uploadView(row) });
  });

  router.head('/api/uploads/:id', async (req, res) => {
    const user = requireUser(req);
    requireTusResumable(req);
    const row = await requireOwnUpload(deps, req.params.id as string, user);
    const offset = await currentOffset(deps, row);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Upload-Offset', String(offset));
    res.setHeader('Upload-Length', String(row.length_bytes));
    res.setHeader('Upload-Expires', httpDate(row.expires_at));
    if (Object.keys(row.metadata).length) res.setHeader('Upload-Metadata', encodeMetadata(row.metadata));
    res.status(200).end();
  });

  router.patch('/api/uploads/:id', async (req, res) => {
    const user = requireUser(req);
    requireTusResumable(req);
    if (req.get('content-type')?.split(';')[0].trim().toLowerCase() !== OFFSET_OCTET_STREAM) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `send the bytes of an upload with Content-Type: ${OFFSET_OCTET_STREAM}`);
    }
    const offset = integerHeader(req, 'Upload-Offset');
    if (offset === undefined) throw new AppError('BAD_REQUEST', 'give the offset the bytes start at in Upload-Offset (HEAD tells the server\'s)');
    const sha256 = parseChecksum(req.get('upload-checksum'));
    const row = await requireOwnUpload(deps, req.params.id as string, user);
    refuseWhileDraining(res);
    const { row: updated, received } = await appendChunk(deps, row, req, { offset, sha256 });
    if (options.meter) {
      options.meter.bytes += received;
      if (updated.completed_at && received > 0) options.meter.files += 1;
    }
    res.setHeader('Upload-Offset', String(updated.offset_bytes));
    res.setHeader('Upload-Expires', httpDate(updated.expires_at));
    res.status(204).end();
  });

  router.delete('/api/uploads/:id', async (req, res) => {
    const user = requireUser(req);
    requireTusResumable(req);
    await terminateUpload(deps, await requireOwnUpload(deps, req.params.id as string, user));
    res.status(204).end();
  });

  router.post('/api/phases/:id/submissions/from-uploads', async (req, res) => {
    const user = requireUser(req);
    const phaseId = phaseIdParam(req);
    const body = FromUploadsBody.parse(req.body ?? {});
    // the note is read as the multipart route reads its `note` field
    const note = readNote(body.note);
    const manifestText = typeof body.manifest === 'string' || body.manifest === undefined ? body.manifest : JSON.stringify(body.manifest);
    refuseWhileDraining(res);
    res.status(202).json(await submitFromUploads(deps, phaseId, user, { uploadIds: body.uploadIds, note, manifestText }));
  });

  return router;
}
