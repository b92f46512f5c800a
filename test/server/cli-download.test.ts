/**
 * `carina download` against the real server: every file fetched and checked; a transfer cut at 60 % by a proxy
 * that drops the connection resumes from its offset (the next request asks for `bytes=<offset>-`) and the file
 * matches its sha256; a second run skips complete files; a partial file left by an earlier run is resumed; a
 * file the server cannot send makes the exit code non-zero and is named.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClientCommands } from '../../server/cli/commands.ts';
import { droppingProxy } from '../helpers/dropping-proxy.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { apiToken, sha256Of } from '../helpers/release-fixtures.ts';
import { createPhaseWithCases, createTeam } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('carina download', function () {
  this.timeout(60_000);
  let t: TestApp;
  let token: string;
  let releaseId: number;
  let phaseId: number;
  let out: string;
  const files: Record<string, Buffer> = { 'big.nii.gz': randomBytes(2 * 1024 * 1024 + 123), 'notes.pdf': randomBytes(5000) };

  const run = async (args: string[], url = t.baseUrl) => {
    let stdout = '';
    let stderr = '';
    const commands = makeClientCommands({ stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), fetch, retryDelayMs: 10 });
    const code = await commands.download([...args, '--token', token, '--url', url]);
    return { code, stdout, stderr };
  };

  before(async () => {
    t = await createTestApp('cli-download');
    const fx = await createPhaseWithCases(t, { caseNames: ['A'] });
    phaseId = fx.phaseId;
    const team = await createTeam(t, fx.challengeId);
    token = await apiToken(team.member);
    const created = await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, { kind: 'training', name: 'Training', phaseId, opensAt: new Date(Date.now() - 1000).toISOString() });
    releaseId = created.body.release.id;
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(t.deps.storage.scratchDir, name);
      writeFileSync(path, bytes);
      assert.equal((await fx.organiser.upload(`/api/releases/${releaseId}/files`, [{ path, name }])).status, 201);
    }
    out = mkdtempSync(join(tmpdir(), 'carina-download-'));
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await t?.close();
  });

  it('a download dropped at 60 % resumes from its offset, and every file matches its sha256', async () => {
    const big = files['big.nii.gz'];
    // response headers are about 400 bytes; cut the body at 60 %
    const proxy = await droppingProxy(new URL(t.baseUrl), /^GET \S+\/files\/\d+ /);
    proxy.cutNext(Math.floor(big.length * 0.6));
    try {
      const result = await run(['--release', String(releaseId), '--out', out], proxy.url);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /big\.nii\.gz: interrupted at/);
      const resumed = proxy.heads.find((h) => /range: bytes=\d+-/i.test(h));
      assert.ok(resumed, proxy.heads.join('\n---\n'));
      const offset = Number(/range: bytes=(\d+)-/i.exec(resumed)![1]);
      // the resumed request starts where the partial file ended: at most the 60 % that got through, and what the
      // client reported when the connection dropped
      assert.ok(offset > 0 && offset <= big.length * 0.6, `resumed from ${offset}`);
      assert.match(result.stderr, new RegExp(`interrupted at ${(offset / 1e6).toFixed(1).replace('.', '\\.')} MB`));
      assert.match(resumed, new RegExp(`if-range: "${sha256Of(big)}"`, 'i'));
      for (const [name, bytes] of Object.entries(files)) assert.equal(sha256Of(readFileSync(join(out, name))), sha256Of(bytes), name);
      assert.equal(existsSync(join(out, 'big.nii.gz.part')), false);
    } finally {
      await proxy.close();
    }
  });

  it('skips files already complete', async () => {
    // no file is asked for again (the access log cannot show this at once: the earlier test's last transfer may
    // still be on its way into it)
    const proxy = await droppingProxy(new URL(t.baseUrl), /^GET \S+\/files\/\d+ /);
    try {
      const result = await run(['--release', String(releaseId), '--out', out], proxy.url);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout).skipped.length, 2);
      assert.deepEqual(proxy.heads, []);
    } finally {
      await proxy.close();
    }
  });

  it('resumes a partial file left by an earlier run, by phase, into a folder per release', async () => {
    const dir = join(out, 'Training-v1');
    const big = files['big.nii.gz'];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'big.nii.gz.part'), big.subarray(0, 1_000_000));
    const result = await run(['--phase', String(phaseId), '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sha256Of(readFileSync(join(dir, 'big.nii.gz'))), sha256Of(big));
    // the server logs a transfer once it has ended there, which may come after the client has written its last byte
    const logged = await waitFor('the resumed transfer in the access log', async () =>
      (await t.db.query(`select range, bytes_sent from release_access_log where range = 'bytes=1000000-' order by id desc limit 1`)).rows[0], 10_000);
    assert.deepEqual(logged, { range: 'bytes=1000000-', bytes_sent: big.length - 1_000_000 });
  });

  it('exits non-zero naming a file that failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carina-download-fail-'));
    try {
      const sha = sha256Of(files['notes.pdf']);
      await rm(join(t.storageDir, 'blobs', sha.slice(0, 2), sha));
      const result = await run(['--release', String(releaseId), '--out', dir]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /1 file\(s\) failed: .*notes\.pdf/);
      assert.equal(JSON.parse(result.stdout).failed[0].name, join(dir, 'notes.pdf'));
      assert.equal(sha256Of(readFileSync(join(dir, 'big.nii.gz'))), sha256Of(files['big.nii.gz']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with exit code 2', async () => {
    assert.equal((await run(['--out', out])).code, 2);
    assert.equal((await run(['--release', '1', '--phase', '2', '--out', out])).code, 2);
    assert.equal((await run(['--release', String(releaseId)])).code, 2);
  });
});
