/**
 * Teams over real HTTP and a real PostgreSQL: one team per participant per challenge, invite codes, leaving and
 * captaincy, the organisers' review, and what `requireActiveTeam` demands before a team may submit.
 */
import assert from 'node:assert/strict';
import { requireActiveTeam } from '../../server/challenges/access.ts';
import { challengeBySlug } from '../../server/challenges/lookups.ts';
import { findUserByEmail } from '../../server/auth/store.ts';
import { AppError } from '../../server/errors.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

describe('teams', () => {
  let t: TestApp;
  let organiser: Agent;
  const people: Record<string, Agent> = {};
  const ids: Record<string, number> = {};

  async function person(name: string): Promise<Agent> {
    const agent = t.agent();
    const reply = await agent.register(`${name}@example.org`);
    ids[name] = reply.body.user.id;
    people[name] = agent;
    return agent;
  }

  before(async () => {
    t = await createTestApp('teams');
    organiser = t.agent();
    await organiser.register('organiser@example.org');
    await t.db.query('update users set is_admin = true where email = $1', ['organiser@example.org']);
    await organiser.post('/api/challenges', { slug: 'open', title: 'Open', participationPolicy: 'auto' });
    await organiser.post('/api/challenges', {
      slug: 'reviewed',
      title: 'Reviewed',
      participationPolicy: 'review',
      dataAgreement: 'Research use only.',
    });
    for (const name of ['ada', 'bob', 'cy', 'dee', 'eve']) await person(name);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  describe('under the auto policy', () => {
    let teamId: number;
    let inviteCode: string;

    it('creates a team, accepted at once, with the caller as captain and a url-safe invite code', async () => {
      const res = await people.ada.post('/api/teams', { challenge: 'open', name: 'Tracheal Tigers' });
      assert.equal(res.status, 201, res.text);
      const team = res.body.team;
      teamId = team.id;
      inviteCode = team.inviteCode;
      assert.equal(team.status, 'accepted');
      assert.equal(team.captainId, ids.ada);
      assert.match(inviteCode, /^[A-Za-z0-9_-]{12,}$/);
      assert.deepEqual(team.members.map((m: { id: number; isCaptain: boolean }) => [m.id, m.isCaptain]), [[ids.ada, true]]);
    });

    it('refuses anonymous callers, a second team in the same challenge (409) and a taken name (409)', async () => {
      assert.equal((await t.agent().post('/api/teams', { challenge: 'open', name: 'Nobody' })).status, 401);
      const second = await people.ada.post('/api/teams', { challenge: 'open', name: 'Another' });
      assert.equal(second.status, 409);
      assert.match(second.body.error.message, /you are in team "Tracheal Tigers" of "open" already; leave it first/);
      const taken = await people.eve.post('/api/teams', { challenge: 'open', name: 'Tracheal Tigers' });
      assert.equal(taken.status, 409);
      assert.match(taken.body.error.message, /team named "Tracheal Tigers" already/);
      const unknown = await people.eve.post('/api/teams', { challenge: 'nope', name: 'X' });
      assert.equal(unknown.status, 404);
      const bad = await people.eve.post('/api/teams', { challenge: 'open', name: '' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /name: must not be empty/);
      assert.equal((await t.db.query('select count(*)::int as n from teams')).rows[0].n, 1);
    });

    it('lets others join by invite code, once; a wrong code is 404', async () => {
      const res = await people.bob.post('/api/teams/join', { inviteCode });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.team.id, teamId);
      assert.deepEqual(res.body.team.members.map((m: { id: number }) => m.id), [ids.ada, ids.bob]);
      assert.equal((await people.cy.post('/api/teams/join', { inviteCode })).status, 200);
      const again = await people.bob.post('/api/teams/join', { inviteCode });
      assert.equal(again.status, 409);
      const wrong = await people.dee.post('/api/teams/join', { inviteCode: 'not-a-code-at-all' });
      assert.equal(wrong.status, 404);
      assert.match(wrong.body.error.message, /no team has this invite code/);
    });

    it('shows members the invite code and members; others only the name and status', async () => {
      const member = await people.bob.get(`/api/teams/${teamId}`);
      assert.equal(member.body.team.inviteCode, inviteCode);
      assert.equal(member.body.team.members.length, 3);
      assert.ok(member.body.team.members.every((m: object) => !('email' in m)));
      for (const outsider of [people.dee, t.agent()]) {
        const res = await outsider.get(`/api/teams/${teamId}`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.team, { id: teamId, name: 'Tracheal Tigers', status: 'accepted', challenge: 'open' });
      }
      const asOrganiser = await organiser.get(`/api/teams/${teamId}`);
      assert.equal(asOrganiser.body.team.inviteCode, undefined);
      assert.equal(asOrganiser.body.team.members[0].email, 'ada@example.org');
      assert.equal((await t.agent().get('/api/teams/424242')).status, 404);
    });

    it('lets only the captain hand over the captaincy, and only to a member', async () => {
      const notCaptain = await people.bob.post(`/api/teams/${teamId}/captain`, { userId: ids.bob });
      assert.equal(notCaptain.status, 403);
      const outsider = await people.ada.post(`/api/teams/${teamId}/captain`, { userId: ids.dee });
      assert.equal(outsider.status, 404);
      assert.match(outsider.body.error.message, new RegExp(`user ${ids.dee} is not a member of team "Tracheal Tigers"`));
      const res = await people.ada.post(`/api/teams/${teamId}/captain`, { userId: ids.cy });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.team.captainId, ids.cy);
      assert.equal((await t.db.query('select captain_id from teams where id = $1', [teamId])).rows[0].captain_id, ids.cy);
    });

    it('hands the captaincy of a leaving captain to the longest-standing member', async () => {
      const res = await people.cy.post(`/api/teams/${teamId}/leave`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { teamDeleted: false, captainId: ids.ada });
      const members = (await t.db.query('select user_id from team_members where team_id = $1 order by user_id', [teamId])).rows;
      assert.deepEqual(members.map((m) => m.user_id), [ids.ada, ids.bob]);
      const notMember = await people.cy.post(`/api/teams/${teamId}/leave`);
      assert.equal(notMember.status, 403);
      // cy is free to found a team now
      assert.equal((await people.cy.post('/api/teams', { challenge: 'open', name: 'Cy alone' })).status, 201);
    });

    it('deletes a team when its last member leaves, unless it has submissions', async () => {
      const solo = (await t.db.query(`select id from teams where name = 'Cy alone'`)).rows[0].id;
      const res = await people.cy.post(`/api/teams/${solo}/leave`);
      assert.deepEqual(res.body, { teamDeleted: true, captainId: null });
      assert.equal((await t.db.query('select count(*)::int as n from teams where id = $1', [solo])).rows[0].n, 0);

      const phase = await organiser.post('/api/challenges/open/phases', { name: 'P1', opensAt: '2025-01-01T00:00:00Z', closesAt: '2035-01-01T00:00:00Z' });
      await t.db.query('insert into submissions (phase_id, team_id, submitted_by) values ($1, $2, $3)', [phase.body.phase.id, teamId, ids.ada]);
      assert.deepEqual((await people.bob.post(`/api/teams/${teamId}/leave`)).body, { teamDeleted: false, captainId: ids.ada });
      assert.deepEqual((await people.ada.post(`/api/teams/${teamId}/leave`)).body, { teamDeleted: false, captainId: null });
      const kept = await t.db.query('select name, (select count(*)::int from team_members where team_id = $1) as members from teams where id = $1', [teamId]);
      assert.deepEqual(kept.rows, [{ name: 'Tracheal Tigers', members: 0 }]);
      const rejoined = await people.bob.post('/api/teams/join', { inviteCode });
      assert.equal(rejoined.status, 200, rejoined.text);
      assert.equal(rejoined.body.team.captainId, ids.bob);
    });
  });

  describe('under the review policy', () => {
    let teamId: number;

    it('creates teams pending; the public list shows accepted teams only, organisers see all', async () => {
      const res = await people.dee.post('/api/teams', { challenge: 'reviewed', name: 'Pending Pals' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.team.status, 'pending');
      teamId = res.body.team.id;
      assert.deepEqual((await t.agent().get('/api/challenges/reviewed/teams')).body, { teams: [] });
      const all = await organiser.get('/api/challenges/reviewed/teams');
      assert.deepEqual(
        all.body.teams.map((x: { name: string; status: string; memberCount: number }) => [x.name, x.status, x.memberCount]),
        [['Pending Pals', 'pending', 1]],
      );
    });

    it('keeps a pending team from submitting (requireActiveTeam)', async () => {
      const challenge = await challengeBySlug(t.db, 'reviewed');
      const dee = (await findUserByEmail(t.db, 'dee@example.org'))!;
      await assert.rejects(requireActiveTeam(t.db, challenge, dee), (error: AppError) => {
        assert.equal(error.code, 'FORBIDDEN');
        assert.match(error.message, /awaits the organisers' acceptance/);
        return true;
      });
    });

    it('lets only organisers review; the decision and its reason go to the audit log', async () => {
      const participantTry = await people.dee.post(`/api/teams/${teamId}/review`, { decision: 'accepted' });
      assert.equal(participantTry.status, 403);
      assert.equal((await t.agent().post(`/api/teams/${teamId}/review`, { decision: 'accepted' })).status, 401);
      const bad = await organiser.post(`/api/teams/${teamId}/review`, { decision: 'maybe' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /decision: must be "accepted" or "rejected"/);

      const res = await organiser.post(`/api/teams/${teamId}/review`, { decision: 'accepted', reason: 'affiliation checked' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.team.status, 'accepted');
      const organiserId = (await findUserByEmail(t.db, 'organiser@example.org'))!.id;
      const audit = (await t.db.query(`select actor_id, action, target_type, target_id, reason from audit_log where target_type = 'team'`)).rows;
      assert.deepEqual(audit, [{ actor_id: organiserId, action: 'team.accept', target_type: 'team', target_id: teamId, reason: 'affiliation checked' }]);
      assert.deepEqual((await t.agent().get('/api/challenges/reviewed/teams')).body.teams, [{ id: teamId, name: 'Pending Pals' }]);
    });

    it('requires the data-use agreement before requireActiveTeam lets the accepted team through', async () => {
      const challenge = await challengeBySlug(t.db, 'reviewed');
      const dee = (await findUserByEmail(t.db, 'dee@example.org'))!;
      await assert.rejects(requireActiveTeam(t.db, challenge, dee), /accept the data-use agreement of "reviewed" first/);
      assert.equal((await people.dee.post('/api/challenges/reviewed/agreement', { accept: true })).status, 200);
      const team = await requireActiveTeam(t.db, challenge, dee);
      assert.equal(team.id, teamId);
    });

    it('tells a rejected team why', async () => {
      const created = await people.eve.post('/api/teams', { challenge: 'reviewed', name: 'Spam Inc' });
      const res = await organiser.post(`/api/teams/${created.body.team.id}/review`, { decision: 'rejected', reason: 'no affiliation given' });
      assert.equal(res.body.team.status, 'rejected');
      const challenge = await challengeBySlug(t.db, 'reviewed');
      const eve = (await findUserByEmail(t.db, 'eve@example.org'))!;
      await assert.rejects(requireActiveTeam(t.db, challenge, eve), /was not accepted: no affiliation given/);
      const me = (await people.eve.get('/api/challenges/reviewed')).body.me;
      assert.deepEqual([me.team.status, me.team.statusReason], ['rejected', 'no affiliation given']);
      const entry = (await t.db.query(`select action, reason from audit_log where target_type = 'team' and target_id = $1`, [created.body.team.id])).rows;
      assert.deepEqual(entry, [{ action: 'team.reject', reason: 'no affiliation given' }]);
    });
  });
});
