/**
 * Notifications by mail over a real SMTP server on loopback: a team accepted or rejected (with the reason), a
 * submission scored or failed (failure codes and hints, never the error text, which can quote a model's output or
 * the hidden data), a phase opening (members of accepted teams); each mail sent once.
 */
import assert from 'node:assert/strict';
import { notifyFinishedSubmissions, notifyOpenedPhases } from '../../server/mail/notifications.ts';
import { decodeMail, startTestSmtp, type TestSmtp } from '../helpers/mail.ts';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('notifications by mail', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let t: TestApp;
  before(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp('notifications', { SMTP_URL: smtp.url });
  });
  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
    await smtp?.close();
  });

  it('mails a scored or failed submission to its team with failure codes, never error texts; once', async () => {
    await t.db.query(`insert into users (email, display_name, password_hash, email_verified_at) values ('member@example.org', 'M', 'x', now())`);
    const challenge = (await t.db.query(`insert into challenges (slug, title, created_by) values ('n1', 'Notified', (select id from users limit 1)) returning id`)).rows[0].id;
    const phase = (await t.db.query(`insert into phases (challenge_id, name, opens_at, closes_at, opening_notified_at) values ($1, 'Test', now() - interval '1 day', now() + interval '1 day', now()) returning id`, [challenge])).rows[0].id;
    await t.db.query(`insert into blobs (sha256, size_bytes) values ($1, 1)`, ['a'.repeat(64)]);
    const caseId = (await t.db.query(`insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, 'ATM_001', $2, 'ct.nii.gz', '{}') returning id`, [phase, 'a'.repeat(64)])).rows[0].id;
    const team = (await t.db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'Team N', 'code-n1', (select id from users where email = 'member@example.org'), 'accepted') returning id`, [challenge])).rows[0].id;
    await t.db.query(`insert into team_members (team_id, user_id, challenge_id) select $1, id, $2 from users where email = 'member@example.org'`, [team, challenge]);
    const submission = (await t.db.query(`insert into submissions (phase_id, team_id, submitted_by, status, finished_at) values ($1, $2, (select id from users where email = 'member@example.org'), 'failed', now()) returning id`, [phase, team])).rows[0].id;
    await t.db.query(
      `insert into evaluations (submission_id, case_id, status, error_code, error_message, error_owner) values ($1, $2, 'failed', 'MODEL_RUNTIME_ERROR', 'Reshape: cannot reshape [1,512,512,437] HIDDEN-SHAPE', 'team')`,
      [submission, caseId],
    );
    assert.equal(await notifyFinishedSubmissions(t.deps), 1);
    assert.equal(await notifyFinishedSubmissions(t.deps), 0, 'each submission is mailed once');
    const mail = await smtp.waitFor('member@example.org', `/submissions/${submission}`);
    const text = decodeMail(mail.raw);
    assert.match(text, /failed/);
    assert.match(text, /MODEL_RUNTIME_ERROR/);
    assert.doesNotMatch(text, /HIDDEN-SHAPE|Reshape/, 'the error text never leaves in a mail');
  });

  it('mails the team when organisers accept or reject it, with their reason', async () => {
    const organiser = t.agent();
    await t.db.query(`insert into users (email, display_name, password_hash, email_verified_at, is_admin) values ('org@example.org', 'O', $1, now(), true)`, [await (await import('../../server/auth/secrets.ts')).hashPassword('organiser pass')]);
    await organiser.login('org@example.org', 'organiser pass');
    assert.equal((await organiser.post('/api/challenges', { slug: 'reviewed-n', title: 'Reviewed', participationPolicy: 'review' })).status, 201);
    await t.db.query(`insert into users (email, display_name, password_hash, email_verified_at) values ('captain@example.org', 'C', 'x', now())`);
    const challenge = (await t.db.query(`select id from challenges where slug = 'reviewed-n'`)).rows[0].id;
    const team = (await t.db.query(`insert into teams (challenge_id, name, invite_code, captain_id) values ($1, 'Pending team', 'code-n2', (select id from users where email = 'captain@example.org')) returning id`, [challenge])).rows[0].id;
    await t.db.query(`insert into team_members (team_id, user_id, challenge_id) select $1, id, $2 from users where email = 'captain@example.org'`, [team, challenge]);
    assert.equal((await organiser.post(`/api/teams/${team}/review`, { decision: 'rejected', reason: 'no affiliation given' })).status, 200);
    const text = decodeMail((await smtp.waitFor('captain@example.org', '/challenges/reviewed-n')).raw);
    assert.match(text, /rejected/);
    assert.match(text, /no affiliation given/);
  });

  it('mails the members of accepted teams when a phase opens, once', async () => {
    const challenge = (await t.db.query(`select id from challenges where slug = 'n1'`)).rows[0].id;
    await t.db.query(`insert into phases (challenge_id, name, opens_at, closes_at) values ($1, 'Final', now() - interval '1 minute', now() + interval '7 days')`, [challenge]);
    assert.equal(await notifyOpenedPhases(t.deps), 1);
    assert.equal(await notifyOpenedPhases(t.deps), 0);
    const text = decodeMail((await smtp.waitFor('member@example.org', '/challenges/n1')).raw);
    assert.match(text, /"Final" of "Notified" is open/);
  });
});
