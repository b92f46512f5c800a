/**
 * Rank uncertainty on the leaderboard, case-based schemes, and the organisers' analysis and report, on SQL-seeded
 * submissions with per-case evaluations: the real queue and a real worker compute the intervals (never the
 * request), the leaderboard shows them only to those who may see results, an old-format scheme ranks as before,
 * and the analysis routes refuse anyone but the phase's organisers.
 */
import assert from 'node:assert/strict';
import type { Pool } from '../../server/db/pool.ts';
import { enqueueRankUncertainty } from '../../server/jobs/enqueue.ts';
import { AGGREGATED_METRICS } from '../../server/jobs/submission-aggregate.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

const SHA = 'b'.repeat(64);
const CASES = ['case_1', 'case_2', 'case_3', 'case_4', 'case_5', 'case_6'];

async function insertPhase(db: Pool, challengeId: number, name: string, ranking: object, showCaseResults = true): Promise<number> {
  return (
    await db.query(
      `insert into phases (challenge_id, name, opens_at, closes_at, ranking, leaderboard_pick, show_case_results)
       values ($1, $2, now() - interval '1 day', now() + interval '1 day', $3, 'best', $4) returning id`,
      [challengeId, name, JSON.stringify(ranking), showCaseResults],
    )
  ).rows[0].id;
}

