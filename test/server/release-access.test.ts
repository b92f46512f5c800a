/**
 * Who may download a release, through the real HTTP API, for every role: anonymous, a registered outsider, a
 * member of a pending team, a member who has not accepted the data-use agreement, an accepted member, a member of
 * a revoked or disqualified (rejected) team, the organiser; forged release and file ids, and a file id of
 * another release. Then what no release may hold: a model phase's CTs and gold standards, and the gold standard
 * of a phase teams can still submit to — refused when added and again at download.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPhaseWithCases, createTeam, registeredOutsider, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';
import { apiToken, rawGet, storeBytes, type StoredBytes } from '../helpers/release-fixtures.ts';

const HOUR = 3600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('release access (every role, through the HTTP API)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let fx: PhaseFixture;
  let releaseId: number;
  let fileId: number;
  let fileBytes: Buffer;
  let otherReleaseFileId: number;
  let otherReleaseId: number;
  let accepted: TeamFixture;
  let acceptedToken: string;
  let scratch: string;

  const createRelease = async (body: Record<string, unknown>) => {
    const reply = await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, { kind: 'training', name: `r${Math.random()}`, opensAt: iso(-HOUR), ...body });
    return reply;
  };
  const uploadFile = async (id: number, name: string, bytes: Buffer, role?: string) => {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return fx.organiser.upload(`/api/releases/${id}/files`, [{ path, name }], role ? { role } : {});
  };
  const download = (token: string | undefined, path = `/api/releases/${releaseId}/files/${fileId}`) => rawGet(t, path, token);

  before(async () => {
    t = await createTestApp('release-access');
    scratch = t.deps.storage.scratchDir;
    fx = await createPhaseWithCases(t, { caseNames: ['A'] });
    await t.db.query(`update challenges set data_agreement = 'Use the data for this challenge only.' where id = $1`, [fx.challengeId]);
    const created = await createRelease({ name: 'Training set', description: 'phantoms' });
    assert.equal(created.status, 201, created.text);
    releaseId = created.body.release.id;
    fileBytes = randomBytes(4096);
    const up = await uploadFile(releaseId, 'case_001.nii.gz', fileBytes);
    assert.equal(up.status, 201, up.text);
    assert.equal(up.body.release.files[0].role, 'ct');
    fileId = up.body.release.files[0].id;
    const other = await createRelease({ name: 'Other' });
    otherReleaseId = other.body.release.id;
    otherReleaseFileId = (await uploadFile(otherReleaseId, 'rules.pdf', Buffer.from('%PDF-1.4 rules'))).body.release.files[0].id;
    accepted = await createTeam(t, fx.challengeId);
    assert.equal((await accepted.member.post(`/api/challenges/${fx.slug}/agreement`, { accept: true })).status, 200);
    acceptedToken = await apiToken(accepted.member);
  });
  after(() => t?.close());

  it('anonymous: 401, and the listing says to sign in', async () => {
    const reply = await download(undefined);
    assert.equal(reply.status, 401);
    assert.equal(reply.body.error.code, 'UNAUTHENTICATED');
    const list = await t.agent().get(`/api/challenges/${fx.slug}/releases`);
    const release = list.body.releases.find((r: any) => r.id === releaseId);
    assert.equal(release.access.allowed, false);
    assert.match(release.access.reason, /sign in/);
    assert.equal(release.files.length, 1);
  });

  it('a registered outsider: 403, told to join a team', async () => {
    const outsider = await registeredOutsider(t);
    const reply = await download(await apiToken(outsider));
    assert.equal(reply.status, 403);
    assert.match(reply.body.error.message, /join or create a team/);
  });

  it('a member of a pending team: 403', async () => {
    const pending = await createTeam(t, fx.challengeId, 'pending');
    await pending.member.post(`/api/challenges/${fx.slug}/agreement`, { accept: true });
    const reply = await download(await apiToken(pending.member));
    assert.equal(reply.status, 403);
    assert.match(reply.body.error.message, /awaits the organisers' acceptance/);
  });

  it('an accepted member who did not accept the agreement: 403 naming the agreement; accepting opens the door', async () => {
    const team = await createTeam(t, fx.challengeId);
    const token = await apiToken(team.member);
    const before = await download(token);
    assert.equal(before.status, 403);
    assert.match(before.body.error.message, /data-use agreement/);
    const list = await team.member.get(`/api/challenges/${fx.slug}/releases`);
    assert.equal(list.body.agreementAccepted, false);
    assert.equal(list.body.agreement, 'Use the data for this challenge only.');
    assert.equal((await team.member.post(`/api/challenges/${fx.slug}/agreement`, { accept: true })).status, 200);
    assert.equal((await download(token)).status, 200);
  });

  it('an accepted member who accepted the agreement: the bytes, with the access allowed in the listing', async () => {
    const reply = await download(acceptedToken);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.bytes, fileBytes);
    const list = await accepted.member.get(`/api/challenges/${fx.slug}/releases`);
    assert.equal(list.body.releases.find((r: any) => r.id === releaseId).access.allowed, true);
    assert.equal(list.body.agreementAccepted, true);
  });

  it('another member of the same team must accept the agreement personally', async () => {
    const outsider = await registeredOutsider(t);
    const invite = (await t.db.query('select invite_code from teams where id = $1', [accepted.teamId])).rows[0].invite_code;
    assert.equal((await outsider.post('/api/teams/join', { inviteCode: invite })).status, 200);
    const reply = await download(await apiToken(outsider));
    assert.equal(reply.status, 403);
    assert.match(reply.body.error.message, /data-use agreement/);
  });

  it('a revoked team: 403 at once; restored: 200 again; revocation touches only that release', async () => {
    const team = await createTeam(t, fx.challengeId);
    await team.member.post(`/api/challenges/${fx.slug}/agreement`, { accept: true });
    const token = await apiToken(team.member);
    assert.equal((await download(token)).status, 200);
    const revoked = await fx.organiser.post(`/api/releases/${releaseId}/revocations`, { teamId: team.teamId, reason: 'shared the data' });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.release.revokedTeams[0].teamId, team.teamId);
    const refused = await download(token);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /revoked/);
    assert.equal((await download(token, `/api/releases/${otherReleaseId}/files/${otherReleaseFileId}`)).status, 200);
    assert.equal((await fx.organiser.delete(`/api/releases/${releaseId}/revocations/${team.teamId}`)).status, 200);
    assert.equal((await download(token)).status, 200);
  });

  it('a disqualified team (rejected after acceptance) loses access at once', async () => {
    const team = await createTeam(t, fx.challengeId);
    await team.member.post(`/api/challenges/${fx.slug}/agreement`, { accept: true });
    const token = await apiToken(team.member);
    assert.equal((await download(token)).status, 200);
    const review = await fx.organiser.post(`/api/teams/${team.teamId}/review`, { decision: 'rejected', reason: 'broke the rules' });
    assert.equal(review.status, 200, review.text);
    const reply = await download(token);
    assert.equal(reply.status, 403);
    assert.match(reply.body.error.message, /not accepted: broke the rules/);
  });

  it('only while the release is open; the organiser at any time', async () => {
    const later = await createRelease({ name: 'Later', opensAt: iso(2 * HOUR) });
    const laterFile = (await uploadFile(later.body.release.id, 'later.pdf', Buffer.from('later'))).body.release.files[0].id;
    const path = `/api/releases/${later.body.release.id}/files/${laterFile}`;
    const early = await download(acceptedToken, path);
    assert.equal(early.status, 403);
    assert.match(early.body.error.message, /opens at/);
    const organiserToken = await apiToken(fx.organiser);
    assert.equal((await download(organiserToken, path)).status, 200);
    assert.equal((await fx.organiser.post(`/api/releases/${later.body.release.id}/open`)).status, 200);
    assert.equal((await download(acceptedToken, path)).status, 200);
    const closed = await fx.organiser.post(`/api/releases/${later.body.release.id}/close`);
    assert.equal(closed.body.release.isOpen, false);
    const after = await download(acceptedToken, path);
    assert.equal(after.status, 403);
    assert.match(after.body.error.message, /closed at/);
    assert.equal((await download(organiserToken, path)).status, 200);
  });

  it('forged release and file ids, and a file of another release, are 404 (after the access check)', async () => {
    assert.equal((await download(acceptedToken, `/api/releases/999999/files/${fileId}`)).status, 404);
    assert.equal((await download(acceptedToken, `/api/releases/abc/files/${fileId}`)).status, 404);
    assert.equal((await download(acceptedToken, `/api/releases/${releaseId}/files/999999`)).status, 404);
    assert.equal((await download(acceptedToken, `/api/releases/${releaseId}/files/-1`)).status, 404);
    assert.equal((await download(acceptedToken, `/api/releases/${releaseId}/files/${otherReleaseFileId}`)).status, 404);
    // an outsider learns nothing about which file ids exist
    const outsider = await apiToken(await registeredOutsider(t));
    assert.equal((await download(outsider, `/api/releases/${releaseId}/files/999999`)).status, 403);
  });

  it('participants cannot use the organisers\' routes', async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['POST', `/api/challenges/${fx.slug}/releases`, { kind: 'documents', name: 'x', opensAt: iso(0) }],
      ['POST', `/api/releases/${releaseId}/open`],
      ['POST', `/api/releases/${releaseId}/close`],
      ['PATCH', `/api/releases/${releaseId}`, { name: 'mine' }],
      ['POST', `/api/releases/${releaseId}/revocations`, { teamId: accepted.teamId }],
      ['DELETE', `/api/releases/${releaseId}/files/${fileId}`],
      ['GET', `/api/releases/${releaseId}/log`],
      ['GET', `/api/releases/${releaseId}/log.csv`],
      ['GET', `/api/challenges/${fx.slug}/release-log`],
      ['POST', `/api/releases/${releaseId}/cases`, { phaseId: fx.phaseId }],
    ];
    for (const [method, path, body] of attempts) {
      const reply = await accepted.member.request(method, path, body);
      assert.equal(reply.status, 403, `${method} ${path}: ${reply.text}`);
    }
    const form = await uploadAs(accepted.member, `/api/releases/${releaseId}/files`);
    assert.equal(form.status, 403);
  });

  async function uploadAs(agent: Agent, path: string) {
    const p = join(scratch, 'intruder.pdf');
    writeFileSync(p, 'intruder');
    return agent.upload(path, [p]);
  }

  describe('content no release may hold', () => {
    let modelPhase: PhaseFixture;
    let openGold: StoredBytes;
    let modelCt: StoredBytes;
    let openCt: StoredBytes;

    before(async () => {
      // the open mask phase's case A gets a real CT and gold standard in storage
      openCt = await storeBytes(t, 3000);
      openGold = await storeBytes(t, 2000);
      await t.db.query('update cases set ct_sha256 = $1 where id = $2', [openCt.sha256, fx.cases.A]);
      await t.db.query(`insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 1, $2, 'A.nii.gz', 'ready', true)`, [fx.cases.A, openGold.sha256]);
      modelPhase = await createPhaseWithCases(t, { caseNames: ['M'], kind: 'model' });
      modelCt = await storeBytes(t, 1500);
      await t.db.query('update cases set ct_sha256 = $1 where id = $2', [modelCt.sha256, modelPhase.cases.M]);
    });

    it('the inputs of an open mask phase: its CTs, never its gold standards', async () => {
      const inputs = await createRelease({ kind: 'phase-inputs', name: 'Validation inputs', phaseId: fx.phaseId });
      assert.equal(inputs.status, 201, inputs.text);
      const id = inputs.body.release.id;
      const picked = await fx.organiser.post(`/api/releases/${id}/cases`, { phaseId: fx.phaseId });
      assert.equal(picked.status, 201, picked.text);
      assert.deepEqual(picked.body.release.files.map((f: any) => [f.name, f.role, f.sha256]), [['A.nii.gz', 'ct', openCt.sha256]]);
      // the blob is shared, not copied: one blobs row
      assert.equal((await t.db.query('select count(*)::int as n from blobs where sha256 = $1', [openCt.sha256])).rows[0].n, 1);
      const gold = await fx.organiser.post(`/api/releases/${id}/cases`, { phaseId: fx.phaseId, ct: false, gold: true });
      assert.equal(gold.status, 403);
      const uploadedGold = await uploadFile(id, 'A_label.nii.gz', openGold.bytes, 'gold');
      assert.equal(uploadedGold.status, 403);
      const reply = await download(acceptedToken, `/api/releases/${id}/files/${picked.body.release.files[0].id}`);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.bytes, openCt.bytes);
    });

    it('a gold standard of an open phase, uploaded again under another name into a training set: refused by content', async () => {
      const training = await createRelease({ name: 'Sneaky' });
      const reply = await uploadFile(training.body.release.id, 'innocent.nii.gz', openGold.bytes, 'ct');
      assert.equal(reply.status, 403);
      assert.match(reply.body.error.message, /gold standard of case A/);
    });

    it('a model phase: no phase inputs, no picking, and its CT uploaded again is refused', async () => {
      const inputs = await createRelease({ kind: 'phase-inputs', name: 'Model inputs', phaseId: modelPhase.phaseId });
      assert.equal(inputs.status, 404); // the model phase belongs to another challenge
      await t.db.query('update phases set challenge_id = $1, name = $2 where id = $3', [fx.challengeId, 'model phase', modelPhase.phaseId]);
      const again = await createRelease({ kind: 'phase-inputs', name: 'Model inputs', phaseId: modelPhase.phaseId });
      assert.equal(again.status, 403);
      const training = await createRelease({ name: 'Model training' });
      const picked = await fx.organiser.post(`/api/releases/${training.body.release.id}/cases`, { phaseId: modelPhase.phaseId });
      assert.equal(picked.status, 403);
      const uploaded = await uploadFile(training.body.release.id, 'M.nii.gz', modelCt.bytes);
      assert.equal(uploaded.status, 403);
      assert.match(uploaded.body.error.message, /model phase/);
    });

    it('gold standards of a finished phase can be released; if the phase reopens, downloads stop at once', async () => {
      await t.db.query(`update phases set opens_at = now() - interval '10 days', closes_at = now() - interval '1 day' where id = $1`, [fx.phaseId]);
      const training = await createRelease({ name: 'Finished phase' });
      const id = training.body.release.id;
      const picked = await fx.organiser.post(`/api/releases/${id}/cases`, { phaseId: fx.phaseId, ct: true, gold: true });
      assert.equal(picked.status, 201, picked.text);
      const gold = picked.body.release.files.find((f: any) => f.role === 'gold');
      assert.equal(gold.name, 'A_label.nii.gz');
      const path = `/api/releases/${id}/files/${gold.id}`;
      const reply = await download(acceptedToken, path);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.bytes, openGold.bytes);
      // the organisers extend the phase: its gold standard is protected again, even in the existing release
      await t.db.query(`update phases set closes_at = now() + interval '1 day' where id = $1`, [fx.phaseId]);
      const refused = await download(acceptedToken, path);
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /can still submit to/);
      assert.equal((await rawGet(t, `/api/releases/${id}/archive.zip`, acceptedToken)).status, 403);
      assert.equal((await rawGet(t, `/api/releases/${id}/urls.txt`, acceptedToken)).status, 403);
    });
  });
});
