/**
 * GET /metrics in the Prometheus text format: the platform's state from the database (queues, evaluations,
 * scoring times — the same from any server), this server's uploads and drain state, and its process metrics.
 * When METRICS_TOKEN is set, the scraper must send it as a Bearer token. If the database cannot be reached,
 * the scrape still answers, with carina_database_up 0 and the process metrics.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { logEvent } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../errors.ts';
import type { UploadGate } from '../lifecycle/upload-gate.ts';
import { platformMetrics } from './platform-metrics.ts';
import { processMetrics } from './process-metrics.ts';
import { formatFamilies, PROMETHEUS_CONTENT_TYPE, type HistogramFamily, type MetricFamily } from './prometheus-text.ts';
import type { UploadMeter } from './upload-meter.ts';

function requireMetricsToken(req: Request, token: string | undefined): void {
  if (!token) return;
  const sent = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new AppError('UNAUTHENTICATED', 'GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>"');
  }
}

export function metricsRouter(deps: AppDeps, uploads: UploadMeter, gate: UploadGate): Router {
  const router = Router();
  router.get('/metrics', async (req: Request, res: Response) => {
    requireMetricsToken(req, deps.config.metricsToken);
    let platform: Array<MetricFamily | HistogramFamily> = [];
    let databaseUp = 1;
    try {
      platform = await platformMetrics(deps.db, deps.queue);
    } catch (error) {
      databaseUp = 0;
      logEvent('warn', 'metrics: database unreachable', { message: (error as Error).message });
    }
    const families: Array<MetricFamily | HistogramFamily> = [
      { name: 'carina_database_up', help: '1 when the database answered this scrape.', type: 'gauge', samples: [{ value: databaseUp }] },
      ...platform,
      { name: 'carina_upload_bytes_total', help: 'Bytes of uploaded files received by this server process.', type: 'counter', samples: [{ value: uploads.bytes }] },
      { name: 'carina_upload_files_total', help: 'Uploaded files received by this server process.', type: 'counter', samples: [{ value: uploads.files }] },
      { name: 'carina_uploads_in_flight', help: 'Uploads this server is receiving now.', type: 'gauge', samples: [{ value: gate.uploadsInFlight }] },
      { name: 'carina_server_draining', help: '1 once this server is shutting down (new uploads get 503).', type: 'gauge', samples: [{ value: gate.draining ? 1 : 0 }] },
      ...processMetrics(),
    ];
    res.type(PROMETHEUS_CONTENT_TYPE).send(formatFamilies(families));
  });
  return router;
}
