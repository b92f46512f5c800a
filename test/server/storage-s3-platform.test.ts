/**
 * The platform's real upload and worker path with STORAGE_URL=s3://… against a real S3-compatible server: an
 * organiser uploads a case, a team submits a prediction, and a worker with its own local folder (as on another
 * machine: nothing shared but the database and the object store) prepares the gold standard and scores the case.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { writeVolume, type ImageVolume } from '../../evaluator/index.ts';
import { loadConfig } from '../../server/config.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { createStorage } from '../../server/storage/create-storage.ts';
import { S3Storage } from '../../server/storage/s3-storage.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.ts';
import { createPhaseWithCases, createTeam } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const BUCKET = 'carina';
const PREFIX = 'platform';
const SIZE: [number, number, number] = [16, 16, 12];

function volume(componentType: 'uint8' | 'int16', fill: (x: number, y: number, z: number) => number): ImageVolume {
  const data = componentType === 'uint8' ? new Uint8Array(SIZE[0] * SIZE[1] * SIZE[2]) : new Int16Array(SIZE[0] * SIZE[1] * SIZE[2]);
  for (let z = 0; z < SIZE[2]; z++) for (let y = 0; y < SIZE[1]; y++) for (let x = 0; x < SIZE[0]; x++) data[x + SIZE[0] * (y + SIZE[1] * z)] = fill(x, y, z);
  return { size: SIZE, spacing: [0.7, 0.7, 1.25], origin: [-5, -5, 10], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], componentType, data };
}
/** A trachea-like tube of 3×3 voxels along z. */
const tube = (x: number, y: number) => (Math.abs(x - 8) <= 1 && Math.abs(y - 8) <= 1 ? 1 : 0);

describe('platform on S3 storage (real S3-compatible server)', function () {
  this.timeout(120_000);
  let s3: S3TestServer;
  let t: TestApp;
  let dir: string;
  let workerStorage: S3Storage | undefined;

  before(async () => {
    s3 = await startS3TestServer([BUCKET]);
    t = await createTestApp('s3_platform', s3.env(BUCKET, PREFIX));
    dir = mkdtempSync(join(tmpdir(), 'carina-s3-platform-'));
  });
  after(async function () {
    workerStorage?.destroy();
    await t?.close(this.currentTest?.state === 'failed');
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chooses the S3 driver from the configuration', () => {
    assert.ok(t.deps.storage instanceof S3Storage);
  });

  it('stores a case and a submission in the object store, and a worker elsewhere scores it', async () => {
    const ct = join(dir, 'ATM_900_0000.nii.gz');
    const gold = join(dir, 'ATM_900.nii.gz');
    await writeVolume(ct, volume('int16', (x, y, z) => (tube(x, y) ? -1000 : 40 + ((x + y + z) % 7))));
    await writeVolume(gold, volume('uint8', tube));
    const phase = await createPhaseWithCases(t, { caseNames: [] });
    const created = await phase.organiser.upload(`/api/phases/${phase.phaseId}/cases`, [{ path: ct, field: 'ct' }, { path: gold, field: 'gold' }], { name: 'ATM_900' });
    assert.equal(created.status, 201, created.text);

    const team = await createTeam(t, phase.challengeId);
    mkdirSync(join(dir, 'prediction'));
    const prediction = join(dir, 'prediction', 'ATM_900.nii.gz');
    await writeVolume(prediction, volume('uint8', tube));
    const submitted = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [prediction]);
    assert.equal(submitted.status, 202, submitted.text);

    // the server kept no file: only its scratch folder exists locally, and it is empty
    assert.equal(existsSync(join(t.storageDir, 'blobs')), false);
    assert.deepEqual(readdirSync(t.deps.storage.scratchDir).filter((f) => f !== 'blob-cache'), []);

    const workerDir = mkdtempSync(join(dir, 'worker-'));
    workerStorage = (await createStorage(loadConfig({ ...s3.env(BUCKET, PREFIX), STORAGE_DIR: workerDir }))) as S3Storage;
    await startWorker({ ...t.deps, storage: workerStorage });

    const submissionId = submitted.body.submission.id;
    const evaluation = await waitFor('case scored', async () => {
      const row = (await t.db.query('select * from evaluations where submission_id = $1', [submissionId])).rows[0];
      return (row.status === 'done' || row.status === 'failed') && row;
    }, 60_000);
    assert.equal(evaluation.status, 'done', evaluation.error_message);
    assert.equal(evaluation.metrics.DSC, 100, 'a prediction equal to the gold standard');
    // the job ends after the worker's follow-up work (viewer artefacts, also in the store)
    await waitFor('jobs finished', async () => {
      const r = await t.db.query(`select count(*)::int as n from pgboss.job where name in ('evaluate-case', 'prepare-gold') and state not in ('completed', 'failed')`);
      return r.rows[0].n === 0;
    }, 60_000);

    const raw = new S3Client({ ...s3.settings(BUCKET), forcePathStyle: true });
    try {
      const keys = ((await raw.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/` }))).Contents ?? []).map((o) => o.Key!);
      const blobs = (await t.db.query('select sha256 from blobs')).rows.map((r) => r.sha256 as string);
      assert.equal(blobs.length, 2, 'the gold standard and the identical prediction are one blob, the CT the other');
      for (const sha of blobs) assert.ok(keys.includes(`${PREFIX}/blobs/${sha.slice(0, 2)}/${sha}`), `blob ${sha} in the store`);
      const prepared = (await t.db.query('select prepared_key from gold_standards')).rows[0].prepared_key;
      assert.ok(keys.includes(`${PREFIX}/objects/${prepared}`), `prepared gold standard ${prepared} in the store`);
    } finally {
      raw.destroy();
    }
    // the worker read the files from its own verified cache
    const cached = readdirSync(workerStorage.cache.dir, { recursive: true }).map(String).filter((f) => /[0-9a-f]{64}$/.test(f));
    assert.ok(cached.length >= 1, 'the worker downloaded the blobs it read');
  });
});
