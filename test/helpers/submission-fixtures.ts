/**
 * Fixtures for the submission tests, set up with direct SQL (not through the challenge or case routes): a
 * challenge with an organiser, a mask phase, cases with CT geometry (the CT file itself is never read at
 * upload), an accepted team with a logged-in member; tiny masks written with the evaluator's writer; and archive
 * builders able to write the malicious archives a careful server must refuse.
 */
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { deflateRawSync, gzipSync, crc32 } from 'node:zlib';
import tar from 'tar-stream';
import { writeVolume, type ComponentType, type ImageGeometry, type VoxelArray } from '../../evaluator/index.ts';
import type { Agent, TestApp } from './test-app.ts';

export const CASE_GEOMETRY: ImageGeometry = {
  size: [16, 16, 12],
  spacing: [0.8, 0.8, 1.25],
  origin: [-10, 20, 5],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

let serial = 0;

export interface PhaseOptions {
  caseNames: string[];
  dailyLimit?: number;
  totalLimit?: number | null;
  showCaseResults?: boolean;
  /** Hours from now; defaults: opened a day ago, closes in 30 days. */
  opensInHours?: number;
  closesInHours?: number;
  kind?: 'masks' | 'model';
}

export interface PhaseFixture {
  challengeId: number;
  slug: string;
  phaseId: number;
  cases: Record<string, number>;
  organiser: Agent;
}

export interface TeamFixture {
  teamId: number;
  name: string;
  member: Agent;
  email: string;
}

async function loggedIn(t: TestApp, prefix: string): Promise<{ agent: Agent; email: string; userId: number }> {
  const email = `${prefix}${++serial}-${process.pid}@example.org`;
  const agent = t.agent();
  await agent.register(email);
  const userId = (await t.db.query('select id from users where email = $1', [email])).rows[0].id as number;
  return { agent, email, userId };
}

export async function createPhaseWithCases(t: TestApp, options: PhaseOptions): Promise<PhaseFixture> {
  const n = ++serial;
  const organiser = await loggedIn(t, 'organiser');
  const slug = `sub-test-${n}`;
  const challengeId = (
    await t.db.query('insert into challenges (slug, title, created_by) values ($1, $2, $3) returning id', [slug, `Test ${n}`, organiser.userId])
  ).rows[0].id as number;
  await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, organiser.userId]);
  const phaseId = (
    await t.db.query(
      `insert into phases (challenge_id, name, kind, opens_at, closes_at, daily_limit, total_limit, show_case_results)
       values ($1, $2, $3, now() + make_interval(hours => $4), now() + make_interval(hours => $5), $6, $7, $8) returning id`,
      [
        challengeId,
        `phase ${n}`,
        options.kind ?? 'masks',
        options.opensInHours ?? -24,
        options.closesInHours ?? 24 * 30,
        options.dailyLimit ?? 5,
        options.totalLimit ?? null,
        options.showCaseResults ?? true,
      ],
    )
  ).rows[0].id as number;
  const cases: Record<string, number> = {};
  for (const name of options.caseNames) {
    const ctSha = createHash('sha256').update(`ct ${slug} ${name}`).digest('hex');
    await t.db.query('insert into blobs (sha256, size_bytes) values ($1, 1000)', [ctSha]);
    cases[name] = (
      await t.db.query(
        'insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, $4, $5) returning id',
        [phaseId, name, ctSha, `${name}_0000.nii.gz`, JSON.stringify(CASE_GEOMETRY)],
      )
    ).rows[0].id as number;
  }
  return { challengeId, slug, phaseId, cases, organiser: organiser.agent };
}

/** Gives a case a current gold standard in the given state (ready ones are named by new evaluations). */
export async function addGoldStandard(t: TestApp, caseId: number, status: 'queued' | 'ready'): Promise<number> {
  const sha = createHash('sha256').update(`gold ${caseId} ${status}`).digest('hex');
  await t.db.query('insert into blobs (sha256, size_bytes) values ($1, 1000) on conflict do nothing', [sha]);
  return (
    await t.db.query(
      `insert into gold_standards (case_id, version, sha256, file_name, status, is_current)
       values ($1, 1, $2, 'gold.nii.gz', $3, true) returning id`,
      [caseId, sha, status],
    )
  ).rows[0].id as number;
}

export async function createTeam(t: TestApp, challengeId: number, status: 'accepted' | 'pending' = 'accepted'): Promise<TeamFixture> {
  const member = await loggedIn(t, 'member');
  const name = `team ${++serial}`;
  const teamId = (
    await t.db.query(
      `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, $5) returning id`,
      [challengeId, name, `invite-${serial}-${process.pid}`, member.userId, status],
    )
  ).rows[0].id as number;
  await t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [teamId, member.userId, challengeId]);
  return { teamId, name, member: member.agent, email: member.email };
}

export async function registeredOutsider(t: TestApp): Promise<Agent> {
  return (await loggedIn(t, 'outsider')).agent;
}

export interface MaskOptions {
  geometry?: Partial<ImageGeometry>;
  componentType?: ComponentType;
  /** Value of the foreground box (default 1). */
  value?: number;
  /** Extra value written into one voxel (e.g. 2 or -1 for a non-binary mask). */
  oddValue?: number;
}

/** A small mask on the case grid (or another), with a box of foreground; written in the format its name says. */
export async function writeMask(path: string, options: MaskOptions = {}): Promise<string> {
  const g = { ...CASE_GEOMETRY, ...(options.geometry ?? {}) };
  const [nx, ny, nz] = g.size;
  const componentType = options.componentType ?? 'uint8';
  const data: VoxelArray = componentType === 'int16' ? new Int16Array(nx * ny * nz) : new Uint8Array(nx * ny * nz);
  for (let z = 3; z < nz - 3; z++) for (let y = 6; y < 10; y++) for (let x = 6; x < 10; x++) data[x + nx * (y + ny * z)] = options.value ?? 1;
  if (options.oddValue !== undefined) data[0] = options.oddValue;
  await writeVolume(path, { size: g.size, spacing: g.spacing, origin: g.origin, direction: g.direction, componentType, data });
  return path;
}

export interface ZipEntrySpec {
  name: string;
  data?: Buffer;
  /** Store (0) or deflate (8, default). */
  method?: 0 | 8;
  /** Claimed uncompressed size in the headers (default: the true size). */
  declaredSize?: number;
  /** Unix mode in the external attributes (e.g. 0o120777 for a symbolic link). */
  mode?: number;
}

/**
 * A zip written byte by byte, so names and headers can be whatever a test needs (`../evil`, `/abs`, lies about
 * sizes) — ordinary zip libraries refuse to write those.
 */
export function writeZip(path: string, entries: ZipEntrySpec[]): string {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = entry.data ?? Buffer.alloc(0);
    const method = entry.method ?? 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);
    const size = entry.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? (entry.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, directory, end]));
  return path;
}

export interface TarEntrySpec {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  linkname?: string;
}

/** A .tar.gz of the given entries (tar-stream writes any name or type it is given). */
export async function writeTarGz(path: string, entries: TarEntrySpec[]): Promise<string> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = { name: entry.name, type, mode: type === 'directory' ? 0o755 : 0o644, ...(entry.linkname ? { linkname: entry.linkname } : {}) };
    if (type === 'file') pack.entry(header, entry.data ?? Buffer.alloc(0));
    else pack.entry({ ...header, size: 0 });
  }
  pack.finalize();
  await done;
  writeFileSync(path, gzipSync(Buffer.concat(chunks)));
  return path;
}
