/**
 * Challenges and phases over real HTTP and a real PostgreSQL: who may create and change them, what everyone
 * sees, and how bad windows and ranking schemes are refused.
 */
import assert from 'node:assert/strict';
import { linkIn, waitForOutboxMail } from '../helpers/mail.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

const WINDOW = { opensAt: '2025-03-01T09:00:00+02:00', closesAt: '2035-03-01T00:00:00Z' };

describe('challenges and phases', () => {
  let t: TestApp;
  let admin: Agent;
  let participant: Agent;
  let colleague: Agent;

  before(async () => {
    t = await createTestApp('challenges');
    admin = t.agent();
    await admin.register('admin@example.org');
    await t.db.query('update users set is_admin = true where email = $1', ['admin@example.org']);
    participant = t.agent();
    await participant.register('participant@example.org');
    colleague = t.agent();
    await colleague.register('colleague@example.org');
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  describe('challenges', () => {
    it('lets a platform admin create a challenge and makes them its organiser', async () => {
      const res = await admin.post('/api/challenges', {
        slug: 'atm22',
        title: "Airway Tree Modeling '22",
        description: 'Segment the airway tree.',
        participationPolicy: 'review',
        dataAgreement: 'Use the data for this challenge only.',
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.challenge.slug, 'atm22');
      assert.equal(res.body.challenge.participationPolicy, 'review');
      assert.equal(res.body.challenge.dataAgreement, 'Use the data for this challenge only.');
      const organisers = await t.db.query(
        'select u.email from challenge_organisers o join users u on u.id = o.user_id join challenges c on c.id = o.challenge_id where c.slug = $1',
        ['atm22'],
      );
      assert.deepEqual(organisers.rows, [{ email: 'admin@example.org' }]);
    });

    it('refuses creation to anonymous callers (401) and to participants (403)', async () => {
      const body = { slug: 'other', title: 'Other', participationPolicy: 'auto' };
      assert.equal((await t.agent().post('/api/challenges', body)).status, 401);
      const res = await participant.post('/api/challenges', body);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'FORBIDDEN');
      assert.match(res.body.error.message, /platform admins/);
      assert.equal((await t.db.query(`select count(*)::int as n from challenges where slug = 'other'`)).rows[0].n, 0);
    });

    it('refuses a taken slug with 409 and a malformed body with 400 naming the fields', async () => {
      const taken = await admin.post('/api/challenges', { slug: 'atm22', title: 'Again', participationPolicy: 'auto' });
      assert.equal(taken.status, 409);
      assert.match(taken.body.error.message, /"atm22" exists already/);
      const bad = await admin.post('/api/challenges', { slug: 'Bad Slug!', title: '', participationPolicy: 'open' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /slug: must be 2 to 63 lower-case letters/);
      assert.match(bad.body.error.message, /title: must not be empty/);
      assert.match(bad.body.error.message, /participationPolicy: must be "auto"/);
    });

    it('lists challenges publicly', async () => {
      const res = await t.agent().get('/api/challenges');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.challenges.map((c: { slug: string }) => c.slug), ['atm22']);
    });

    it('lets organisers change a challenge; others get 403; unknown fields are refused', async () => {
      const res = await admin.patch('/api/challenges/atm22', { title: 'ATM 2022', description: '' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.challenge.title, 'ATM 2022');
      assert.equal(res.body.challenge.description, '');
      assert.equal(res.body.challenge.participationPolicy, 'review');
      const forbidden = await participant.patch('/api/challenges/atm22', { title: 'Mine' });
      assert.equal(forbidden.status, 403);
      assert.equal((await t.agent().patch('/api/challenges/atm22', { title: 'Mine' })).status, 401);
      const unknown = await admin.patch('/api/challenges/atm22', { slug: 'renamed' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error.message, /slug/);
      assert.equal((await admin.patch('/api/challenges/nope', { title: 'X' })).status, 404);
    });

    it('lets an organiser invite another organiser by e-mail, who accepts from a verified account and may then act as one', async () => {
      assert.equal((await participant.post('/api/challenges/atm22/organisers', { email: 'colleague@example.org' })).status, 403);
      const res = await admin.post('/api/challenges/atm22/organisers', { email: 'Colleague@Example.org' });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.invitedEmail, 'colleague@example.org');
      // naming the address grants nothing until its owner accepts
      assert.equal((await colleague.get('/api/challenges/atm22')).body.me.organiser, false);
      // the invitation is mailed (by the mail sender, from the outbox row committed with the invitation)
      assert.ok(linkIn(await waitForOutboxMail(t.outboxDir, 'colleague@example.org', '/invitations'), '/invitations'), 'the invitation is mailed');
      const mine = await colleague.get('/api/invitations');
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.invitations.map((i: { challengeSlug: string }) => i.challengeSlug), ['atm22']);
      // another account cannot accept an invitation addressed to someone else
      assert.equal((await participant.post(`/api/invitations/${mine.body.invitations[0].id}/accept`)).status, 404);
      const accepted = await colleague.post(`/api/invitations/${mine.body.invitations[0].id}/accept`);
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal((await colleague.post(`/api/invitations/${mine.body.invitations[0].id}/accept`)).status, 404, 'used once');
      const again = await admin.post('/api/challenges/atm22/organisers', { email: 'colleague@example.org' });
      assert.equal(again.status, 409);
      const detail = await colleague.get('/api/challenges/atm22');
      assert.equal(detail.body.me.organiser, true);
      assert.deepEqual(detail.body.organisers.map((o: { email: string }) => o.email), ['admin@example.org', 'colleague@example.org']);
      assert.equal((await colleague.patch('/api/challenges/atm22', { description: 'Segment airways.' })).status, 200);
    });
  });

  describe('phases', () => {
    let phaseId: number;

    it('lets organisers create a phase: windows stored and shown in UTC, defaults filled in', async () => {
      const res = await admin.post('/api/challenges/atm22/phases', {
        name: 'Validation',
        ...WINDOW,
        dailyLimit: 3,
        totalLimit: 20,
        showCaseResults: false,
        ranking: { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } },
        leaderboardPick: 'latest',
      });
      assert.equal(res.status, 201, res.text);
      const phase = res.body.phase;
      phaseId = phase.id;
      assert.equal(phase.opensAt, '2025-03-01T07:00:00.000Z');
      assert.equal(phase.closesAt, '2035-03-01T00:00:00.000Z');
      assert.equal(phase.timeZone, 'UTC');
      assert.equal(phase.kind, 'masks');
      assert.deepEqual([phase.dailyLimit, phase.totalLimit, phase.showCaseResults, phase.leaderboardPick], [3, 20, false, 'latest']);
      const stored = (await t.db.query(`select opens_at, ranking from phases where id = $1`, [phaseId])).rows[0];
      assert.equal(stored.opens_at.toISOString(), '2025-03-01T07:00:00.000Z');
      assert.equal(stored.ranking.scheme, 'weighted');

      const modelPhase = await colleague.post('/api/challenges/atm22/phases', {
        name: 'Test (model)',
        kind: 'model',
        ...WINDOW,
        ranking: { scheme: 'mean-rank', metrics: ['TD', 'BD', 'DSC'] },
      });
      assert.equal(modelPhase.status, 201, modelPhase.text);
      assert.deepEqual(
        [modelPhase.body.phase.kind, modelPhase.body.phase.dailyLimit, modelPhase.body.phase.totalLimit, modelPhase.body.phase.leaderboardPick],
        ['model', 5, null, 'best'],
      );
      assert.deepEqual(modelPhase.body.phase.modelLimits, { maxBytes: 200 * 2 ** 20, timeLimitPerCaseS: 1800, memoryLimitPerCaseMb: 4096 });
      assert.equal(modelPhase.body.phase.teamsInspectIn3d, false);
      const tightened = await colleague.patch(`/api/phases/${modelPhase.body.phase.id}`, { modelTimeLimitS: 120, modelMemoryLimitMb: 1024 });
      assert.equal(tightened.status, 200, tightened.text);
      assert.deepEqual(tightened.body.phase.modelLimits, { maxBytes: 200 * 2 ** 20, timeLimitPerCaseS: 120, memoryLimitPerCaseMb: 1024 });
      const storedLimits = (await t.db.query('select model_time_limit_s, model_memory_limit_mb from phases where id = $1', [modelPhase.body.phase.id])).rows[0];
      assert.deepEqual([storedLimits.model_time_limit_s, storedLimits.model_memory_limit_mb], [120, 1024]);
      const tooShort = await colleague.patch(`/api/phases/${modelPhase.body.phase.id}`, { modelTimeLimitS: 1 });
      assert.equal(tooShort.status, 400);
      assert.match(tooShort.body.error.message, /modelTimeLimitS/);
    });

    it('refuses phase creation to anonymous callers (401) and non-organisers (403 FORBIDDEN)', async () => {
      const body = { name: 'Mine', ...WINDOW };
      assert.equal((await t.agent().post('/api/challenges/atm22/phases', body)).status, 401);
      const res = await participant.post('/api/challenges/atm22/phases', body);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'FORBIDDEN');
    });

    it('refuses dates without a zone or that are not dates, naming the field', async () => {
      for (const opensAt of ['2025-03-01T09:00:00', '2025-02-30T00:00:00Z', 'next monday', 20250301]) {
        const res = await admin.post('/api/challenges/atm22/phases', { name: 'Bad', opensAt, closesAt: WINDOW.closesAt });
        assert.equal(res.status, 400, `${opensAt}: ${res.text}`);
        assert.equal(res.body.error.code, 'BAD_REQUEST');
        assert.match(res.body.error.message, /^opensAt: must be an ISO 8601 date-time .*time zone/);
      }
    });

    it('refuses a window that closes before it opens, quoting both instants', async () => {
      const res = await admin.post('/api/challenges/atm22/phases', {
        name: 'Backwards',
        opensAt: '2025-06-01T00:00:00Z',
        closesAt: '2025-06-01T01:00:00+02:00',
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.message, 'closesAt: must be after opensAt (2025-06-01T00:00:00.000Z), got 2025-05-31T23:00:00.000Z');
    });

    it('refuses unknown ranking metrics and schemes, naming them', async () => {
      const weighted = await admin.post('/api/challenges/atm22/phases', {
        name: 'Bad ranking',
        ...WINDOW,
        ranking: { scheme: 'weighted', weights: { TD: 0.5, Hausdorff: 0.5 } },
      });
      assert.equal(weighted.status, 400);
      assert.match(weighted.body.error.message, /^ranking\.weights\.Hausdorff: unknown metric "Hausdorff"; use TD, BD, DSC, Precision/);
      const meanRank = await admin.post('/api/challenges/atm22/phases', {
        name: 'Bad ranking',
        ...WINDOW,
        ranking: { scheme: 'mean-rank', metrics: ['TD', 'Recall'] },
      });
      assert.equal(meanRank.status, 400);
      assert.match(meanRank.body.error.message, /ranking\.metrics\.1: unknown metric "Recall"/);
      const scheme = await admin.post('/api/challenges/atm22/phases', { name: 'Bad ranking', ...WINDOW, ranking: { scheme: 'elo' } });
      assert.equal(scheme.status, 400);
      assert.match(scheme.body.error.message, /ranking\.scheme: must be "weighted" .* or "mean-rank"/);
      const zero = await admin.post('/api/challenges/atm22/phases', { name: 'Bad ranking', ...WINDOW, ranking: { scheme: 'weighted', weights: { TD: 0 } } });
      assert.equal(zero.status, 400);
      assert.match(zero.body.error.message, /at least one metric a weight above 0/);
      assert.equal((await t.db.query(`select count(*)::int as n from phases where name = 'Bad ranking'`)).rows[0].n, 0);
    });

    it('refuses a second phase of the same name with 409', async () => {
      const res = await admin.post('/api/challenges/atm22/phases', { name: 'Validation', ...WINDOW });
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /phase named "Validation" already/);
    });

    it('lets organisers change a phase, checking the window as a whole', async () => {
      const res = await admin.patch(`/api/phases/${phaseId}`, { closesAt: '2036-01-01T00:00:00Z', dailyLimit: 4 });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.phase.closesAt, '2036-01-01T00:00:00.000Z');
      assert.equal(res.body.phase.dailyLimit, 4);
      assert.equal(res.body.phase.opensAt, '2025-03-01T07:00:00.000Z');
      const backwards = await admin.patch(`/api/phases/${phaseId}`, { closesAt: '2024-01-01T00:00:00Z' });
      assert.equal(backwards.status, 400);
      assert.match(backwards.body.error.message, /^closesAt: must be after opensAt \(2025-03-01T07:00:00\.000Z\), got 2024-01-01T00:00:00\.000Z/);
      const badMetric = await admin.patch(`/api/phases/${phaseId}`, { ranking: { scheme: 'mean-rank', metrics: ['Speed'] } });
      assert.equal(badMetric.status, 400);
      assert.match(badMetric.body.error.message, /unknown metric "Speed"/);
      assert.equal((await participant.patch(`/api/phases/${phaseId}`, { dailyLimit: 100 })).status, 403);
      assert.equal((await t.agent().patch(`/api/phases/${phaseId}`, { dailyLimit: 100 })).status, 401);
      assert.equal((await t.db.query('select daily_limit from phases where id = $1', [phaseId])).rows[0].daily_limit, 4);
      const audit = await t.db.query(`select action, details from audit_log where target_type = 'phase' and target_id = $1 order by id`, [phaseId]);
      assert.deepEqual(audit.rows.map((r) => r.action), ['phase.create', 'phase.update']);
      assert.deepEqual(audit.rows[1].details, {
        before: { closesAt: '2035-03-01T00:00:00.000Z', dailyLimit: 3 },
        after: { closesAt: '2036-01-01T00:00:00.000Z', dailyLimit: 4 },
      });
    });

    it('shows a phase to everyone with timeZone UTC and its case names; unknown ids are 404', async () => {
      const res = await t.agent().get(`/api/phases/${phaseId}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.phase.timeZone, 'UTC');
      assert.equal(res.body.phase.challengeSlug, 'atm22');
      assert.deepEqual(res.body.phase.cases, []);
      assert.equal(res.body.phase.state, 'open');
      assert.equal((await t.agent().get('/api/phases/999999')).status, 404);
      assert.equal((await t.agent().get('/api/phases/abc')).status, 404);
    });

    it('shows the challenge with its phases publicly, and the caller\'s own role when signed in', async () => {
      const anonymous = await t.agent().get('/api/challenges/atm22');
      assert.equal(anonymous.status, 200);
      assert.equal(anonymous.body.me, undefined);
      assert.equal(anonymous.body.organisers, undefined);
      assert.deepEqual(anonymous.body.phases.map((p: { name: string }) => p.name), ['Validation', 'Test (model)']);
      const validation = anonymous.body.phases[0];
      assert.deepEqual(
        [validation.opensAt, validation.kind, validation.dailyLimit, validation.showCaseResults, validation.caseCount, validation.ranking.scheme],
        ['2025-03-01T07:00:00.000Z', 'masks', 4, false, 0, 'weighted'],
      );
      const signedIn = await participant.get('/api/challenges/atm22');
      assert.deepEqual(signedIn.body.me, { organiser: false, team: null, agreementAccepted: false });
      assert.equal((await t.agent().get('/api/challenges/missing')).status, 404);
    });
  });

  describe('data-use agreement', () => {
    it('is accepted by team members only, shown in `me`, and voided when its text changes', async () => {
      const outsider = await participant.post('/api/challenges/atm22/agreement', { accept: true });
      assert.equal(outsider.status, 403);
      assert.match(outsider.body.error.message, /join or create a team in "atm22" first/);
      assert.equal((await participant.post('/api/teams', { challenge: 'atm22', name: 'Bronchi' })).status, 201);
      const notTrue = await participant.post('/api/challenges/atm22/agreement', { accept: false });
      assert.equal(notTrue.status, 400);
      assert.match(notTrue.body.error.message, /accept: send \{ "accept": true \}/);
      const res = await participant.post('/api/challenges/atm22/agreement', { accept: true });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.agreementAccepted, true);
      const me = (await participant.get('/api/challenges/atm22')).body.me;
      assert.equal(me.agreementAccepted, true);
      assert.deepEqual([me.team.name, me.team.status, me.team.isCaptain], ['Bronchi', 'pending', true]);

      await admin.patch('/api/challenges/atm22', { title: 'ATM 2022 (renamed)' });
      assert.equal((await participant.get('/api/challenges/atm22')).body.me.agreementAccepted, true);
      await admin.patch('/api/challenges/atm22', { dataAgreement: 'New terms: cite the challenge paper.' });
      assert.equal((await participant.get('/api/challenges/atm22')).body.me.agreementAccepted, false);
      const stored = await t.db.query(`select agreement_accepted_at from team_members m join users u on u.id = m.user_id where u.email = 'participant@example.org'`);
      assert.equal(stored.rows[0].agreement_accepted_at, null);
    });

    it('cannot be accepted where the challenge has none', async () => {
      await admin.post('/api/challenges', { slug: 'open-data', title: 'Open', participationPolicy: 'auto' });
      await colleague.post('/api/teams', { challenge: 'open-data', name: 'Solo' });
      const res = await colleague.post('/api/challenges/open-data/agreement', { accept: true });
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /no data-use agreement/);
    });
  });
});
