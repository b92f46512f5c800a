/**
 * `npm run bench:viewer`: the 3D viewer on an ATM'22-size case, end to end on this machine.
 *
 * 1. Builds what the worker builds, timed step by step: the real ATM_305 gold standard prepared, its surface,
 *    branch table and level-2 mask; one real prediction (pred_timi) scored, its leakage surface and level-2 mask;
 *    the case CT's level 2. ATM'22's CTs are not public here, so the CT is the real POPI chest CT
 *    (../shared/real/) resampled onto ATM_305's grid (512×512×388): real Hounsfield texture, so its compressed
 *    size is realistic.
 * 2. Serves them from a running app (embedded PostgreSQL, real rows, a logged-in organiser) over loopback and
 *    measures what the client's first frame needs: the viewer JSON, then gold surface + leakage surface + level-2
 *    CT in parallel — bytes on the wire (gzip) and times (first request, then the median of RUNS).
 * 3. Times the fallbacks: a surface missing from storage built on first request, and the full-resolution CT.
 * Writes bench-out/viewer.json.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePreparedGold, prepareGold, readVolume, scorePrediction, writeVolume, type ImageVolume } from '../evaluator/index.ts';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { inTransaction } from '../server/db/pool.ts';
import { createEvaluations, finishEvaluation, startEvaluation } from '../server/jobs/status-writer.ts';
import { startRuntime, type Runtime } from '../server/runtime.ts';
import { artefactKeys } from '../server/viewer/artefact-store.ts';
import { storeCtLevel } from '../server/viewer/ct-artefacts.ts';
import { storeGoldArtefacts } from '../server/viewer/gold-artefacts.ts';
import { storePredictionArtefacts } from '../server/viewer/prediction-artefacts.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const GOLD = join(SHARED, 'atm22/cases/ATM_305/gold.nii.gz');
const PRED = join(SHARED, 'atm22/cases/ATM_305/pred_timi.nii.gz');
const POPI_CT = join(SHARED, 'real/popi_00/popi_00_ct.nii.gz');
const ADMIN = { email: 'bench-viewer@carina.local', password: 'bench-password' };

const ms = (since: number) => Math.round(performance.now() - since);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => +(bytes / 1e6).toFixed(3);

/** The POPI CT on ATM_305's grid: nearest neighbour in each axis, int16 HU. */
async function ctOnGrid(grid: ImageVolume): Promise<ImageVolume> {
  const popi = await readVolume(POPI_CT);
  const [nx, ny, nz] = grid.size;
  const [px, py, pz] = popi.size;
  const source = popi.data as Int16Array;
  const data = new Int16Array(nx * ny * nz);
  const xs = Array.from({ length: nx }, (_, x) => Math.min(px - 1, Math.floor(((x + 0.5) * px) / nx)));
  for (let z = 0; z < nz; z++) {
    const sz = Math.min(pz - 1, Math.floor(((z + 0.5) * pz) / nz));
    for (let y = 0; y < ny; y++) {
      const sy = Math.min(py - 1, Math.floor(((y + 0.5) * py) / ny));
      const from = (sz * py + sy) * px;
      const to = (z * ny + y) * nx;
      for (let x = 0; x < nx; x++) data[to + x] = source[from + xs[x]];
    }
  }
  return { size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction, componentType: 'int16', data };
}

interface Fetched {
  status: number;
  wireBytes: number;
  encoding: string | undefined;
  ms: number;
}

