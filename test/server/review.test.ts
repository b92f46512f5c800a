/**
 * Organiser review on SQL-seeded data: the submissions table, hide and disqualify with the audit log, candidate
 * re-evaluation runs (created, followed, published, discarded) and the CSV/JSON exports.
 */
import assert from 'node:assert/strict';
import type { Pool } from '../../server/db/pool.ts';
import { csvCell, csvTable } from '../../server/review/csv.ts';
import { AGGREGATED_METRICS, aggregateCases, type StoredCaseMetrics } from '../../server/jobs/submission-aggregate.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

const sha = (n: number) => n.toString(16).padStart(64, '0');

function metricsOf(value: number, unroundedOffset = 0): StoredCaseMetrics {
  const m = Object.fromEntries(AGGREGATED_METRICS.map((k) => [k, value])) as Record<string, number>;
  return {
    ...m,
    branches_total: 10,
    branches_detected: Math.round(value * 10),
    skeleton_voxels: 100,
    skeleton_in_pred: Math.round(value * 100),
    pred_voxels: 1000,
    pred_lcc_voxels: 990,
    gt_lcc_voxels: 1000,
    intersection: 900,
    leakage_voxels: 7,
    leakage_components: 2,
    outside_lcc_voxels: 10,
    empty: false,
    unrounded: Object.fromEntries(AGGREGATED_METRICS.map((k) => [k, value + unroundedOffset])),
    per_generation: [{ generation: 1, branches: 1, detected: 1 }],
    branch_detected: [true, false],
  } as unknown as StoredCaseMetrics;
}

interface Seeded {
  challengeId: number;
  phaseId: number;
  cases: Record<string, number>;
  gold: Record<string, number>;
  submissions: Record<string, number>;
  teams: Record<string, number>;
}

async function q(db: Pool, sql: string, params: unknown[] = []) {
  return (await db.query(sql, params)).rows;
}

