/**
 * Container health checks (the Dockerfile's HEALTHCHECK and docker-compose.yml):
 *   node --import tsx server/observability/health-check.ts server   → this container's server answers /healthz
 *   node --import tsx server/observability/health-check.ts worker   → the platform database answers from here
 * Exit 0 when healthy, 1 with the reason on stderr otherwise. Configuration comes from the same environment
 * variables as the process being checked.
 */
import pg from 'pg';
import { loadConfig } from '../config.ts';

const TIMEOUT_MS = 4_000;

async function serverHealthy(port: number): Promise<void> {
  const reply = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!reply.ok) throw new Error(`/healthz answered ${reply.status}`);
}

async function databaseHealthy(url: string | undefined): Promise<void> {
  if (!url) throw new Error('DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

const role = process.argv[2];
try {
  const config = loadConfig();
  if (role === 'server') await serverHealthy(config.port);
  else if (role === 'worker') await databaseHealthy(config.databaseUrl);
  else throw new Error(`usage: health-check.ts server|worker (got "${role ?? ''}")`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`unhealthy (${role}): ${(error as Error).message}\n`);
  process.exit(1);
}
