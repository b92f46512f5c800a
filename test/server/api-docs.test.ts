/**
 * The contract, the app and docs/api.md stay in sync: every route registered on the app (found by walking
 * createApp's router stack) is in the contract's route table and the other way round; every route of the table
 * and every code of the error catalogue (HTTP codes with their status, case and model failures with their owner)
 * is documented; and the OpenAPI document built from the table is served.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILURE_CODES, HTTP_ERRORS } from '../../contract/error-codes.ts';
import { ROUTES } from '../../contract/routes.ts';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app-deps.ts';
import { loadConfig } from '../../server/config.ts';
import { createPool } from '../../server/db/pool.ts';
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

/** The rows of the markdown table under `heading` (up to the next heading): first cell → [second cell, third]. */
function tableUnder(docs: string, heading: string): Map<string, [string, string]> {
  const start = docs.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/api.md has a section "${heading}"`);
  const rest = docs.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,4} /) >= 0 ? rest.search(/\n#{1,4} /) : undefined);
  const rows = new Map<string, [string, string]>();
  for (const m of section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*([^|]+?)\s*\|(.*)\|\s*$/gm)) rows.set(m[1], [m[2], m[3].trim()]);
  return rows;
}

describe('the contract and docs/api.md', () => {
  const docs = readFileSync(DOCS, 'utf8');
  const table = ROUTES.map((r) => `${r.method} ${r.path}`);
  let routes: string[];
  let dir: string;
  let server: Server;
  let baseUrl: string;
  let deps: AppDeps;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'carina-docs-'));
    const config = loadConfig({ STORAGE_DIR: dir, DATA_DIR: dir, DATABASE_URL: 'postgres://127.0.0.1:1/never' });
    const queue = { send: async () => null, work: async () => undefined, stop: async () => undefined, depth: async () => ({ waiting: 0, active: 0 }) } as JobQueue;
    const db = createPool(config.databaseUrl!, 1); // never connects: building the app and serving public documents run no query
    deps = { config, db, storage: await new LocalStorage(config.storageDir).init(), queue };
    const app = createApp(deps);
    routes = [...new Set(routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack))];
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await deps.db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the routes of every part of the platform on the app', () => {
    for (const expected of ['POST /api/auth/login', 'GET /api/phases/:id/leaderboard', 'POST /api/runs/:id/publish', 'GET /healthz', 'GET /api/openapi.json']) {
      assert.ok(routes.includes(expected), `${expected} is registered`);
    }
  });

  it('has every registered route in the route table, and no route the app does not have', () => {
    assert.deepEqual(routes.filter((r) => !table.includes(r)), [], 'routes on the app missing from contract/routes.ts');
    assert.deepEqual(table.filter((r) => !routes.includes(r)), [], 'routes in contract/routes.ts the app does not register');
    assert.equal(new Set(table).size, table.length, 'each route once in the table');
  });

  it('documents every route of the table as "METHOD /path", and no other', () => {
    const missing = table.filter((route) => !docs.includes(`\`${route}\``));
    assert.deepEqual(missing, [], `routes missing from docs/api.md:\n${missing.join('\n')}`);
    const documented = [...docs.matchAll(/`(GET|POST|PATCH|DELETE|HEAD|OPTIONS) (\/[^`\s]*)`/g)].map((m) => `${m[1]} ${m[2].split('?')[0]}`);
    const unknown = [...new Set(documented.filter((route) => !table.includes(route)))];
    assert.deepEqual(unknown, [], 'docs/api.md names routes the contract does not have');
  });

  it('lists every HTTP error code with its status and hint, and no other', () => {
    const rows = tableUnder(docs, '### HTTP errors');
    for (const [code, { status, hint }] of Object.entries(HTTP_ERRORS)) {
      const row = rows.get(code);
      assert.ok(row, `docs/api.md has a row "| \`${code}\` | ${status} | ... |"`);
      assert.equal(row[0], String(status), `the status of ${code}`);
      assert.ok(row[1].includes(hint.replace(/\|/g, '\\|')), `the row of ${code} gives its hint "${hint}"`);
    }
    assert.deepEqual([...rows.keys()].filter((code) => !(code in HTTP_ERRORS)), []);
  });

  it('lists every case and model failure code with its owner and hint, and no other', () => {
    const rows = tableUnder(docs, '### Case and model failures');
    for (const [code, { owner, hint }] of Object.entries(FAILURE_CODES)) {
      const row = rows.get(code);
      assert.ok(row, `docs/api.md has a row "| \`${code}\` | ${owner} | ... |"`);
      assert.equal(row[0], owner, `the owner of ${code}`);
      assert.ok(row[1].includes(hint), `the row of ${code} gives its hint "${hint}"`);
    }
    assert.deepEqual([...rows.keys()].filter((code) => !(code in FAILURE_CODES)), []);
  });

  it('serves the OpenAPI 3.1 document of the route table to anyone', async () => {
    const res = await fetch(`${baseUrl}/api/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const route of ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.path} is in the document`);
      for (const status of Object.keys(route.responses)) assert.ok(operation.responses[status], `${route.method} ${route.path} answers ${status}`);
    }
    const phase = doc.paths['/api/phases/{id}'].get.responses['200'] as { content: { 'application/json': { schema: { properties: { phase: { properties: Record<string, unknown> } } } } } };
    assert.ok(phase.content['application/json'].schema.properties.phase.properties.modelLimits, 'the phase schema knows modelLimits');
  });
});
