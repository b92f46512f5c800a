/**
 * docs/api.md stays in sync with the code: every error code of the catalogue with its status, and every route
 * registered on the app (found by walking createApp's router stack) appear in it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app-deps.ts';
import { loadConfig } from '../../server/config.ts';
import { createPool } from '../../server/db/pool.ts';
import { ERROR_CATALOGUE } from '../../server/errors.ts';
import type { JobQueue } from '../../server/jobs/job-queue.ts';
import { LocalStorage } from '../../server/storage/local-storage.ts';

const DOCS = fileURLToPath(new URL('../../docs/api.md', import.meta.url));

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "METHOD /path" of every route; routers are mounted at the root (app.use(router)), so route paths are whole. */
function routesOf(stack: Layer[]): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (typeof path !== 'string') continue; // regular-expression routes (the client's fallback) are not API
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
      }
    } else if (layer.handle?.stack) {
      found.push(...routesOf(layer.handle.stack));
    }
  }
  return found;
}

describe('docs/api.md', () => {
  const docs = readFileSync(DOCS, 'utf8');
  let routes: string[];
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'carina-docs-'));
    const config = loadConfig({ STORAGE_DIR: dir, DATA_DIR: dir, DATABASE_URL: 'postgres://127.0.0.1:1/never' });
    const queue = { send: async () => null, work: async () => undefined, stop: async () => undefined, depth: async () => ({ waiting: 0, active: 0 }) } as JobQueue;
    const db = createPool(config.databaseUrl!, 1); // never connects: building the app runs no query
    const deps: AppDeps = { config, db, storage: await new LocalStorage(config.storageDir).init(), queue };
    const app = createApp(deps) as unknown as { router: { stack: Layer[] } };
    routes = [...new Set(routesOf(app.router.stack))];
    await db.end();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the routes of every part of the platform on the app', () => {
    for (const expected of ['POST /api/auth/login', 'GET /api/phases/:id/leaderboard', 'POST /api/runs/:id/publish', 'GET /healthz']) {
      assert.ok(routes.includes(expected), `${expected} is registered`);
    }
  });

  it('documents every registered route as "METHOD /path"', () => {
    const missing = routes.filter((route) => !docs.includes(`\`${route}\``));
    assert.deepEqual(missing, [], `routes missing from docs/api.md:\n${missing.join('\n')}`);
  });

  it('lists every error code of the catalogue with its HTTP status and hint', () => {
    for (const [code, { status, hint }] of Object.entries(ERROR_CATALOGUE)) {
      const row = new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|(.*)\\|\\s*$`, 'm').exec(docs);
      assert.ok(row, `docs/api.md has a row "| \`${code}\` | ${status} | ... |"`);
      assert.ok(row[1].includes(hint.replace(/\|/g, '\\|')), `the row of ${code} gives its hint "${hint}"`);
    }
  });

  it('documents no error code the catalogue does not have', () => {
    const table = [...docs.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*\d{3}\s*\|/gm)].map((m) => m[1]);
    const unknown = table.filter((code) => !(code in ERROR_CATALOGUE));
    assert.deepEqual(unknown, []);
  });
});
