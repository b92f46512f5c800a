/**
 * The container health checks (Dockerfile HEALTHCHECK, docker-compose.yml) run as the containers run them: the
 * server check asks /healthz on PORT, the worker check asks the database at DATABASE_URL; each says why it fails.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SCRIPT = fileURLToPath(new URL('../../server/observability/health-check.ts', import.meta.url));

/** Runs the check in its own process (asynchronously: the server it asks runs in this one). */
function check(role: string, env: Record<string, string>): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, role], { timeout: 30_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }, (error, _stdout, stderr) =>
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('container health checks', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp('health_check');
  });
  after(async () => {
    await t?.close();
  });

  it('server: healthy when /healthz answers on PORT, unhealthy with the reason otherwise', async () => {
    assert.deepEqual(await check('server', { PORT: new URL(t.baseUrl).port }), { status: 0, stderr: '' });
    const down = await check('server', { PORT: '1' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /^unhealthy \(server\): fetch failed/);
  });

  it('worker: healthy when the database answers, unhealthy with the reason otherwise', async () => {
    assert.deepEqual(await check('worker', { DATABASE_URL: t.database.url }), { status: 0, stderr: '' });
    const down = await check('worker', { DATABASE_URL: 'postgres://carina:x@127.0.0.1:1/carina' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /^unhealthy \(worker\): connect ECONNREFUSED 127\.0\.0\.1:1/);
    assert.match((await check('worker', {})).stderr, /^unhealthy \(worker\): DATABASE_URL is not set/);
    assert.match((await check('nonsense', {})).stderr, /usage: health-check\.ts server\|worker/);
  });
});