async function seedChallenge(db: Pool, slug: string, organiserId: number, captainId: number, teamNames: string[]): Promise<Seeded> {
  const [{ id: challengeId }] = await q(db, `insert into challenges (slug, title) values ($1, $1) returning id`, [slug]);
  await q(db, 'insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, organiserId]);
  const [{ id: phaseId }] = await q(
    db,
    `insert into phases (challenge_id, name, opens_at, closes_at) values ($1, 'Validation', now() - interval '2 days', now() + interval '2 days') returning id`,
    [challengeId],
  );
  const cases: Record<string, number> = {};
  const gold: Record<string, number> = {};
  for (const name of ['ATM_001', 'ATM_002']) {
    const n = phaseId * 100 + Object.keys(cases).length;
    await q(db, 'insert into blobs (sha256, size_bytes) values ($1, 1), ($2, 1) on conflict do nothing', [sha(n), sha(n + 50)]);
    [{ id: cases[name] }] = await q(db, `insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, 'ct.nii.gz', '{}') returning id`, [
      phaseId,
      name,
      sha(n),
    ]);
    [{ id: gold[name] }] = await q(
      db,
      `insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 1, $2, 'gt.nii.gz', 'ready', true) returning id`,
      [cases[name], sha(n + 50)],
    );
  }
  const teams: Record<string, number> = {};
  for (const name of teamNames) {
    [{ id: teams[name] }] = await q(db, `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, 'accepted') returning id`, [
      challengeId,
      name,
      `${slug}-${Object.keys(teams).length}`,
      captainId,
    ]);
  }
  return { challengeId, phaseId, cases, gold, teams, submissions: {} };
}

/** A finished submission: one published evaluation per case with the given value on every metric. */
async function seedSubmission(db: Pool, s: Seeded, key: string, team: string, captainId: number, values: number[], minute: number): Promise<number> {
  const cases = values.map((v) => metricsOf(v));
  const [{ id }] = await q(
    db,
    `insert into submissions (phase_id, team_id, submitted_by, status, aggregate, created_at, finished_at)
     values ($1, $2, $3, 'done', $4, timestamptz '2024-05-01T10:00:00Z' + make_interval(mins => $5), now()) returning id`,
    [s.phaseId, s.teams[team], captainId, JSON.stringify(aggregateCases(cases)), minute],
  );
  const names = Object.keys(s.cases);
  for (let i = 0; i < values.length; i++) {
    await q(db, `insert into blobs (sha256, size_bytes) values ($1, 1) on conflict do nothing`, [sha(id * 1000 + i)]);
    await q(db, `insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, $4)`, [id, s.cases[names[i]], sha(id * 1000 + i), `${names[i]}.nii.gz`]);
    await q(
      db,
      `insert into evaluations (submission_id, case_id, gold_standard_id, status, attempts, metrics, provenance, finished_at)
       values ($1, $2, $3, 'done', 1, $4, $5, now())`,
      [
        id,
        s.cases[names[i]],
        s.gold[names[i]],
        JSON.stringify(cases[i]),
        JSON.stringify({ evaluatorVersion: '1.0.0', goldSha256: sha(s.phaseId * 100 + i + 50), goldVersion: 1, predSha256: sha(id * 1000 + i), runMs: 5 }),
      ],
    );
  }
  s.submissions[key] = id;
  return id;
}

async function auditRows(db: Pool) {
  return q(db, 'select * from audit_log order by id');
}

describe('organiser review, re-evaluation runs and exports', () => {
  let t: TestApp;
  let organiser: Agent;
  let outsider: Agent;
  let organiserId: number;
  let s: Seeded;
  let other: Seeded;
  const TRICKY = 'Lung, "Airways"\nLab';
  const FORMULA = '=HYPERLINK("http://evil","x")';

  before(async () => {
    t = await createTestApp('review');
    organiser = t.agent();
    await organiser.register('org@example.org');
    outsider = t.agent();
    await outsider.register('participant@example.org');
    [{ id: organiserId }] = await q(t.db, `select id from users where email = 'org@example.org'`);
    const [{ id: captain }] = await q(t.db, `insert into users (email, display_name, password_hash) values ('cap@example.org', 'Cap', 'x') returning id`);
    s = await seedChallenge(t.db, 'review', organiserId, captain, [TRICKY, FORMULA, 'Plain']);
    await seedSubmission(t.db, s, 'tricky', TRICKY, captain, [0.9, 0.8], 1); // mean 0.85
    await seedSubmission(t.db, s, 'formula', FORMULA, captain, [0.7, 0.7], 2); // 0.70
    await seedSubmission(t.db, s, 'plain', 'Plain', captain, [0.6, 0.6], 3); // 0.60
    // a submission whose second case failed through the team's fault
    const [{ id: failed }] = await q(
      t.db,
      `insert into submissions (phase_id, team_id, submitted_by, status, created_at) values ($1, $2, $3, 'failed', now()) returning id`,
      [s.phaseId, s.teams.Plain, captain],
    );
    await q(t.db, `insert into evaluations (submission_id, case_id, status, error_code, error_message, error_owner) values ($1, $2, 'failed', 'GEOMETRY_MISMATCH', 'the mask is 512×512×300, the CT 512×512×301', 'team')`, [
      failed,
      s.cases.ATM_002,
    ]);
    s.submissions.failed = failed;
    other = await seedChallenge(t.db, 'elsewhere', captain, captain, ['Other']);
    await seedSubmission(t.db, other, 'x', 'Other', captain, [0.5, 0.5], 1);
    await q(t.db, `insert into audit_log (actor_id, action, target_type, target_id, reason) values ($1, 'submission.hide', 'submission', $2, 'not ours')`, [captain, other.submissions.x]);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  describe('GET /api/phases/:id/submissions', () => {
    it('refuses anonymous callers (401) and participants (403)', async () => {
      const anonymous = await t.agent().get(`/api/phases/${s.phaseId}/submissions`);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'UNAUTHENTICATED');
      const participant = await outsider.get(`/api/phases/${s.phaseId}/submissions`);
      assert.equal(participant.status, 403);
      assert.equal(participant.body.error.code, 'FORBIDDEN');
    });

    it('lists every submission, newest first, with team, status, aggregate, flags and the per-case table', async () => {
      const res = await organiser.get(`/api/phases/${s.phaseId}/submissions`);
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.submissions.map((x: { id: number }) => x.id),
        [s.submissions.failed, s.submissions.plain, s.submissions.formula, s.submissions.tricky],
      );
      const tricky = res.body.submissions[3];
      assert.equal(tricky.team.name, TRICKY);
      assert.equal(tricky.status, 'done');
      assert.equal(tricky.hidden, false);
      assert.ok(Math.abs(tricky.aggregate.mean.TD - 0.85) < 1e-12);
      assert.deepEqual(tricky.cases.map((c: { case: string }) => c.case), ['ATM_001', 'ATM_002']);
      assert.equal(tricky.cases[0].metrics.TD, 0.9);
      assert.equal(tricky.cases[0].metrics.branch_detected, undefined, 'per-branch flags stay out of the table');
      assert.equal(tricky.cases[0].provenance.evaluatorVersion, '1.0.0');
      const failed = res.body.submissions[0];
      assert.equal(failed.status, 'failed');
      assert.deepEqual(failed.cases[0].error, { code: 'GEOMETRY_MISMATCH', message: 'the mask is 512×512×300, the CT 512×512×301', owner: 'team' });
    });
  });

  describe('hide and disqualify', () => {
    it('requires a reason to hide, and changes nothing without one', async () => {
      const before = await auditRows(t.db);
      const res = await organiser.post(`/api/submissions/${s.submissions.tricky}/hide`, { hidden: true });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'BAD_REQUEST');
      assert.match(res.body.error.message, /reason/);
      const [row] = await q(t.db, 'select hidden from submissions where id = $1', [s.submissions.tricky]);
      assert.equal(row.hidden, false);
      assert.equal((await auditRows(t.db)).length, before.length);
    });

    it('refuses participants (403) and leaves the submission as it was', async () => {
      const res = await outsider.post(`/api/submissions/${s.submissions.tricky}/hide`, { hidden: true, reason: 'mine' });
      assert.equal(res.status, 403);
      const [row] = await q(t.db, 'select hidden from submissions where id = $1', [s.submissions.tricky]);
      assert.equal(row.hidden, false);
      const missing = await organiser.post('/api/submissions/987654/hide', { hidden: true, reason: 'x' });
      assert.equal(missing.status, 404);
      assert.match(missing.body.error.message, /no submission 987654/);
    });

    it('hides with a reason, writes the audit log, and drops the submission from the leaderboard', async () => {
      const res = await organiser.post(`/api/submissions/${s.submissions.tricky}/hide`, { hidden: true, reason: 'uploaded twice by mistake' });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.submission.hidden, res.body.submission.hiddenReason], [true, 'uploaded twice by mistake']);
      const [row] = await q(t.db, 'select hidden, hidden_reason from submissions where id = $1', [s.submissions.tricky]);
      assert.deepEqual(row, { hidden: true, hidden_reason: 'uploaded twice by mistake' });
      const audit = (await auditRows(t.db)).at(-1);
      assert.equal(audit.actor_id, organiserId);
      assert.equal(audit.action, 'submission.hide');
      assert.equal(audit.target_type, 'submission');
      assert.equal(audit.target_id, s.submissions.tricky);
      assert.equal(audit.reason, 'uploaded twice by mistake');
      assert.deepEqual(audit.details.before, { hidden: false, reason: null });
      const board = await t.agent().get(`/api/phases/${s.phaseId}/leaderboard`);
      assert.deepEqual(board.body.entries.map((e: { team: { name: string } }) => e.team.name), [FORMULA, 'Plain']);
    });

    it('un-hides (reason optional), clearing the stored reason and logging it', async () => {
      const res = await organiser.post(`/api/submissions/${s.submissions.tricky}/hide`, { hidden: false });
      assert.equal(res.status, 200);
      const [row] = await q(t.db, 'select hidden, hidden_reason from submissions where id = $1', [s.submissions.tricky]);
      assert.deepEqual(row, { hidden: false, hidden_reason: null });
      assert.equal((await auditRows(t.db)).at(-1).action, 'submission.unhide');
    });

    it('disqualifies with a reason and re-qualifies, each logged', async () => {
      const missingReason = await organiser.post(`/api/submissions/${s.submissions.formula}/disqualify`, { disqualified: true, reason: '  ' });
      assert.equal(missingReason.status, 400);
      assert.match(missingReason.body.error.message, /reason/);
      const res = await organiser.post(`/api/submissions/${s.submissions.formula}/disqualify`, { disqualified: true, reason: 'trained on the test set' });
      assert.equal(res.status, 200);
      const [row] = await q(t.db, 'select disqualified, disqualified_reason from submissions where id = $1', [s.submissions.formula]);
      assert.deepEqual(row, { disqualified: true, disqualified_reason: 'trained on the test set' });
      const board = await t.agent().get(`/api/phases/${s.phaseId}/leaderboard`);
      assert.deepEqual(board.body.entries.map((e: { team: { name: string } }) => e.team.name), [TRICKY, 'Plain']);
      await organiser.post(`/api/submissions/${s.submissions.formula}/disqualify`, { disqualified: false, reason: 'appeal upheld' });
      const audit = (await auditRows(t.db)).slice(-2);
      assert.deepEqual(audit.map((a) => [a.action, a.reason]), [
        ['submission.disqualify', 'trained on the test set'],
        ['submission.requalify', 'appeal upheld'],
      ]);
    });
  });

  describe('GET /api/challenges/:slug/audit', () => {
    it('lists this challenge’s entries newest first, not other challenges’, to organisers only', async () => {
      const res = await organiser.get('/api/challenges/review/audit');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.entries.map((e: { action: string }) => e.action),
        ['submission.requalify', 'submission.disqualify', 'submission.unhide', 'submission.hide'],
      );
      assert.equal(res.body.entries[0].actor.id, organiserId);
      assert.equal(res.body.entries[0].targetType, 'submission');
      assert.ok(!res.body.entries.some((e: { reason: string }) => e.reason === 'not ours'));
      const page = await organiser.get('/api/challenges/review/audit?limit=3');
      assert.equal(page.body.entries.length, 3);
      const rest = await organiser.get(`/api/challenges/review/audit?limit=3&before=${page.body.next}`);
      assert.deepEqual(rest.body.entries.map((e: { action: string }) => e.action), ['submission.hide']);
      assert.equal((await outsider.get('/api/challenges/review/audit')).status, 403);
      assert.equal((await t.agent().get('/api/challenges/review/audit')).status, 401);
      assert.equal((await organiser.get('/api/challenges/nope/audit')).status, 404);
    });
  });

  describe('re-evaluation runs', () => {
    let runId: number;
    let goldV2: number;

    it('needs a reason', async () => {
      const res = await organiser.post(`/api/submissions/${s.submissions.plain}/reevaluate`, {});
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /reason/);
      assert.equal((await q(t.db, 'select count(*)::int as n from evaluation_runs'))[0].n, 0);
    });

    it('refuses when a case has no current gold standard, creating nothing', async () => {
      await q(t.db, 'update gold_standards set is_current = false where id = $1', [s.gold.ATM_002]);
      const res = await organiser.post(`/api/phases/${s.phaseId}/reevaluate`, { reason: 'gold fix' });
      await q(t.db, 'update gold_standards set is_current = true where id = $1', [s.gold.ATM_002]);
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /case "ATM_002": it has no current gold standard/);
      assert.equal((await q(t.db, 'select count(*)::int as n from evaluation_runs'))[0].n, 0);
      assert.equal((await q(t.db, 'select count(*)::int as n from evaluations where run_id is not null'))[0].n, 0);
    });

    it('creates a running run with one queued candidate per case against the current gold standard, and enqueues them', async () => {
      await q(t.db, `insert into blobs (sha256, size_bytes) values ($1, 1)`, [sha(999_999)]);
      await q(t.db, 'update gold_standards set is_current = false where id = $1', [s.gold.ATM_001]);
      [{ id: goldV2 }] = await q(
        t.db,
        `insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 2, $2, 'gt-fixed.nii.gz', 'ready', true) returning id`,
        [s.cases.ATM_001, sha(999_999)],
      );
      const res = await organiser.post(`/api/submissions/${s.submissions.plain}/reevaluate`, { reason: 'gold standard of ATM_001 fixed' });
      assert.equal(res.status, 202);
      runId = res.body.run.id;
      assert.equal(res.body.run.status, 'running');
      assert.equal(res.body.evaluations, 2);
      const [run] = await q(t.db, 'select * from evaluation_runs where id = $1', [runId]);
      assert.deepEqual([run.status, run.submission_id, run.phase_id, run.created_by, run.reason], ['running', s.submissions.plain, s.phaseId, organiserId, 'gold standard of ATM_001 fixed']);
      const candidates = await q(t.db, 'select id, case_id, status, gold_standard_id, metrics from evaluations where run_id = $1 order by case_id', [runId]);
      assert.deepEqual(
        candidates.map((c) => [c.case_id, c.status, c.gold_standard_id, c.metrics]),
        [
          [s.cases.ATM_001, 'queued', goldV2, null],
          [s.cases.ATM_002, 'queued', s.gold.ATM_002, null],
        ],
      );
      const jobs = await q(t.db, `select data from pgboss.job where name = 'evaluate-case'`);
      assert.deepEqual(jobs.map((j) => j.data.evaluationId).sort(), candidates.map((c) => c.id).sort());
      const published = await q(t.db, 'select status, metrics from evaluations where submission_id = $1 and run_id is null', [s.submissions.plain]);
      assert.ok(published.every((p) => p.status === 'done' && p.metrics.TD === 0.6), 'published results are untouched');
      assert.equal((await auditRows(t.db)).at(-1).action, 'evaluation_run.start');
    });

    it('refuses a second, overlapping run while the first is undecided', async () => {
      const again = await organiser.post(`/api/submissions/${s.submissions.plain}/reevaluate`, { reason: 'again' });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, new RegExp(`run ${runId} already re-evaluates`));
      const phase = await organiser.post(`/api/phases/${s.phaseId}/reevaluate`, { reason: 'all' });
      assert.equal(phase.status, 409);
      assert.equal((await q(t.db, 'select count(*)::int as n from evaluation_runs'))[0].n, 1);
    });

    it('shows progress without a diff while candidates are queued, and refuses to publish (409)', async () => {
      const res = await organiser.get(`/api/runs/${runId}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.progress, { total: 2, queued: 2, running: 0, done: 0, failed: 0 });
      assert.equal(res.body.diff, null);
      assert.equal(res.body.publishable, false);
      const publish = await organiser.post(`/api/runs/${runId}/publish`, {});
      assert.equal(publish.status, 409);
      assert.match(publish.body.error.message, /0 of 2 done, 2 queued/);
      assert.equal((await q(t.db, 'select status from evaluation_runs where id = $1', [runId]))[0].status, 'running');
      assert.equal((await outsider.get(`/api/runs/${runId}`)).status, 403);
      assert.equal((await organiser.get('/api/runs/424242')).status, 404);
    });

    it('once every candidate is done, shows the changed cases and the leaderboard before and after', async () => {
      // the worker's part, simulated: ATM_001 now scores 0.95 against the fixed gold standard, ATM_002 unchanged
      await q(t.db, `update evaluations set status = 'done', metrics = $2, provenance = '{"evaluatorVersion": "1.0.1", "goldVersion": 2}', finished_at = now() where run_id = $1 and case_id = $3`, [
        runId,
        JSON.stringify(metricsOf(0.95)),
        s.cases.ATM_001,
      ]);
      await q(t.db, `update evaluations set status = 'done', metrics = $2, provenance = '{"evaluatorVersion": "1.0.1", "goldVersion": 1}', finished_at = now() where run_id = $1 and case_id = $3`, [
        runId,
        JSON.stringify(metricsOf(0.6)),
        s.cases.ATM_002,
      ]);
      const res = await organiser.get(`/api/runs/${runId}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.run.status, 'ready');
      assert.equal(res.body.publishable, true);
      const { changedCases, unchangedCases, leaderboard } = res.body.diff;
      assert.equal(unchangedCases, 1);
      assert.equal(changedCases.length, 1);
      assert.equal(changedCases[0].case, 'ATM_001');
      assert.deepEqual(changedCases[0].changed, AGGREGATED_METRICS);
      assert.deepEqual([changedCases[0].old.TD, changedCases[0].new.TD], [0.6, 0.95]);
      assert.equal(changedCases[0].provenance.new.goldVersion, 2);
      // Plain: (0.95 + 0.6) / 2 = 0.775 moves above the formula team's 0.70
      assert.deepEqual(leaderboard.before.map((e: { team: { name: string } }) => e.team.name), [TRICKY, FORMULA, 'Plain']);
      assert.deepEqual(leaderboard.after.map((e: { team: { name: string } }) => e.team.name), [TRICKY, 'Plain', FORMULA]);
      assert.deepEqual(
        leaderboard.moved.map((m: { team: { name: string }; before: { rank: number }; after: { rank: number } }) => [m.team.name, m.before.rank, m.after.rank]),
        [
          ['Plain', 3, 2],
          [FORMULA, 2, 3],
        ],
      );
      // nothing is published yet
      const board = await t.agent().get(`/api/phases/${s.phaseId}/leaderboard`);
      assert.equal(board.body.entries[1].team.name, FORMULA);
    });

    it('publishes: the published rows take the candidates’ results, the aggregate and the leaderboard follow', async () => {
      const [before] = await q(t.db, 'select id from evaluations where submission_id = $1 and case_id = $2 and run_id is null', [s.submissions.plain, s.cases.ATM_001]);
      const res = await organiser.post(`/api/runs/${runId}/publish`, { reason: 'reviewed the diff' });
      assert.equal(res.status, 200);
      assert.equal(res.body.run.status, 'published');
      assert.equal(res.body.changedCases, 1);
      const [row] = await q(t.db, 'select id, metrics, provenance, gold_standard_id, status from evaluations where submission_id = $1 and case_id = $2 and run_id is null', [
        s.submissions.plain,
        s.cases.ATM_001,
      ]);
      assert.equal(row.id, before.id, 'the published row is updated in place');
      assert.equal(row.metrics.TD, 0.95);
      assert.equal(row.provenance.goldVersion, 2);
      assert.equal(row.provenance.runId, runId);
      assert.equal(row.gold_standard_id, goldV2);
      const [submission] = await q(t.db, 'select aggregate from submissions where id = $1', [s.submissions.plain]);
      assert.ok(Math.abs(submission.aggregate.mean.TD - 0.775) < 1e-12);
      assert.equal(submission.aggregate.cases, 2);
      const board = await t.agent().get(`/api/phases/${s.phaseId}/leaderboard`);
      assert.deepEqual(board.body.entries.map((e: { team: { name: string } }) => e.team.name), [TRICKY, 'Plain', FORMULA]);
      const [run] = await q(t.db, 'select status, decided_at from evaluation_runs where id = $1', [runId]);
      assert.equal(run.status, 'published');
      assert.ok(run.decided_at);
      const audit = (await auditRows(t.db)).at(-1);
      assert.deepEqual([audit.action, audit.target_type, audit.target_id, audit.reason], ['evaluation_run.publish', 'evaluation_run', runId, 'reviewed the diff']);
      assert.equal(audit.details.moved.length, 2);
    });

    it('refuses to publish or discard a decided run', async () => {
      const again = await organiser.post(`/api/runs/${runId}/publish`, {});
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /already published/);
      assert.equal((await organiser.post(`/api/runs/${runId}/discard`, {})).status, 409);
    });

    it('re-evaluates a whole phase (every evaluated submission) and discards the run, leaving results as they were', async () => {
      const res = await organiser.post(`/api/phases/${s.phaseId}/reevaluate`, { reason: 'evaluator 1.0.2' });
      assert.equal(res.status, 202);
      assert.equal(res.body.submissions, 3);
      assert.equal(res.body.evaluations, 6);
      const phaseRunId = res.body.run.id;
      assert.equal(res.body.run.submissionId, null);
      await q(t.db, `update evaluations set status = 'done', metrics = $2 where run_id = $1`, [phaseRunId, JSON.stringify(metricsOf(0.1))]);
      const listed = await organiser.get(`/api/phases/${s.phaseId}/runs`);
      assert.deepEqual(listed.body.runs.map((r: { id: number }) => r.id), [phaseRunId, runId]);
      const discard = await organiser.post(`/api/runs/${phaseRunId}/discard`, { reason: 'not needed' });
      assert.equal(discard.status, 200);
      assert.equal(discard.body.run.status, 'discarded');
      const published = await q(t.db, `select metrics->'TD' as td from evaluations e join submissions s on s.id = e.submission_id where s.phase_id = $1 and e.run_id is null and e.status = 'done'`, [
        s.phaseId,
      ]);
      assert.ok(published.every((p) => p.td !== 0.1));
      assert.deepEqual((await auditRows(t.db)).at(-1).action, 'evaluation_run.discard');
      const report = await organiser.get(`/api/runs/${phaseRunId}`);
      assert.equal(report.body.publishable, false);
      assert.equal(report.body.diff, null);
    });

    it('refuses to re-evaluate a submission still being evaluated', async () => {
      await q(t.db, `update submissions set status = 'running' where id = $1`, [s.submissions.formula]);
      const res = await organiser.post(`/api/submissions/${s.submissions.formula}/reevaluate`, { reason: 'x' });
      await q(t.db, `update submissions set status = 'done' where id = $1`, [s.submissions.formula]);
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /still being evaluated/);
    });
  });

  describe('exports', () => {
    it('writes CSV cells per RFC 4180 and defuses formula-like text (pure)', () => {
      assert.equal(csvCell('plain'), 'plain');
      assert.equal(csvCell('a,b'), '"a,b"');
      assert.equal(csvCell('say "hi"'), '"say ""hi"""');
      assert.equal(csvCell('two\nlines'), '"two\nlines"');
      for (const start of ['=', '+', '-', '@', '\t']) assert.equal(csvCell(`${start}1`).replace(/^"/, '')[0], "'", `a cell starting with ${JSON.stringify(start)}`);
      assert.equal(csvCell('=1,2'), `"'=1,2"`);
      assert.equal(csvCell(-0.5), '-0.5', 'numbers stay numbers');
      assert.equal(csvCell(null), '');
      assert.equal(csvCell(true), 'true');
      assert.equal(csvCell(new Date('2024-01-02T03:04:05Z')), '2024-01-02T03:04:05.000Z');
      assert.equal(csvTable(['a', 'b'], [{ a: 1, b: 'x' }]), 'a,b\r\n1,x\r\n');
    });

    it('sends the per-case results as an RFC 4180 CSV attachment, quoting and defusing team names', async () => {
      const res = await organiser.get(`/api/phases/${s.phaseId}/export.csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="?phase-\d+-results\.csv"?$/);
      const lines = res.text.split('\r\n');
      assert.match(lines[0], /^team_id,team,submission_id,submitted_at,submission_status,hidden,disqualified,leaderboard_rank,case,evaluation_status,TD,BD,DSC,Precision,Sensitivity,Specificity,branches_total,/);
      assert.match(lines[0], /evaluator_version,pred_sha256,gold_sha256,gold_version,error_code,error_message$/);
      assert.ok(res.text.includes(`,"${"'"}=HYPERLINK(""http://evil"",""x"")",`), 'the formula team is quoted and prefixed with a quote');
      assert.ok(res.text.includes(`,"Lung, ""Airways""\nLab",`), 'commas, quotes and newlines are quoted');
      // 3 submissions × 2 cases + the failed one's single case, after the header; every line ends with CRLF
      assert.equal(lines.length, 1 + 7 + 1);
      assert.equal(lines.at(-1), '');
      const plainRow = lines.find((l) => l.includes(`,Plain,${s.submissions.plain},`) && l.includes(",ATM_001,"))!;
      assert.ok(plainRow.includes(',0.95,'), plainRow);
      assert.ok(plainRow.includes(`,${sha(s.submissions.plain * 1000)},`), 'pred sha256 is in the row');
    });

    it('sends the leaderboard as CSV with ?table=leaderboard and everything as JSON', async () => {
      const board = await organiser.get(`/api/phases/${s.phaseId}/export.csv?table=leaderboard`);
      assert.equal(board.status, 200);
      const lines = board.text.trim().split('\r\n');
      assert.match(lines[0], /^rank,team_id,team,submission_id,submitted_at,score,mean_TD,/);
      assert.match(lines[1], /^1,/);
      const json = await organiser.get(`/api/phases/${s.phaseId}/export.json`);
      assert.equal(json.status, 200);
      assert.match(json.headers.get('content-disposition') ?? '', /attachment/);
      const body = JSON.parse(json.text);
      assert.deepEqual(body.entries.map((e: { team: { name: string } }) => e.team.name), [TRICKY, 'Plain', FORMULA]);
      assert.equal(body.results.length, 7);
      const failedRow = body.results.find((r: { submission_id: number }) => r.submission_id === s.submissions.failed);
      assert.deepEqual([failedRow.evaluation_status, failedRow.error_code], ['failed', 'GEOMETRY_MISMATCH']);
      const ok = body.results.find((r: { submission_id: number; case: string }) => r.submission_id === s.submissions.tricky && r.case === 'ATM_001');
      assert.deepEqual([ok.TD, ok.branches_detected, ok.evaluator_version, ok.gold_version, ok.leaderboard_rank], [0.9, 9, '1.0.0', 1, 1]);
    });

    it('refuses participants and rejects an unknown table', async () => {
      assert.equal((await outsider.get(`/api/phases/${s.phaseId}/export.csv`)).status, 403);
      assert.equal((await outsider.get(`/api/phases/${s.phaseId}/export.json`)).status, 403);
      const bad = await organiser.get(`/api/phases/${s.phaseId}/export.csv?table=nope`);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /table/);
    });
  });
});
