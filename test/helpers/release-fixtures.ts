/**
 * Fixtures for the release tests: bytes stored for real in the app's storage (so downloads read real files), an app
 * with a release whose files the organiser uploaded through the API, API tokens for raw downloads, and a fetch that
 * checks its reply against the contract like the test agent.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReply } from './contract-check.ts';
import { createPhaseWithCases, createTeam, type PhaseFixture, type TeamFixture } from './submission-fixtures.ts';
import { createTestApp, type Agent, type TestApp } from './test-app.ts';

export interface StoredBytes {
  sha256: string;
  size: number;
  bytes: Buffer;
}

let serial = 0;

/** Stores `bytes` (random ones of `size` by default) as a blob, with its blobs row. */
export async function storeBytes(t: TestApp, bytes: Buffer | number): Promise<StoredBytes> {
  const data = typeof bytes === 'number' ? randomBytes(bytes) : bytes;
  const path = join(t.deps.storage.scratchDir, `fixture-${process.pid}-${++serial}`);
  writeFileSync(path, data);
  const blob = await t.deps.storage.putFile(path);
  await t.db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict do nothing', [blob.sha256, blob.size]);
  return { sha256: blob.sha256, size: blob.size, bytes: data };
}

export const sha256Of = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A personal API token of the agent's account. */
export async function apiToken(agent: Agent): Promise<string> {
  const reply = await agent.post('/api/tokens', { name: 'downloads' });
  if (reply.status !== 201) throw new Error(`token: ${reply.status} ${reply.text}`);
  return reply.body.token as string;
}

export interface RawReply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  body: any;
}

/** GET (or HEAD) with a bearer token (or none), the body as bytes; the reply is checked against the contract. */
export async function rawGet(t: TestApp, path: string, token?: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawReply> {
  const res = await fetch(t.baseUrl + path, { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = (res.headers.get('content-type') ?? '').includes('json') ? bytes.toString('utf8') : '';
  const body = text ? JSON.parse(text) : undefined;
  checkReply(method, path, { status: res.status, headers: res.headers, body, text });
  return { status: res.status, headers: res.headers, bytes, body };
}

export interface ReleaseSetup {
  t: TestApp;
  fx: PhaseFixture;
  team: TeamFixture;
  /** An API token of the team's member. */
  token: string;
  releaseId: number;
  files: Array<{ id: number; name: string; bytes: Buffer }>;
}

/**
 * A test app with a one-case phase, an accepted team and a training release opened a minute ago (of the phase when
 * `ofPhase`), holding `contents` (name → bytes, or a size for random bytes) uploaded by the organiser.
 */
export async function appWithRelease(
  label: string,
  env: Record<string, string>,
  contents: Record<string, Buffer | number>,
  { ofPhase = false } = {},
): Promise<ReleaseSetup> {
  const t = await createTestApp(label, env);
  const fx = await createPhaseWithCases(t, { caseNames: ['A'] });
  const team = await createTeam(t, fx.challengeId);
  const token = await apiToken(team.member);
  const created = await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, {
    kind: 'training',
    name: 'Training',
    ...(ofPhase ? { phaseId: fx.phaseId } : {}),
    opensAt: new Date(Date.now() - 60_000).toISOString(),
  });
  assert.equal(created.status, 201, created.text);
  const releaseId = created.body.release.id as number;
  const files: ReleaseSetup['files'] = [];
  for (const [name, content] of Object.entries(contents)) {
    const bytes = typeof content === 'number' ? randomBytes(content) : content;
    const path = join(t.deps.storage.scratchDir, `upload-${files.length}`);
    writeFileSync(path, bytes);
    const reply = await fx.organiser.upload(`/api/releases/${releaseId}/files`, [{ path, name }]);
    assert.equal(reply.status, 201, reply.text);
    files.push({ id: reply.body.release.files.find((f: { name: string }) => f.name === name).id, name, bytes });
  }
  return { t, fx, team, token, releaseId, files };
}
