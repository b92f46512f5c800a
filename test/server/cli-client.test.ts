/**
 * The command-line client (`carina submit | status | leaderboard`) against a real server on SQL-seeded data, and
 * against a capturing HTTP server to see exactly what `submit` sends.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClientCommands } from '../../server/cli/commands.ts';
import { AGGREGATED_METRICS } from '../../server/jobs/submission-aggregate.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface Captured {
  out: string;
  err: string;
  requests: number;
}

function cli(envToken?: string) {
  const captured: Captured = { out: '', err: '', requests: 0 };
  const commands = makeClientCommands({
    stdout: (text) => void (captured.out += text),
    stderr: (text) => void (captured.err += text),
    fetch: (...args) => {
      captured.requests++;
      return fetch(...args);
    },
    envToken,
    pollMs: 10,
  });
  return { commands, captured };
}

async function listen(handler: (req: IncomingMessage, body: Buffer) => { status: number; body: unknown }): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = handler(req, Buffer.concat(chunks));
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

describe('carina command-line client', () => {
  let t: TestApp;
  let token: string;
  let phaseId: number;
  let submissionId: number;
  let dir: string;
  const mean = Object.fromEntries(AGGREGATED_METRICS.map((m) => [m, 0.8125]));

  before(async () => {
    t = await createTestApp('cli');
    dir = mkdtempSync(join(tmpdir(), 'carina-cli-'));
    const agent = t.agent();
    await agent.register('team@example.org');
    token = (await agent.post('/api/tokens', { name: 'cli' })).body.token;
    const db = t.db;
    const userId = (await db.query(`select id from users where email = 'team@example.org'`)).rows[0].id;
    const challengeId = (await db.query(`insert into challenges (slug, title) values ('cli', 'CLI') returning id`)).rows[0].id;
    // the phase closed yesterday: uploads are refused by the server
    phaseId = (
      await db.query(
        `insert into phases (challenge_id, name, opens_at, closes_at) values ($1, 'Final', now() - interval '9 days', now() - interval '1 day') returning id`,
        [challengeId],
      )
    ).rows[0].id;
    await db.query(`insert into blobs (sha256, size_bytes) values ($1, 1)`, ['c'.repeat(64)]);
    await db.query(`insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, 'ATM_001', $2, 'ct.nii.gz', '{}')`, [phaseId, 'c'.repeat(64)]);
    const teamId = (
      await db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'Segmenters', 'cli-1', $2, 'accepted') returning id`, [challengeId, userId])
    ).rows[0].id;
    await db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [teamId, userId, challengeId]);
    submissionId = (
      await db.query(
        `insert into submissions (phase_id, team_id, submitted_by, status, aggregate, finished_at) values ($1, $2, $3, 'done', $4, now()) returning id`,
        [phaseId, teamId, userId, JSON.stringify({ cases: 1, mean, std: mean, unroundedMean: mean })],
      )
    ).rows[0].id;
    writeFileSync(join(dir, 'ATM_001.nii.gz'), Buffer.from('not really a nifti, but bytes to send'));
  });
  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  describe('leaderboard', () => {
    it('prints the phase leaderboard as a table, with the ranking explanation', async () => {
      const { commands, captured } = cli();
      assert.equal(await commands.leaderboard([String(phaseId), '--url', t.baseUrl]), 0);
      const lines = captured.out.split('\n');
      assert.equal(lines[0], `Final (phase ${phaseId})`);
      assert.match(lines[1], /^rank\s+team\s+score\s+TD\s+BD\s+DSC\s+Precision\s+cases\s+submission\s+submitted$/);
      assert.match(lines[2], new RegExp(`^\\s*1\\s+Segmenters\\s+0\\.8125\\s+0\\.8125\\s+0\\.8125\\s+0\\.8125\\s+0\\.8125\\s+1\\s+${submissionId}\\s`));
      assert.match(captured.out, /0\.25 × TD/);
      assert.equal(captured.err, '');
    });

    it('prints JSON with --json', async () => {
      const { commands, captured } = cli();
      assert.equal(await commands.leaderboard([String(phaseId), '--url', t.baseUrl, '--json']), 0);
      const board = JSON.parse(captured.out);
      assert.equal(board.entries[0].submissionId, submissionId);
    });

    it('exits 2 with the server’s error for an unknown phase, and for a malformed id without asking the server', async () => {
      const { commands, captured } = cli();
      assert.equal(await commands.leaderboard(['987654', '--url', t.baseUrl]), 2);
      assert.equal(captured.err, 'carina: NOT_FOUND: no phase 987654\n');
      const second = cli();
      assert.equal(await second.commands.leaderboard(['abc', '--url', t.baseUrl]), 2);
      assert.match(second.captured.err, /^carina: BAD_ARGUMENTS: the phase id must be a positive integer id/);
      assert.equal(second.captured.requests, 0);
    });

    it('exits 1 when the server cannot be reached', async () => {
      const { server, url } = await listen(() => ({ status: 200, body: {} }));
      await new Promise((resolve) => server.close(resolve));
      const { commands, captured } = cli();
      assert.equal(await commands.leaderboard(['1', '--url', url]), 1);
      assert.match(captured.err, /^carina: UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    });
  });

  describe('status', () => {
    it('prints the submission as JSON, with the token from --token or CARINA_TOKEN', async () => {
      const { commands, captured } = cli();
      assert.equal(await commands.status([String(submissionId), '--token', token, '--url', t.baseUrl]), 0, captured.err);
      const reply = JSON.parse(captured.out);
      const submission = reply.submission ?? reply;
      assert.equal(submission.id, submissionId);
      assert.equal(submission.status, 'done');
      const fromEnv = cli(token);
      assert.equal(await fromEnv.commands.status([String(submissionId), '--url', t.baseUrl, '--wait']), 0, fromEnv.captured.err);
      assert.equal(JSON.parse(fromEnv.captured.out).id ?? JSON.parse(fromEnv.captured.out).submission.id, submissionId);
    });

    it('polls with --wait until the submission is done or failed', async () => {
      const statuses = ['queued', 'running', 'done'];
      let calls = 0;
      const { server, url } = await listen(() => ({ status: 200, body: { submission: { id: 5, status: statuses[Math.min(calls++, 2)] }, cases: [] } }));
      try {
        const { commands, captured } = cli('carina_env');
        assert.equal(await commands.status(['5', '--url', url, '--wait']), 0);
        assert.equal(calls, 3);
        assert.equal(JSON.parse(captured.out).submission.status, 'done');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('exits 2 without a token, and with the server’s 401 for a wrong one', async () => {
      const none = cli();
      assert.equal(await none.commands.status([String(submissionId), '--url', t.baseUrl]), 2);
      assert.match(none.captured.err, /^carina: BAD_ARGUMENTS: give a personal API token with --token/);
      assert.equal(none.captured.requests, 0);
      const wrong = cli();
      assert.equal(await wrong.commands.status([String(submissionId), '--token', 'carina_wrong', '--url', t.baseUrl]), 2);
      assert.match(wrong.captured.err, /^carina: UNAUTHENTICATED: the API token is unknown or has been revoked/);
    });

    it('rejects an unknown option with exit 2', async () => {
      const { commands, captured } = cli();
      assert.equal(await commands.status([String(submissionId), '--tokn', token]), 2);
      assert.match(captured.err, /^carina: BAD_ARGUMENTS: .*--tokn/);
    });
  });

  describe('submit', () => {
    it('prints the server’s error code and message and exits 2 when the upload is refused', async () => {
      const server = await t.agent({ token }).upload(`/api/phases/${phaseId}/submissions`, [join(dir, 'ATM_001.nii.gz')]);
      assert.ok(server.status >= 400 && server.status < 500, `the server refuses: ${server.status}`);
      const { commands, captured } = cli();
      assert.equal(await commands.submit(['--phase', String(phaseId), '--token', token, '--url', t.baseUrl, join(dir, 'ATM_001.nii.gz')]), 2);
      assert.ok(captured.err.startsWith(`carina: ${server.body.error.code}: ${server.body.error.message}\n`), captured.err);
      assert.equal(captured.out, '');
    });

    it('streams each file as multipart/form-data in the field "files" with a Bearer token', async () => {
      let seen: { headers: IncomingMessage['headers']; url?: string; method?: string; body: string } | undefined;
      const { server, url } = await listen((req, body) => {
        seen = { headers: req.headers, url: req.url, method: req.method, body: body.toString('latin1') };
        return { status: 422, body: { error: { code: 'VALIDATION_FAILED', message: '1 problem in the submission', details: [{ case: 'ATM_002', message: 'missing' }] } } };
      });
      try {
        writeFileSync(join(dir, 'ATM_002.nii.gz'), Buffer.from([0, 1, 2, 255, 13, 10]));
        const { commands, captured } = cli();
        const code = await commands.submit(['--phase', '7', '--token', 'carina_abc', '--url', url, '--note', 'run 3', join(dir, 'ATM_001.nii.gz'), join(dir, 'ATM_002.nii.gz')]);
        assert.equal(code, 2);
        assert.equal(captured.err, 'carina: VALIDATION_FAILED: 1 problem in the submission\n  - {"case":"ATM_002","message":"missing"}\n');
        assert.equal(seen?.method, 'POST');
        assert.equal(seen?.url, '/api/phases/7/submissions');
        assert.equal(seen?.headers.authorization, 'Bearer carina_abc');
        const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(seen?.headers['content-type'] ?? '')?.[1];
        assert.ok(boundary, seen?.headers['content-type']);
        const parts = seen!.body.split(`--${boundary}`);
        assert.ok(parts.some((p) => p.includes('name="note"') && p.includes('run 3')));
        const first = parts.find((p) => p.includes('name="files"; filename="ATM_001.nii.gz"'));
        assert.ok(first?.includes('not really a nifti, but bytes to send'));
        const second = parts.find((p) => p.includes('name="files"; filename="ATM_002.nii.gz"'));
        assert.ok(second?.includes('\r\n\r\n\u0000\u0001\u0002\u00ff\r\n\r\n'), 'binary bytes arrive unchanged');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('exits 1 on a server fault, and 2 for a missing file without sending anything', async () => {
      const { server, url } = await listen(() => ({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } }));
      try {
        const faulty = cli();
        assert.equal(await faulty.commands.submit(['--phase', '1', '--token', 'x', '--url', url, join(dir, 'ATM_001.nii.gz')]), 1);
        assert.equal(faulty.captured.err, 'carina: INTERNAL: internal error\n');
        const missing = cli();
        assert.equal(await missing.commands.submit(['--phase', '1', '--token', 'x', '--url', url, join(dir, 'nope.nii.gz')]), 2);
        assert.match(missing.captured.err, /^carina: BAD_ARGUMENTS: no file ".*nope\.nii\.gz"/);
        assert.equal(missing.captured.requests, 0);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