/** One GET over loopback, body read but not decompressed (what crosses the wire). */
function get(base: string, path: string, cookie: string): Promise<Fetched> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const url = new URL(base + path);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
      let wireBytes = 0;
      res.on('data', (chunk: Buffer) => (wireBytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, wireBytes, encoding: res.headers['content-encoding'], ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function putBlob(runtime: Runtime, work: string, path: string, name: string): Promise<string> {
  const copy = join(work, `copy-${name}`);
  writeFileSync(copy, await import('node:fs/promises').then((fs) => fs.readFile(path)));
  const blob = await runtime.storage.putFile(copy);
  await runtime.db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict do nothing', [blob.sha256, blob.size]);
  return blob.sha256;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'carina-bench-viewer-'));
  chmodSync(work, 0o755);
  const database = await startEmbeddedPostgres(join(work, 'pg'));
  const config = loadConfig({ DATABASE_URL: database.url, STORAGE_DIR: join(work, 'storage'), CARINA_ORGANISER: `${ADMIN.email}:${ADMIN.password}`, SEED_DEMO: '0' });
  const runtime = await startRuntime(config, database.url);
  let server: Server | undefined;
  const report: Record<string, unknown> = { machine: { node: process.version }, runs: RUNS };
  try {
    // ---- 1. what the worker builds ----
    const build: Record<string, number> = {};
    const bytes: Record<string, number> = {};
    let t0 = performance.now();
    const goldVolume = await readVolume(GOLD);
    const prepared = await prepareGold(goldVolume);
    build.prepareGoldMs = ms(t0);
    const ctPath = join(work, 'ATM_305_ct.nii.gz');
    await writeVolume(ctPath, await ctOnGrid(goldVolume));
    const [goldSha, predSha, ctSha] = [await putBlob(runtime, work, GOLD, 'gold.nii.gz'), await putBlob(runtime, work, PRED, 'pred.nii.gz'), await putBlob(runtime, work, ctPath, 'ct.nii.gz')];

    const db = runtime.db;
    const one = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0];
    const admin = await one('select id from users where email = $1', [ADMIN.email]);
    const challenge = await one(`insert into challenges (slug, title, created_by) values ('bench-viewer', 'Viewer bench', $1) returning id`, [admin.id]);
    const phase = await one(`insert into phases (challenge_id, name, opens_at, closes_at) values ($1, 'test', now() - interval '1 day', now() + interval '1 day') returning id`, [challenge.id]);
    const geometry = { size: goldVolume.size, spacing: goldVolume.spacing, origin: goldVolume.origin, direction: goldVolume.direction };
    const caseRow = await one(`insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, 'ATM_305', $2, 'ATM_305_0000.nii.gz', $3) returning id`, [phase.id, ctSha, geometry]);
    const preparedKey = 'prepared/bench/prepared-gold.bin';
    await runtime.storage.putObject(preparedKey, encodePreparedGold(prepared));
    const gold = await one(
      `insert into gold_standards (case_id, version, sha256, file_name, status, prepared_key, is_current, prepared_at) values ($1, 1, $2, 'ATM_305.nii.gz', 'ready', $3, true, now()) returning id`,
      [caseRow.id, goldSha, preparedKey],
    );

    t0 = performance.now();
    const goldReport = await storeGoldArtefacts(runtime.storage, gold.id, prepared);
    build.goldArtefactsMs = ms(t0);
    Object.assign(build, { goldSurfaceMs: goldReport.ms.surface, goldMaskLevel2Ms: goldReport.ms.mask });
    t0 = performance.now();
    bytes.ctLevel2 = await storeCtLevel(runtime.storage, { sha256: ctSha, fileName: 'ATM_305_0000.nii.gz' }, 2, config.maxVoxels);
    build.ctLevel2Ms = ms(t0);

    t0 = performance.now();
    const predVolume = await readVolume(PRED);
    const { timings: _timings, ...score } = await scorePrediction(prepared, predVolume);
    build.scoreMs = ms(t0);
    t0 = performance.now();
    const predReport = await storePredictionArtefacts(runtime.storage, gold.id, predSha, prepared, predVolume);
    build.predictionArtefactsMs = ms(t0);
    Object.assign(build, { leakageSurfaceMs: predReport.ms.leakageSurface, predictionMaskLevel2Ms: predReport.ms.mask });
    Object.assign(bytes, { goldSurface: goldReport.bytes.surface, goldMaskLevel2: goldReport.bytes.mask, leakageSurface: predReport.bytes.leakageSurface, predictionMaskLevel2: predReport.bytes.mask });
    report.build = build;
    report.storedBytes = bytes;
    report.triangles = { gold: goldReport.triangles, leakage: predReport.triangles };
    console.log(JSON.stringify({ build, storedBytes: bytes, triangles: report.triangles }));

    const team = await one(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'timi', 'bench-timi', $2, 'accepted') returning id`, [challenge.id, admin.id]);
    const submission = await one(`insert into submissions (phase_id, team_id, submitted_by, status) values ($1, $2, $3, 'done') returning id`, [phase.id, team.id, admin.id]);
    await db.query(`insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, 'ATM_305.nii.gz')`, [submission.id, caseRow.id, predSha]);
    // the evaluation goes through its real states (server/jobs/status-writer.ts): queued → running → done
    const [evaluationId] = await inTransaction(db, (client) => createEvaluations(client, submission.id, [caseRow.id]));
    await startEvaluation(db, evaluationId, 'bench-viewer');
    await inTransaction(db, (client) => finishEvaluation(client, { id: evaluationId, submission_id: submission.id, run_id: null }, gold.id, score, {}));
    const evaluation = { id: evaluationId };

    // ---- 2. serving the first frame ----
    server = await new Promise<Server>((resolve) => {
      const s = createApp(runtime).listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = /carina_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const viewer = `/api/evaluations/${evaluation.id}/viewer`;
    const firstFrame = async () => {
      const started = performance.now();
      const json = await get(base, viewer, cookie);
      const [goldSurface, leakage, ct] = await Promise.all([`${viewer}/gold-surface`, `${viewer}/leakage-surface`, `${viewer}/ct?level=2`].map((p) => get(base, p, cookie)));
      const surfacesMs = Math.max(json.ms + goldSurface.ms, json.ms + leakage.ms);
      for (const f of [json, goldSurface, leakage, ct]) if (f.status !== 200) throw new Error(`first frame: HTTP ${f.status}`);
      return {
        totalMs: performance.now() - started,
        surfacesMs,
        wire: { json: json.wireBytes, goldSurface: goldSurface.wireBytes, leakageSurface: leakage.wireBytes, ctLevel2: ct.wireBytes },
        gzip: [json, goldSurface, leakage, ct].every((f) => f.encoding === 'gzip'),
      };
    };
    const frames = [];
    for (let n = 0; n < RUNS; n++) frames.push(await firstFrame());
    const wire = frames[0].wire;
    const firstFrameBytes = wire.json + wire.goldSurface + wire.leakageSurface + wire.ctLevel2;
    const overlays = await Promise.all([`${viewer}/gold?level=2`, `${viewer}/prediction?level=2`].map((p) => get(base, p, cookie)));
    report.firstFrame = {
      wireBytes: wire,
      totalMB: mb(firstFrameBytes),
      allGzip: frames[0].gzip,
      firstRequestMs: { surfaces: Math.round(frames[0].surfacesMs), withCt: Math.round(frames[0].totalMs) },
      medianMs: { surfaces: Math.round(median(frames.map((f) => f.surfacesMs))), withCt: Math.round(median(frames.map((f) => f.totalMs))) },
      sliceOverlaysLevel2: { goldBytes: overlays[0].wireBytes, predictionBytes: overlays[1].wireBytes, ms: Math.round(Math.max(...overlays.map((o) => o.ms))) },
    };
    console.log(JSON.stringify({ firstFrame: report.firstFrame }));

    // ---- 3. fallbacks ----
    const objects = join(config.storageDir, 'objects');
    rmSync(join(objects, artefactKeys.goldSurface(gold.id)));
    rmSync(join(objects, artefactKeys.leakageSurface(gold.id, predSha)));
    let started = performance.now();
    const lazy = await Promise.all([`${viewer}/gold-surface`, `${viewer}/leakage-surface`].map((p) => get(base, p, cookie)));
    const lazyMs = ms(started);
    started = performance.now();
    const full = await get(base, `${viewer}/ct?level=0`, cookie);
    const fullMs = ms(started);
    started = performance.now();
    const fullAgain = await get(base, `${viewer}/ct?level=0`, cookie);
    report.fallbacks = {
      surfacesBuiltOnFirstRequestMs: lazyMs,
      surfacesStatus: lazy.map((l) => l.status),
      ctFullResolution: { firstRequestMs: fullMs, cachedMs: ms(started), wireMB: mb(full.wireBytes), status: fullAgain.status },
    };
    console.log(JSON.stringify({ fallbacks: report.fallbacks }));

    mkdirSync('bench-out', { recursive: true });
    writeFileSync('bench-out/viewer.json', JSON.stringify(report, null, 1) + '\n');
    const f = report.firstFrame as { totalMB: number; medianMs: { surfaces: number; withCt: number }; firstRequestMs: { surfaces: number; withCt: number } };
    console.log('\n| step | figure |\n|---|---|');
    for (const [k, v] of Object.entries(build)) console.log(`| build: ${k} | ${v} ms |`);
    for (const [k, v] of Object.entries(wire)) console.log(`| first frame on the wire: ${k} | ${mb(v)} MB |`);
    console.log(`| first frame total (gzip) | ${f.totalMB} MB |`);
    console.log(`| first frame, JSON → surfaces served (first / median of ${RUNS}) | ${f.firstRequestMs.surfaces} / ${f.medianMs.surfaces} ms |`);
    console.log(`| first frame, JSON → surfaces + level-2 CT served (first / median) | ${f.firstRequestMs.withCt} / ${f.medianMs.withCt} ms |`);
    console.log(`| surfaces missing from storage, built on first request | ${lazyMs} ms |`);
    console.log(`| full-resolution CT: first request (build) / cached | ${fullMs} / ${(report.fallbacks as { ctFullResolution: { cachedMs: number } }).ctFullResolution.cachedMs} ms, ${mb(full.wireBytes)} MB |`);
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await runtime.close();
    await database.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