/** A done submission with one done evaluation per case: `td[i]` on case i (other metrics derived), NaN = failed. */
async function insertScored(db: Pool, phaseId: number, teamId: number, userId: number, minute: number, td: number[]): Promise<number> {
  const metricsOf = (v: number) => {
    const m = Object.fromEntries(AGGREGATED_METRICS.map((k) => [k, k === 'TD' ? v : k === 'BD' ? v - 0.1 : 0.8]));
    return { ...m, unrounded: m, Leakage: 1 - v };
  };
  const done = td.filter((v) => !Number.isNaN(v));
  const mean = Object.fromEntries(AGGREGATED_METRICS.map((k) => [k, done.reduce((s, v) => s + (metricsOf(v) as unknown as Record<string, number>)[k], 0) / done.length]));
  const aggregate = { cases: done.length, mean, std: mean, unroundedMean: mean };
  const id = (
    await db.query(
      `insert into submissions (phase_id, team_id, submitted_by, status, aggregate, created_at)
       values ($1, $2, $3, 'done', $4, timestamptz '2024-05-01T10:00:00Z' + make_interval(mins => $5)) returning id`,
      [phaseId, teamId, userId, JSON.stringify(aggregate), minute],
    )
  ).rows[0].id;
  const cases = (await db.query<{ id: number; name: string }>('select id, name from cases where phase_id = $1 order by name', [phaseId])).rows;
  for (const [i, c] of cases.entries()) {
    const failed = Number.isNaN(td[i]);
    await db.query(
      `insert into evaluations (submission_id, case_id, status, metrics, provenance, error_owner, error_code, error_message)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, c.id, failed ? 'failed' : 'done', failed ? null : JSON.stringify(metricsOf(td[i])), JSON.stringify({ evaluatorVersion: 'test-1' }), failed ? 'team' : null, failed ? 'BAD' : null, failed ? 'bad mask' : null],
    );
  }
  return id;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('rank uncertainty, case-based schemes and the ranking analysis', function () {
  this.timeout(60_000);
  let t: TestApp;
  let organiser: Agent;
  let member: Agent;
  let outsider: Agent;
  let weighted: number;
  let hiddenResults: number;
  let caseBased: number;
  const subs: Record<string, number> = {};

  before(async () => {
    t = await createTestApp('rank-uncertainty');
    await startWorker(t.deps);
    organiser = t.agent();
    await organiser.register('org@example.org');
    member = t.agent();
    await member.register('member@example.org');
    outsider = t.agent();
    await outsider.register('outsider@example.org');
    const orgId = (await t.db.query(`select id from users where email = 'org@example.org'`)).rows[0].id;
    const memberId = (await t.db.query(`select id from users where email = 'member@example.org'`)).rows[0].id;
    const challengeId = (await t.db.query(`insert into challenges (slug, title) values ('ru', 'Rank uncertainty') returning id`)).rows[0].id;
    await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, orgId]);
    await t.db.query('insert into blobs (sha256, size_bytes) values ($1, 1)', [SHA]);
    weighted = await insertPhase(t.db, challengeId, 'Weighted', { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } });
    hiddenResults = await insertPhase(t.db, challengeId, 'Hidden results', { scheme: 'mean-rank', metrics: ['TD', 'BD'] }, false);
    caseBased = await insertPhase(t.db, challengeId, 'Rank then aggregate', { scheme: 'rank-then-aggregate', metrics: [{ name: 'TD' }, { name: 'Leakage' }] });
    const teams: number[] = [];
    for (const name of ['Alveoli', 'Bronchi', 'Carina Lab']) {
      teams.push((await t.db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, 'accepted') returning id`, [challengeId, name, `inv-${name}`, memberId])).rows[0].id);
    }
    await t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [teams[0], memberId, challengeId]);
    for (const phase of [weighted, hiddenResults, caseBased]) {
      for (const name of CASES) {
        await t.db.query(`insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, 'ct.nii.gz', '{}')`, [phase, name, SHA]);
      }
      // Alveoli clearly first; Bronchi and Carina Lab close to each other
      subs[`a${phase}`] = await insertScored(t.db, phase, teams[0], memberId, 1, [0.95, 0.94, 0.96, 0.93, 0.95, 0.97]);
      subs[`b${phase}`] = await insertScored(t.db, phase, teams[1], memberId, 2, [0.7, 0.62, 0.75, 0.6, 0.72, 0.66]);
      subs[`c${phase}`] = await insertScored(t.db, phase, teams[2], memberId, 3, [0.68, 0.7, 0.61, 0.73, 0.64, 0.69]);
    }
    for (const phase of [weighted, hiddenResults, caseBased]) await enqueueRankUncertainty(t.deps.queue, phase);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  const ready = (phase: number, agent: Agent) =>
    waitFor(`uncertainty of phase ${phase}`, async () => {
      const res = await agent.get(`/api/phases/${phase}/leaderboard`);
      return res.body.uncertainty?.status === 'ready' ? res.body : undefined;
    });

  it('an old-format (weighted) phase ranks as before, and its leaderboard gains cached rank intervals', async () => {
    const board = await ready(weighted, t.agent());
    assert.deepEqual(board.scheme, { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } });
    assert.deepEqual(board.entries.map((e: any) => [e.rank, e.team.name]), [[1, 'Alveoli'], [2, 'Bronchi'], [3, 'Carina Lab']]);
    assert.equal(board.entries[0].imputedCases, undefined); // historical schemes rank the aggregates
    assert.deepEqual(board.entries[0].rankInterval, { low: 1, high: 1, keepShare: 1 });
    const [b, c] = [board.entries[1].rankInterval, board.entries[2].rankInterval];
    assert.deepEqual([b.low, b.high, c.low, c.high], [2, 3, 2, 3]); // the two close teams swap in some samples
    assert.ok(b.keepShare > 0.2 && b.keepShare < 0.95, String(b.keepShare));
    assert.equal(board.uncertainty.samples, 1000);
    assert.equal(board.uncertainty.cases, 6);
    assert.equal(board.uncertainty.note, null);
    const cached = (await t.db.query('select submission_ids, compute_ms from leaderboard_uncertainty where phase_id = $1', [weighted])).rows[0];
    assert.equal(cached.submission_ids.length, 3);
  });

  it('hiding an entry sends the job again: "pending" until the worker has recomputed for the new entries', async () => {
    const hide = await organiser.post(`/api/submissions/${subs[`c${weighted}`]}/hide`, { hidden: true, reason: 'duplicate' });
    assert.equal(hide.status, 200, hide.text);
    const board = await waitFor('recomputed uncertainty', async () => {
      const res = await t.agent().get(`/api/phases/${weighted}/leaderboard`);
      return res.body.uncertainty.status === 'ready' && res.body.entries.length === 2 ? res.body : undefined;
    });
    assert.deepEqual(board.entries.map((e: any) => e.rankInterval.high), [1, 2]);
  });

  it('teams and visitors see no interval where the phase hides results from teams; organisers do', async () => {
    const asOrganiser = await ready(hiddenResults, organiser);
    assert.equal(asOrganiser.entries.length, 3);
    assert.ok(asOrganiser.entries.every((e: any) => e.rankInterval));
    for (const agent of [t.agent(), member, outsider]) {
      const res = await agent.get(`/api/phases/${hiddenResults}/leaderboard`);
      assert.equal(res.status, 200);
      assert.equal(res.body.uncertainty, undefined);
      assert.ok(res.body.entries.every((e: any) => e.rankInterval === undefined));
    }
  });

  it('a case-based scheme ranks per-case scores of any catalogue metric (Leakage, lower is better) and counts failed cases', async () => {
    let board = await ready(caseBased, t.agent());
    assert.deepEqual(board.entries.map((e: any) => e.team.name), ['Alveoli', 'Bronchi', 'Carina Lab']);
    assert.deepEqual(Object.keys(board.entries[0].metricRanks), ['TD', 'Leakage']);
    assert.ok(board.entries.every((e: any) => e.imputedCases === 0));
    assert.match(board.explanation, /Leakage \(lower is better\)/);
    // a later submission of Carina Lab with a failed case: that case takes the worst TD (and Leakage) of the phase
    const teamC = (await t.db.query('select team_id from submissions where id = $1', [subs[`c${caseBased}`]])).rows[0].team_id;
    const userId = (await t.db.query('select submitted_by from submissions where id = $1', [subs[`c${caseBased}`]])).rows[0].submitted_by;
    await insertScored(t.db, caseBased, teamC, userId, 9, [0.99, 0.99, 0.99, 0.99, 0.99, Number.NaN]);
    board = (await t.agent().get(`/api/phases/${caseBased}/leaderboard`)).body;
    const carina = board.entries.find((e: any) => e.team.name === 'Carina Lab');
    assert.equal(carina.imputedCases, 1);
    assert.equal(carina.rank, 1); // five 0.99s beat Alveoli on those cases despite the imputed one
  });

  it('organisers choose a case-based scheme over any catalogue metric; unknown metrics and bad weights are refused', async () => {
    const bad = await organiser.patch(`/api/phases/${caseBased}`, { ranking: { scheme: 'aggregate-then-rank', metrics: [{ name: 'Nope' }, { name: 'TD', weight: -1 }] } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.code, 'BAD_REQUEST');
    assert.match(bad.text, /unknown metric \\"Nope\\"/);
    assert.match(bad.text, /a weight lies between 0 and 1000/);
    const good = await organiser.patch(`/api/phases/${caseBased}`, { ranking: { scheme: 'aggregate-then-rank', metrics: [{ name: 'Leakage' }, { name: 'TD', weight: 2 }] } });
    assert.equal(good.status, 200, good.text);
    assert.deepEqual(good.body.phase.ranking, { scheme: 'aggregate-then-rank', aggregate: 'mean', metrics: [{ name: 'Leakage' }, { name: 'TD', weight: 2 }] });
    assert.equal((await member.patch(`/api/phases/${caseBased}`, { ranking: { scheme: 'test-then-rank', metrics: [{ name: 'TD' }] } })).status, 403);
    // the intervals cached under the old scheme are not shown; the change sent the job, which recomputes them
    const board = await ready(caseBased, t.agent());
    assert.equal(board.scheme.scheme, 'aggregate-then-rank');
    const cached = (await t.db.query('select scheme from leaderboard_uncertainty where phase_id = $1', [caseBased])).rows[0];
    assert.equal(cached.scheme.scheme, 'aggregate-then-rank');
  });

  it('the analysis and the report are for organisers only', async () => {
    assert.equal((await t.agent().get(`/api/phases/${weighted}/analysis`)).status, 401);
    for (const path of ['analysis', 'report.html', 'report.json']) {
      const res = await member.get(`/api/phases/${weighted}/${path}`);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'FORBIDDEN');
    }
  });

  it('the analysis gives every figure, and the report is one self-contained HTML file with its JSON', async () => {
    const res = await organiser.get(`/api/phases/${hiddenResults}/analysis`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.entries.map((e: any) => e.team), ['Alveoli', 'Bronchi', 'Carina Lab']);
    assert.equal(res.body.schemes.length, 6);
    assert.deepEqual(res.body.figures.map((f: any) => f.kind), ['blob', 'significance', 'significance', 'per-metric', 'schemes', 'kendall', 'spread', 'difficulty', 'spread', 'difficulty']);
    assert.ok(res.body.versions.some(([label, value]: [string, string]) => label === 'evaluator versions used' && value === 'test-1'));
    const html = await organiser.get(`/api/phases/${hiddenResults}/report.html`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html.headers.get('content-disposition') ?? '', /attachment; filename="?phase-\d+-report\.html/);
    const text = html.text;
    assert.equal((text.match(/<svg/g) ?? []).length, 10);
    assert.doesNotMatch(text, /<script|<link|src="http|href="http/);
    assert.match(text, /Carina Lab/);
    const json = await organiser.get(`/api/phases/${hiddenResults}/report.json`);
    assert.equal(json.status, 200);
    assert.equal(json.body.figures.length, 10);
  });
});
