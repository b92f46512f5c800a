/**
 * The demo seed against a real PostgreSQL: it seeds a fresh platform through the platform's own services, never
 * duplicates anything when run again, leaves a platform with challenges of its own alone at start-up, finishes
 * an interrupted demo, and `reset` rebuilds it. @slow: the normal worker scores every demo submission and the
 * leaderboards fill in, in the order the profiles promise.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { evaluationProgress } from '../../server/platform-api.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { DEMO_PHASES, DEMO_SEEDED_ACTION, DEMO_SLUG, DEMO_TEAMS } from '../../seed/demo/demo-content.ts';
import { seedDemo, type SeedDemoOptions } from '../../seed/demo-seed.ts';
import { DEMO_MODEL_CASES, DEMO_MODEL_PHASE_NAME } from '../../seed/demo/demo-model-phase.ts';
import { DEMO_INPUTS_RELEASE, DEMO_TRAINING_CASES, DEMO_TRAINING_RELEASE } from '../../seed/demo/demo-releases.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const TABLES = ['challenges', 'phases', 'cases', 'gold_standards', 'blobs', 'users', 'teams', 'team_members', 'submissions', 'submission_files', 'evaluations'] as const;

// the masks phases, plus the model phase: its cases, the baseline team and its one model submission
const maskCases = DEMO_PHASES.reduce((n, p) => n + p.caseNames.length, 0);
const maskEvaluations = DEMO_PHASES.reduce((n, p) => n + p.caseNames.length * DEMO_TEAMS.reduce((m, t) => m + t.submissions[p.key].length, 0), 0);
const expectedCases = maskCases + DEMO_MODEL_CASES.length;
const expectedTeams = DEMO_TEAMS.length + 1;
const expectedSubmissions = DEMO_PHASES.reduce((n, p) => n + DEMO_TEAMS.reduce((m, t) => m + t.submissions[p.key].length, 0), 0) + 1;
const expectedEvaluations = maskEvaluations + DEMO_MODEL_CASES.length;

describe('seed: demo challenge', function () {
  this.timeout(180_000);
  let t: TestApp;
  const announced: string[] = [];
  const quiet = (extra: SeedDemoOptions = {}): SeedDemoOptions => ({ onProgress: () => undefined, announce: (text) => announced.push(text), ...extra });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) result[table] = (await t.db.query(`select count(*)::int as n from ${table}`)).rows[0].n;
    result.jobs = (await t.db.query(`select count(*)::int as n from pgboss.job where name in ('prepare-gold', 'evaluate-case')`)).rows[0].n;
    return result;
  }

  before(async () => {
    t = await createTestApp('demo_seed');
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  it('at start-up, leaves a platform that has challenges of its own alone', async () => {
    const owner = await t.db.query(`insert into users (email, display_name, password_hash, is_admin, email_verified_at) values ('owner@example.org', 'owner', 'x', true, now()) returning id`);
    await t.db.query(`insert into challenges (slug, title, created_by) values ('real-one', 'A real challenge', $1)`, [owner.rows[0].id]);
    const result = await seedDemo(t.deps, quiet({ when: 'startup' }));
    assert.equal(result.status, 'skipped');
    assert.match(result.reason ?? '', /npm run seed/);
    assert.equal((await t.db.query('select count(*)::int as n from challenges where slug = $1', [DEMO_SLUG])).rows[0].n, 0);
    await t.db.query(`delete from challenges`);
    await t.db.query(`delete from users`);
  });

  it('seeds an empty platform: organiser (password written once to a file of mode 600, never shown), challenge, three masks phases (one scored with AIIB23) and a model phase, cases, teams, queued submissions and the baseline model', async () => {
    const result = await seedDemo(t.deps, quiet({ when: 'startup' }));
    assert.equal(result.status, 'seeded');
    assert.deepEqual(result.created, { cases: expectedCases, teams: expectedTeams, submissions: expectedSubmissions });
    assert.equal(announced.length, 1);
    assert.match(announced[0], /admin@carina\.local/);
    const file = /password file: (\S+)/.exec(announced[0])![1];
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').split('\n')[1];
    assert.ok(password.length >= 16 && !announced[0].includes(password), 'the announcement names the file, never the password');
    const login = await t.agent().post('/api/auth/login', { email: 'admin@carina.local', password });
    assert.equal(login.status, 200, login.text);

    const detail = await t.agent().get(`/api/challenges/${DEMO_SLUG}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.challenge.title, 'Airway Tree Modeling — demo');
    const phases = (await t.db.query('select * from phases p join challenges c on c.id = p.challenge_id where c.slug = $1 order by p.id', [DEMO_SLUG])).rows;
    assert.deepEqual(phases.map((p) => [p.name, p.kind, p.show_case_results, p.teams_inspect_in_3d]), [
      ['Validation', 'masks', true, true],
      ['Test', 'masks', false, false],
      ['AIIB23 metrics', 'masks', true, true],
      [DEMO_MODEL_PHASE_NAME, 'model', true, false],
    ]);
    assert.ok(phases[0].opens_at <= new Date() && phases[0].closes_at.getTime() - Date.now() > 89 * 24 * 3600_000, 'validation open now for 90 days');
    const c = await counts();
    assert.equal(c.cases, expectedCases);
    assert.equal(c.gold_standards, expectedCases);
    assert.equal(c.teams, expectedTeams);
    assert.equal(c.users, expectedTeams + 1);
    assert.equal(c.submissions, expectedSubmissions);
    assert.equal(c.evaluations, expectedEvaluations);
    assert.equal(c.jobs, expectedCases + maskEvaluations, 'one prepare-gold job per case, one evaluate-case job per (submission, case) of the masks phases');
    const modelRuns = (await t.db.query(`select count(*)::int as n from pgboss.job where name = 'run-model'`)).rows[0].n;
    assert.equal(modelRuns, DEMO_MODEL_CASES.length, 'one run-model job per hidden case of the model phase');
    const golds = (await t.db.query('select distinct status, is_current, version from gold_standards')).rows;
    assert.deepEqual(golds, [{ status: 'queued', is_current: true, version: 1 }]);
    const teams = (await t.db.query('select distinct status from teams')).rows;
    assert.deepEqual(teams, [{ status: 'accepted' }]);
  });

  it('releases a training set (phantom CTs with labels) and the validation inputs (its CTs, the stored blobs)', async () => {
    const list = await t.agent().get(`/api/challenges/${DEMO_SLUG}/releases`);
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.agreement, 'the demo has a data-use agreement');
    const [training, inputs] = list.body.releases;
    assert.equal(training.name, DEMO_TRAINING_RELEASE);
    assert.deepEqual(training.files.map((f: any) => [f.name, f.role]), DEMO_TRAINING_CASES.flatMap((c) => [[`${c}_0000.nii.gz`, 'ct'], [`${c}_label.nii.gz`, 'gold']]).sort());
    assert.equal(inputs.name, DEMO_INPUTS_RELEASE);
    const cts = (await t.db.query(`select c.name, c.ct_sha256 from cases c join phases p on p.id = c.phase_id where p.name = 'Validation' order by c.name`)).rows;
    assert.deepEqual(inputs.files.map((f: any) => [f.name, f.sha256]), cts.map((c) => [`${c.name}.nii.gz`, c.ct_sha256]));
    // the simulated teams accepted the agreement, so their submissions went in
    const refused = (await t.db.query(`select count(*)::int as n from team_members m join challenges c on c.id = m.challenge_id where c.slug = $1 and m.agreement_accepted_at is null`, [DEMO_SLUG])).rows[0].n;
    assert.equal(refused, 0);
  });

  it('run again: nothing new, nothing duplicated, no password shown', async () => {
    const before = await counts();
    const again = await seedDemo(t.deps, quiet());
    assert.equal(again.status, 'seeded');
    assert.deepEqual(again.created, { cases: 0, teams: 0, submissions: 0 });
    assert.deepEqual(await counts(), before);
    assert.equal(announced.length, 1);
    const atStartup = await seedDemo(t.deps, quiet({ when: 'startup' }));
    assert.equal(atStartup.status, 'skipped');
    assert.match(atStartup.reason ?? '', /there already/);
  });

  it('finishes a demo an interrupted start left incomplete', async () => {
    const before = await counts();
    const challenge = (await t.db.query('select id from challenges where slug = $1', [DEMO_SLUG])).rows[0].id;
    await t.db.query(`delete from audit_log where action = $1`, [DEMO_SEEDED_ACTION]);
    const lost = await t.db.query(
      `delete from submissions where id = (select s.id from submissions s join phases p on p.id = s.phase_id where p.challenge_id = $1 and p.name = 'Test' order by s.id desc limit 1) returning id`,
      [challenge],
    );
    assert.equal(lost.rowCount, 1);
    const resumed = await seedDemo(t.deps, quiet({ when: 'startup' }));
    assert.deepEqual(resumed.created, { cases: 0, teams: 0, submissions: 1 });
    const after = await counts();
    assert.equal(after.submissions, before.submissions);
    assert.equal(after.evaluations, before.evaluations);
    assert.equal((await t.db.query('select count(*)::int as n from audit_log where action = $1', [DEMO_SEEDED_ACTION])).rows[0].n, 1);
  });

  it('reset deletes the demo challenge and builds it again, keeping the accounts', async () => {
    const before = await counts();
    const oldId = (await t.db.query('select id from challenges where slug = $1', [DEMO_SLUG])).rows[0].id;
    const rebuilt = await seedDemo(t.deps, quiet({ reset: true }));
    assert.equal(rebuilt.status, 'seeded');
    assert.notEqual(rebuilt.challengeId, oldId);
    assert.deepEqual(rebuilt.created, { cases: expectedCases, teams: expectedTeams, submissions: expectedSubmissions });
    const after = await counts();
    for (const table of ['challenges', 'phases', 'cases', 'gold_standards', 'users', 'teams', 'team_members', 'submissions', 'submission_files', 'evaluations', 'blobs']) {
      assert.equal(after[table], before[table], `${table} after reset`);
    }
    assert.equal(announced.length, 1, 'the organiser exists: no new password');
  });

  describe('scored by the worker @slow', () => {
    it('every demo submission is scored through the queue (the baseline model run on hidden CTs too); the leaderboards fill in, in profile order', async () => {
      await startWorker(t.deps);
      const challengeId = (await t.db.query('select id from challenges where slug = $1', [DEMO_SLUG])).rows[0].id;
      const deadline = Date.now() + 150_000;
      let state = await evaluationProgress(t.db, challengeId);
      while (state.goldPending + state.evaluationsPending > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        state = await evaluationProgress(t.db, challengeId);
      }
      assert.deepEqual(state, { goldPending: 0, evaluationsPending: 0, evaluationsDone: expectedEvaluations, evaluationsFailed: 0 });
      const phases = (await t.db.query(`select id, name from phases where challenge_id = $1 and kind = 'masks' order by id`, [challengeId])).rows;
      const modelPhase = (await t.db.query(`select id from phases where challenge_id = $1 and kind = 'model'`, [challengeId])).rows[0];
      const modelBoard = await t.agent().get(`/api/phases/${modelPhase.id}/leaderboard`);
      assert.deepEqual(modelBoard.body.entries.map((e: { team: { name: string } }) => e.team.name), ['Carina Baseline']);
      assert.ok(modelBoard.body.entries[0].score > 30, `the baseline model scores clearly above zero (${modelBoard.body.entries[0].score})`);
      for (const phase of phases) {
        const board = await t.agent().get(`/api/phases/${phase.id}/leaderboard`);
        assert.equal(board.status, 200, board.text);
        const teams = board.body.entries.map((e: { team: { name: string } }) => e.team.name);
        assert.equal(teams.length, DEMO_TEAMS.length, `${phase.name}: ${teams.join(', ')}`);
        // Lumen Lab (excellent) first, Baseline U-Net (poor) last
        assert.equal(teams[0], 'Lumen Lab', `${phase.name}: ${teams.join(', ')}`);
        assert.equal(teams[teams.length - 1], 'Baseline U-Net', `${phase.name}: ${teams.join(', ')}`);
        // each phase's own metrics: the AIIB23 phase's means are AIIB23's, the others ATM'22's
        const mean = board.body.entries[0].mean;
        const aiib = phase.name === 'AIIB23 metrics';
        assert.equal(typeof mean[aiib ? 'IoU' : 'TD'], 'number', `${phase.name}: ${Object.keys(mean).join(', ')}`);
        assert.equal(mean[aiib ? 'TD' : 'IoU'], undefined, phase.name);
        // the AIIB23 phase ranks with a lower-is-better figure among its metrics
        if (aiib) assert.match(board.body.explanation, /Leakage \(lower is better/);
      }
    });
  });
});
