/**
 * GET /metrics over real HTTP: Prometheus text with the queue depth, evaluations and submissions by state, the
 * scoring-time histogram computed from the database, the bytes this server received in uploads, and process
 * memory; behind a Bearer token when METRICS_TOKEN is set.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPhaseWithCases, createTeam, writeMask } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** Samples of a Prometheus text page, keyed `name{a="x",b="y"}` exactly as written. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    samples.set(match[1], match[2] === '+Inf' ? Infinity : Number(match[2]));
  }
  return samples;
}

describe('metrics', () => {
  let t: TestApp;
  let dir: string;

  before(async () => {
    t = await createTestApp('metrics', { METRICS_CACHE_S: '0' }); // every scrape reads the database: the numbers below change between scrapes
    dir = mkdtempSync(join(tmpdir(), 'carina-metrics-'));
  });
  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  async function scrape(): Promise<{ text: string; samples: Map<string, number>; contentType: string }> {
    const reply = await t.agent().get('/metrics');
    assert.equal(reply.status, 200, reply.text);
    return { text: reply.text, samples: parseMetrics(reply.text), contentType: reply.headers.get('content-type') ?? '' };
  }

  it('reports a submission: upload bytes, queued evaluation and job, then the scoring time once done', async () => {
    const before = (await scrape()).samples;
    assert.equal(before.get('carina_upload_bytes_total'), 0);
    assert.equal(before.get('carina_evaluations{status="queued"}'), 0);

    const phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'] });
    const team = await createTeam(t, phase.challengeId);
    const mask = await writeMask(join(dir, 'ATM_001.nii.gz'));
    const upload = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [mask]);
    assert.equal(upload.status, 202, upload.text);

    const { text, samples, contentType } = await scrape();
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(text, /^# TYPE carina_evaluation_duration_seconds histogram$/m);
    assert.equal(samples.get('carina_database_up'), 1);
    assert.equal(samples.get('carina_upload_bytes_total'), statSync(mask).size, 'the bytes of the uploaded file');
    assert.equal(samples.get('carina_upload_files_total'), 1);
    assert.equal(samples.get('carina_evaluations{status="queued"}'), 1);
    assert.equal(samples.get('carina_evaluations{status="done"}'), 0);
    assert.equal(samples.get('carina_submissions{status="queued"}'), 1);
    assert.equal(samples.get('carina_queue_jobs{queue="evaluate-case",state="waiting"}'), 1, 'no worker runs: the job waits');
    assert.equal(samples.get('carina_queue_jobs{queue="evaluate-case",state="active"}'), 0);
    assert.equal(samples.get('carina_uploads_in_flight'), 0);
    assert.equal(samples.get('carina_server_draining'), 0);
    assert.ok(samples.get('process_resident_memory_bytes')! > 10 * 2 ** 20);
    assert.ok(samples.get('nodejs_heap_size_used_bytes')! > 0);
    assert.equal(samples.get('carina_evaluation_duration_seconds_count'), 0);

    // a worker (anywhere) finishes the case in 2.5 s: every server sees it, from the database
    await t.db.query(`update evaluations set status = 'done', provenance = '{"runMs": 2500}' where status = 'queued'`);
    await t.db.query(`update submissions set status = 'done'`);
    const after = (await scrape()).samples;
    assert.equal(after.get('carina_evaluations{status="queued"}'), 0);
    assert.equal(after.get('carina_evaluations{status="done"}'), 1);
    assert.equal(after.get('carina_evaluation_duration_seconds_bucket{le="2"}'), 0);
    assert.equal(after.get('carina_evaluation_duration_seconds_bucket{le="5"}'), 1);
    assert.equal(after.get('carina_evaluation_duration_seconds_bucket{le="1800"}'), 1);
    assert.equal(after.get('carina_evaluation_duration_seconds_bucket{le="+Inf"}'), 1);
    assert.equal(after.get('carina_evaluation_duration_seconds_sum'), 2.5);
    assert.equal(after.get('carina_evaluation_duration_seconds_count'), 1);
  });

  it('counts the bytes of a rejected upload that was received, and none of one refused before reading', async () => {
    const start = (await scrape()).samples.get('carina_upload_bytes_total')!;
    const phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'] });
    const team = await createTeam(t, phase.challengeId);
    mkdirSync(join(dir, 'wrong'), { recursive: true });
    const wrongGrid = await writeMask(join(dir, 'wrong', 'ATM_001.nii.gz'), { geometry: { size: [16, 16, 11] } });
    const rejected = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [wrongGrid]);
    assert.equal(rejected.status, 422, rejected.text);
    const afterRejected = (await scrape()).samples.get('carina_upload_bytes_total')!;
    assert.equal(afterRejected - start, statSync(wrongGrid).size);
    const outsider = t.agent();
    const refused = await outsider.upload(`/api/phases/${phase.phaseId}/submissions`, [wrongGrid]);
    assert.equal(refused.status, 401);
    assert.equal((await scrape()).samples.get('carina_upload_bytes_total'), afterRejected);
  });

  it('asks for the token when METRICS_TOKEN is set', async () => {
    const guarded = await createTestApp('metrics_token', { METRICS_TOKEN: 'a-long-enough-scrape-token' });
    try {
      const none = await guarded.agent().get('/metrics');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'UNAUTHENTICATED');
      assert.equal(none.body.error.message, 'GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>"');
      const wrong = await guarded.agent().get('/metrics', { headers: { authorization: 'Bearer a-long-enough-scrape-tokeX' } });
      assert.equal(wrong.status, 401);
      const right = await guarded.agent().get('/metrics', { headers: { authorization: 'Bearer a-long-enough-scrape-token' } });
      assert.equal(right.status, 200);
      assert.match(right.text, /^carina_database_up 1$/m);
    } finally {
      await guarded.close();
    }
  });

  it('reads the whole-table aggregates at most once per METRICS_CACHE_S, however many scrapes arrive', async () => {
    const cached = await createTestApp('metrics_cache', { METRICS_CACHE_S: '60' });
    try {
      const scrapeOf = async () => parseMetrics((await cached.agent().get('/metrics')).text);
      const first = await Promise.all(Array.from({ length: 20 }, scrapeOf));
      assert.ok(first.every((s) => s.get('carina_metrics_database_reads_total') === 1), '20 scrapes together: one read');
      const phase = await createPhaseWithCases(cached, { caseNames: ['ATM_001'] });
      const team = await createTeam(cached, phase.challengeId);
      await cached.db.query(`insert into submissions (phase_id, team_id, submitted_by) select $1, $2, captain_id from teams where id = $2`, [phase.phaseId, team.teamId]);
      const again = await scrapeOf();
      assert.equal(again.get('carina_metrics_database_reads_total'), 1, 'a scrape within the minute is served from the cache');
      assert.equal(again.get('carina_submissions{status="queued"}'), 0, 'the new submission shows at the next read');
      assert.ok(again.get('carina_metrics_state_age_seconds')! >= 0);
    } finally {
      await cached.close();
    }
  });
});
