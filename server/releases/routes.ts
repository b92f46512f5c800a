/**
 * Data releases over HTTP: organisers create and fill releases, open and close them, revoke teams and read the
 * access log; teams with access list them and download single files (Range, ETag), the whole release as a zip
 * streamed on the fly, a sha256sum manifest, or single-use URLs. Every download is decided afresh, throttled per
 * team and written to the append-only access log with the bytes actually sent. With S3 storage a single file is a
 * 302 to a short-lived presigned URL of the store (logged with the bytes it grants), unless RELEASE_S3_REDIRECT=0.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { AccessLogQuery, NewReleaseBody, PickCasesBody, ReleaseChangesBody, ReleaseFileRole, RevokeBody } from '../../contract/releases.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { findUserById, type UserRow } from '../auth/store.ts';
import { requireOrganiser } from '../challenges/access.ts';
import { challengeById, challengeBySlug, teamOfUser } from '../challenges/lookups.ts';
import { idParam } from '../challenges/params.ts';
import type { ChallengeRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';
import { accessLog, accessLogCsv, recordAccess } from './access-log.ts';
import { issueDownloadTokens, findDownloadToken, spendDownloadToken } from './download-tokens.ts';
import { DownloadThrottle } from './download-throttle.ts';
import { protectedContent } from './protected-content.ts';
import { decideReleaseAccess, requireReleaseAccess, type ReleaseAccessDecision } from './release-access.ts';
import { sendReleaseArchive } from './release-archive.ts';
import { addUploadedFiles, changeRelease, closeNow, createRelease, openNow, pickCases, restoreTeam, revokeTeam } from './release-service.ts';
import { deleteReleaseFile, filesOfReleases, releaseById, releaseFile, releasesOfChallenge, revocationsOf, type ReleaseFileRow, type ReleaseRow } from './release-store.ts';
import { releaseView } from './release-view.ts';
import { redirectReleaseFile } from './redirect-release-file.ts';
import { sendReleaseFile, type Transfer } from './send-release-file.ts';

interface Loaded {
  release: ReleaseRow;
  challenge: ChallengeRow;
}

export function releasesRouter(deps: AppDeps): Router {
  const router = Router();
  const throttle = new DownloadThrottle(deps);
  // single files come from the store itself when it can make URLs (S3) and may (RELEASE_S3_REDIRECT); HEAD stays here
  const fromStore = (req: Request) => deps.config.releaseS3Redirect && Boolean(deps.storage.blobDownloadUrl) && req.method === 'GET';

  const load = async (req: Request): Promise<Loaded> => {
    const release = await releaseById(deps.db, idParam(req.params.id, 'release'));
    return { release, challenge: await challengeById(deps.db, release.challenge_id) };
  };
  const organiserOnly = async (req: Request, res: Response, next: NextFunction) => {
    const user = requireUser(req);
    const loaded = await load(req);
    await requireOrganiser(deps.db, loaded.challenge.id, user);
    res.locals.loaded = loaded;
    next();
  };
  const view = async ({ release, challenge }: Loaded, user: UserRow | undefined, req: Request) => {
    const decision = await decideReleaseAccess(deps.db, challenge, release, user);
    const files = (await filesOfReleases(deps.db, [release.id])).get(release.id) ?? [];
    if (release.kind === 'external' && decision.allowed && !decision.organiser && user) {
      await recordAccess(deps.db, { challengeId: challenge.id, releaseId: release.id, user, team: decision.team, action: 'link', bytesSent: 0, address: req.ip });
    }
    return releaseView(release, files, decision, decision.organiser ? await revocationsOf(deps.db, release.id) : undefined);
  };
  const reply = async (req: Request, res: Response, status = 200) => {
    const loaded = await load(req);
    res.status(status).json({ release: await view(loaded, req.auth?.user, req) });
  };

  // --- organisers ---
  router.post('/api/challenges/:slug/releases', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const challenge = await challengeBySlug(deps.db, String(req.params.slug));
    await requireOrganiser(deps.db, challenge.id, user);
    const release = await createRelease(deps, user, challenge, NewReleaseBody.parse(req.body ?? {}));
    res.status(201).json({ release: await view({ release, challenge }, user, req) });
  });
  router.patch('/api/releases/:id', organiserOnly, async (req: Request, res: Response) => {
    await changeRelease(deps, (res.locals.loaded as Loaded).release, ReleaseChangesBody.parse(req.body ?? {}));
    await reply(req, res);
  });
  router.post('/api/releases/:id/open', organiserOnly, async (req: Request, res: Response) => {
    await openNow(deps, requireUser(req), (res.locals.loaded as Loaded).release);
    await reply(req, res);
  });
  router.post('/api/releases/:id/close', organiserOnly, async (req: Request, res: Response) => {
    await closeNow(deps, requireUser(req), (res.locals.loaded as Loaded).release);
    await reply(req, res);
  });
  const upload = multer({
    dest: deps.storage.scratchDir,
    limits: { fileSize: deps.config.maxUploadBytes, files: 1000, fields: 4, fieldSize: 100, fieldNameSize: 100 },
  });
  const requireMultipart = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the release files as multipart/form-data in the field "files"');
    next();
  };
  router.post('/api/releases/:id/files', organiserOnly, requireMultipart, upload.array('files'), async (req: Request, res: Response) => {
    const uploads = (req.files as Express.Multer.File[] | undefined) ?? [];
    const rawRole = (req.body as Record<string, unknown> | undefined)?.role;
    const role = rawRole === undefined || rawRole === '' ? undefined : ReleaseFileRole.safeParse(rawRole).data;
    if (rawRole !== undefined && rawRole !== '' && !role) throw new AppError('BAD_REQUEST', 'role: must be "ct", "gold", "document" or "other"');
    await addUploadedFiles(deps, requireUser(req), (res.locals.loaded as Loaded).release, uploads, role);
    await reply(req, res, 201);
  });
  router.post('/api/releases/:id/cases', organiserOnly, async (req: Request, res: Response) => {
    const { release, challenge } = res.locals.loaded as Loaded;
    await pickCases(deps, requireUser(req), challenge, release, PickCasesBody.parse(req.body ?? {}));
    await reply(req, res, 201);
  });
  router.delete('/api/releases/:id/files/:fileId', organiserOnly, async (req: Request, res: Response) => {
    const { release } = res.locals.loaded as Loaded;
    const file = await releaseFile(deps.db, release.id, idParam(req.params.fileId, 'file'));
    await deleteReleaseFile(deps.db, release.id, file.id);
    await reply(req, res);
  });
  router.post('/api/releases/:id/revocations', organiserOnly, async (req: Request, res: Response) => {
    const body = RevokeBody.parse(req.body ?? {});
    await revokeTeam(deps, requireUser(req), (res.locals.loaded as Loaded).release, body.teamId, body.reason);
    await reply(req, res);
  });
  router.delete('/api/releases/:id/revocations/:teamId', organiserOnly, async (req: Request, res: Response) => {
    await restoreTeam(deps, requireUser(req), (res.locals.loaded as Loaded).release, idParam(req.params.teamId, 'team'));
    await reply(req, res);
  });
  router.get('/api/releases/:id/log', organiserOnly, async (req: Request, res: Response) => {
    const query = AccessLogQuery.parse(req.query);
    res.json({ entries: await accessLog(deps.db, { releaseId: (res.locals.loaded as Loaded).release.id, teamId: query.teamId }) });
  });
  router.get('/api/releases/:id/log.csv', organiserOnly, async (req: Request, res: Response) => {
    const { release } = res.locals.loaded as Loaded;
    const query = AccessLogQuery.parse(req.query);
    res.attachment(`release-${release.id}-access-log.csv`);
    res.type('text/csv').send(accessLogCsv(await accessLog(deps.db, { releaseId: release.id, teamId: query.teamId })));
  });
  const challengeOrganiser = async (req: Request) => {
    const user = requireUser(req);
    const challenge = await challengeBySlug(deps.db, String(req.params.slug));
    await requireOrganiser(deps.db, challenge.id, user);
    return challenge;
  };
  router.get('/api/challenges/:slug/release-log', async (req: Request, res: Response) => {
    const challenge = await challengeOrganiser(req);
    res.json({ entries: await accessLog(deps.db, { challengeId: challenge.id, teamId: AccessLogQuery.parse(req.query).teamId }) });
  });
  router.get('/api/challenges/:slug/release-log.csv', async (req: Request, res: Response) => {
    const challenge = await challengeOrganiser(req);
    res.attachment(`${challenge.slug}-release-access-log.csv`);
    res.type('text/csv').send(accessLogCsv(await accessLog(deps.db, { challengeId: challenge.id, teamId: AccessLogQuery.parse(req.query).teamId })));
  });

  // --- everyone: what there is, and whether the caller may download it ---
  router.get('/api/challenges/:slug/releases', async (req: Request, res: Response) => {
    const challenge = await challengeBySlug(deps.db, String(req.params.slug));
    const user = req.auth?.user;
    const releases = await releasesOfChallenge(deps.db, challenge.id);
    const views = [];
    for (const release of releases) views.push(await view({ release, challenge }, user, req));
    const team = user ? await teamOfUser(deps.db, challenge.id, user.id) : undefined;
    res.json({ releases: views, agreement: challenge.data_agreement, agreementAccepted: Boolean(team?.agreement_accepted_at) });
  });
  router.get('/api/releases/:id', async (req: Request, res: Response) => {
    await reply(req, res);
  });

  // --- downloads ---
  /** The caller's access to these files now, refusing protected content to participants. */
  const requireFilesAccess = async ({ release, challenge }: Loaded, user: UserRow | undefined, files: readonly ReleaseFileRow[]) => {
    const decision = await requireReleaseAccess(deps.db, challenge, release, user);
    if (release.kind === 'external') throw new AppError('CONFLICT', `"${release.name}" is an external link: follow its URL`);
    if (!decision.organiser) {
      const refused = await protectedContent(deps.db, files.map((f) => f.sha256));
      const first = files.find((f) => refused.has(f.sha256));
      if (first) throw new AppError('FORBIDDEN', `${first.name} may not be downloaded: ${refused.get(first.sha256)}`);
    }
    return decision;
  };
  const throttleKey = (decision: ReleaseAccessDecision, user: UserRow) => (decision.team ? `team:${decision.team.id}` : `user:${user.id}`);
  /** Sends one file (or redirects to it) under the team's download slot; `beforeSend` runs once the slot is taken. */
  const sendFile = async (req: Request, res: Response, loaded: Loaded, user: UserRow, file: ReleaseFileRow, beforeSend?: () => Promise<void>) => {
    const decision = await requireFilesAccess(loaded, user, [file]);
    const free = await throttle.acquire(throttleKey(decision, user), res);
    try {
      await beforeSend?.();
      const sent = { name: file.name, sha256: file.sha256, size: file.size_bytes };
      const record = (transfer: Transfer) =>
        recordAccess(deps.db, {
          challengeId: loaded.challenge.id,
          releaseId: loaded.release.id,
          file: { id: file.id, name: file.name },
          user,
          team: decision.team,
          action: 'file',
          bytesSent: transfer.bytesSent,
          range: transfer.range,
          address: req.ip,
        });
      if (fromStore(req)) await redirectReleaseFile(req, res, deps.storage, sent, deps.config.releaseUrlExpiryS, record);
      else {
        const transfer = await sendReleaseFile(req, res, deps.storage, sent);
        await free(); // the slot is the transfer's, not the log's: a team may start its next download while this one is logged
        await record(transfer);
      }
    } finally {
      await free();
    }
  };
  const fileDownload = async (req: Request, res: Response) => {
    const loaded = await load(req);
    const user = req.auth?.user;
    await requireReleaseAccess(deps.db, loaded.challenge, loaded.release, user); // before revealing whether the file exists
    const file = await releaseFile(deps.db, loaded.release.id, idParam(req.params.fileId, 'file'));
    await sendFile(req, res, loaded, user!, file);
  };
  router.get('/api/releases/:id/files/:fileId', fileDownload);
  router.head('/api/releases/:id/files/:fileId', fileDownload); // the size and ETag, as download tools ask first
  router.get('/api/downloads/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const unknown = () => new AppError('NOT_FOUND', 'this download link is unknown, used already or expired: ask for a new urls.txt');
    const named = await findDownloadToken(deps.db, token);
    if (!named) throw unknown();
    const file = (await deps.db.query<ReleaseFileRow>('select * from release_files where id = $1', [named.fileId])).rows[0];
    const user = await findUserById(deps.db, named.userId);
    if (!file || !user) throw new AppError('NOT_FOUND', 'this download link names a file that was removed');
    const release = await releaseById(deps.db, file.release_id);
    // spent only once access is decided and a slot is taken (a 429 leaves the link usable); two requests racing
    // for it: one sends, the other gets 404
    await sendFile(req, res, { release, challenge: await challengeById(deps.db, release.challenge_id) }, user, file, async () => {
      if (!(await spendDownloadToken(deps.db, token))) throw unknown();
    });
  });
  router.get('/api/releases/:id/archive.zip', async (req: Request, res: Response) => {
    const loaded = await load(req);
    const user = req.auth?.user;
    await requireReleaseAccess(deps.db, loaded.challenge, loaded.release, user);
    const files = (await filesOfReleases(deps.db, [loaded.release.id])).get(loaded.release.id) ?? [];
    const decision = await requireFilesAccess(loaded, user, files);
    const free = await throttle.acquire(throttleKey(decision, user!), res);
    try {
      const zipName = `${loaded.release.name}-v${loaded.release.version}.zip`;
      const sent = await sendReleaseArchive(res, deps.storage, zipName, files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size_bytes })));
      await free();
      await recordAccess(deps.db, { challengeId: loaded.challenge.id, releaseId: loaded.release.id, user, team: decision.team, action: 'archive', bytesSent: sent.bytesSent, address: req.ip });
    } finally {
      await free();
    }
  });
  const manifest = async (req: Request, res: Response, withUrls: boolean) => {
    const loaded = await load(req);
    const user = req.auth?.user;
    await requireReleaseAccess(deps.db, loaded.challenge, loaded.release, user);
    const files = (await filesOfReleases(deps.db, [loaded.release.id])).get(loaded.release.id) ?? [];
    const decision = await requireFilesAccess(loaded, user, files);
    let text: string;
    if (withUrls) {
      const tokens = await issueDownloadTokens(deps.db, user!.id, files.map((f) => f.id));
      const base = `${req.protocol}://${req.get('host')}`;
      text = files.map((f) => `${base}/api/downloads/${tokens.get(f.id)}\n  out=${f.name}\n  checksum=sha-256=${f.sha256}\n`).join('');
    } else text = files.map((f) => `${f.sha256}  ${f.name}\n`).join('');
    await recordAccess(deps.db, { challengeId: loaded.challenge.id, releaseId: loaded.release.id, user, team: decision.team, action: 'manifest', bytesSent: Buffer.byteLength(text), address: req.ip });
    res.type('text/plain').setHeader('Cache-Control', 'no-store');
    res.send(text);
  };
  router.get('/api/releases/:id/manifest.sha256', (req: Request, res: Response) => manifest(req, res, false));
  router.get('/api/releases/:id/urls.txt', (req: Request, res: Response) => manifest(req, res, true));

  return router;
}
