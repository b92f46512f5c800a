/**
 * GET /metrics in the Prometheus text format, written by `prom-client`: the platform's state from the database
 * (queues, evaluations, scoring times, the mail outbox — the same from any server), this server's uploads and drain state, and
 * its process metrics (prom-client's defaults). When METRICS_TOKEN is set, the scraper must send it as a Bearer
 * token. If the database cannot be reached, the scrape still answers, with carina_database_up 0 and the rest. The
 * database-derived part is read at most once per METRICS_CACHE_S (platform-state-cache.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { logEvent } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../errors.ts';
import type { UploadGate } from '../lifecycle/upload-gate.ts';
import { platformState, type PlatformState } from './platform-metrics.ts';
import { PlatformStateCache } from './platform-state-cache.ts';
import { formatHistogram } from './prometheus-text.ts';
import type { UploadMeter } from './upload-meter.ts';

function requireMetricsToken(req: Request, token: string | undefined): void {
  if (!token) return;
  const sent = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new AppError('UNAUTHENTICATED', 'GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>"');
  }
}

/** A counter whose total is kept elsewhere (the upload meter): set at each scrape. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** One registry per app, so several apps in one process (tests) keep their own numbers. */
function platformRegistry(uploads: UploadMeter, gate: UploadGate, cache: PlatformStateCache) {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const databaseUp = gauge('carina_database_up', '1 when the database answered this scrape.');
  const queueJobs = gauge('carina_queue_jobs', 'Jobs in the queue, waiting (created or retry) or active (taken by a worker).', ['queue', 'state']);
  const evaluations = gauge('carina_evaluations', 'Per-case evaluations by status.', ['status']);
  const submissions = gauge('carina_submissions', 'Submissions by status.', ['status']);
  const mails = gauge('carina_mail_outbox', 'Mails not delivered: queued (no attempt failed yet), retrying (an attempt failed), failed (given up; purged after 30 days).', ['state']);
  mirroredCounter(registry, 'carina_upload_bytes_total', 'Bytes of uploaded files received by this server process.', () => uploads.bytes);
  mirroredCounter(registry, 'carina_upload_files_total', 'Uploaded files received by this server process.', () => uploads.files);
  new Gauge({ name: 'carina_uploads_in_flight', help: 'Uploads this server is receiving now.', registers: [registry], collect() { this.set(gate.uploadsInFlight); } });
  new Gauge({ name: 'carina_server_draining', help: '1 once this server is shutting down (new uploads get 503).', registers: [registry], collect() { this.set(gate.draining ? 1 : 0); } });
  new Gauge({ name: 'carina_metrics_state_age_seconds', help: 'Age of the database-derived metrics in this scrape (they are cached for METRICS_CACHE_S).', registers: [registry], collect() { this.set(cache.ageS()); } });
  mirroredCounter(registry, 'carina_metrics_database_reads_total', 'Times this server read the database-derived metrics (at most one per METRICS_CACHE_S).', () => cache.reads);
  collectDefaultMetrics({ register: registry });

  /** Sets the database-derived gauges from one read of the platform's state (or marks the database down). */
  function record(state: PlatformState | undefined): void {
    databaseUp.set(state ? 1 : 0);
    for (const metric of [queueJobs, evaluations, submissions, mails]) metric.reset();
    if (!state) return;
    for (const { queue, waiting, active } of state.queueJobs) {
      queueJobs.set({ queue, state: 'waiting' }, waiting);
      queueJobs.set({ queue, state: 'active' }, active);
    }
    for (const [status, n] of state.evaluations) evaluations.set({ status }, n);
    for (const [status, n] of state.submissions) submissions.set({ status }, n);
    for (const [mailState, n] of Object.entries(state.mails)) mails.set({ state: mailState }, n);
  }
  return { registry, record };
}

export function metricsRouter(deps: AppDeps, uploads: UploadMeter, gate: UploadGate): Router {
  const router = Router();
  const cache = new PlatformStateCache(() => platformState(deps.db, deps.queue), deps.config.metricsCacheS);
  const { registry, record } = platformRegistry(uploads, gate, cache);
  router.get('/metrics', async (req: Request, res: Response) => {
    requireMetricsToken(req, deps.config.metricsToken);
    let state: PlatformState | undefined;
    try {
      state = await cache.get();
    } catch (error) {
      logEvent('warn', 'metrics: database unreachable', { message: (error as Error).message });
    }
    record(state);
    let text = await registry.metrics();
    if (state) {
      text += `\n${formatHistogram('carina_evaluation_duration_seconds', 'Time to score one case (read, score, store), from the provenance of every finished evaluation.', state.evaluationSeconds)}`;
    }
    res.type(registry.contentType).send(text);
  });
  return router;
}
