/**
 * The app factory: an Express app built from its dependencies; it never listens (server/main.ts does), so tests
 * build it in-process.
 */
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../contract/openapi.ts';
import type { AppDeps } from './app-deps.ts';
import { authenticate } from './auth/authenticate.ts';
import { authRouter } from './auth/routes.ts';
import { challengesRouter } from './challenges/routes.ts';
import { AppError } from './errors.ts';
import { intakeRouter } from './intake/routes.ts';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.ts';
import { requestLog } from './http/request-log.ts';
import { securityHeaders } from './http/security-headers.ts';
import { leaderboardsRouter } from './leaderboards/routes.ts';
import { modelsRouter } from './models/routes.ts';
import { UploadGate } from './lifecycle/upload-gate.ts';
import { metricsRouter } from './observability/metrics-route.ts';
import { UploadMeter } from './observability/upload-meter.ts';
import { releasesRouter } from './releases/routes.ts';
import { reviewRouter } from './review/routes.ts';
import { submissionsRouter } from './submissions/routes.ts';
import { teamsRouter } from './teams/routes.ts';
import { viewerRouter } from './viewer/routes.ts';

const CLIENT_DIST = fileURLToPath(new URL('../dist/client/', import.meta.url));

/** Process-level parts the entry point keeps hold of: the upload gate it drains on SIGTERM, the upload meter. */
export interface AppOptions {
  readonly uploadGate?: UploadGate;
  readonly uploadMeter?: UploadMeter;
}

export function createApp(deps: AppDeps, options: AppOptions = {}): Express {
  const gate = options.uploadGate ?? new UploadGate();
  const meter = options.uploadMeter ?? new UploadMeter();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy); // TRUST_PROXY: none by default (req.ip is the socket's address)
  app.use(requestLog());
  app.use(securityHeaders()); // CSP, nosniff, no framing, no referrer: on every reply, errors and static files included
  app.use(gate.middleware());
  app.use(meter.middleware());
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(metricsRouter(deps, meter, gate));
  app.get('/readyz', async (_req, res) => {
    if (gate.draining) throw new AppError('UNAVAILABLE', 'shutting down: this server finishes the uploads in flight and takes no new ones');
    try {
      await deps.db.query('select 1');
      res.json({ ok: true });
    } catch {
      res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'database unreachable' } });
    }
  });
  app.use('/api', express.json({ limit: '1mb' }));
  let openApi: object | undefined; // built once, on first request: the contract's route table as OpenAPI 3.1
  app.get('/api/openapi.json', (_req, res) => {
    res.json((openApi ??= openApiDocument()));
  });
  app.use(authenticate(deps.db));
  app.use(authRouter(deps));
  app.use(teamsRouter(deps));
  app.use(challengesRouter(deps));
  app.use(intakeRouter(deps, { gate, meter })); // masks and models, multipart and resumable (server/intake)
  app.use(submissionsRouter(deps));
  app.use(leaderboardsRouter(deps));
  app.use(reviewRouter(deps)); // the organisers' review, re-evaluation runs and exports (server/review)
  app.use(viewerRouter(deps));
  app.use(modelsRouter(deps)); // model phases (server/models)
  app.use(releasesRouter(deps)); // data releases and their downloads (server/releases)
  app.use('/api', notFoundHandler);
  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: 'index.html' }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile('index.html', { root: CLIENT_DIST }));
  }
  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}
