/**
 * Direct SQL set-up of platform rows for tests that exercise one part (the worker, leaderboards) without
 * going through the upload routes. Files are copied into the test's storage, content-addressed.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readVolume } from '../../evaluator/index.ts';
import type { AppDeps } from '../../server/app-deps.ts';
import { inTransaction } from '../../server/db/pool.ts';

let serial = 0;

export async function storeCopy(deps: AppDeps, path: string): Promise<string> {
  const dir = mkdtempSync(join(deps.storage.scratchDir, 'copy-'));
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  const blob = await deps.storage.putFile(copy);
  await deps.db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict do nothing', [blob.sha256, blob.size]);
  return blob.sha256;
}

export async function createUser(deps: AppDeps, email: string, admin = false): Promise<number> {
  const r = await deps.db.query(
    `insert into users (email, display_name, password_hash, is_admin, email_verified_at) values ($1, $2, 'x', $3, now()) returning id`,
    [email, email.split('@')[0], admin],
  );
  return r.rows[0].id;
}

export async function createPhase(deps: AppDeps, options: { showCaseResults?: boolean; teamsInspectIn3d?: boolean } = {}): Promise<{ challengeId: number; phaseId: number; organiserId: number }> {
  const n = ++serial;
  const organiserId = await createUser(deps, `organiser${n}-${process.pid}@example.org`);
  const c = await deps.db.query(`insert into challenges (slug, title, created_by) values ($1, $2, $3) returning id`, [`test-${n}-${process.pid}`, `Test ${n}`, organiserId]);
  const challengeId = c.rows[0].id;
  await deps.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, organiserId]);
  const p = await deps.db.query(
    `insert into phases (challenge_id, name, opens_at, closes_at, show_case_results, teams_inspect_in_3d)
     values ($1, 'validation', now() - interval '1 day', now() + interval '30 days', $2, $3) returning id`,
    [challengeId, options.showCaseResults ?? true, options.teamsInspectIn3d ?? false],
  );
  return { challengeId, phaseId: p.rows[0].id, organiserId };
}

/** A case whose CT is stood in for by the gold standard file itself (same grid), and its gold standard v1. */
export async function createCase(deps: AppDeps, phaseId: number, name: string, goldPath: string): Promise<{ caseId: number; goldId: number }> {
  const sha = await storeCopy(deps, goldPath);
  const header = await readVolume(goldPath, { headerOnly: true });
  const geometry = { size: header.size, spacing: header.spacing, origin: header.origin, direction: header.direction };
  return inTransaction(deps.db, async (client) => {
    const c = await client.query(
      `insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, $4, $5) returning id`,
      [phaseId, name, sha, basename(goldPath), geometry],
    );
    const g = await client.query(
      `insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 1, $2, $3, 'queued', true) returning id`,
      [c.rows[0].id, sha, basename(goldPath)],
    );
    await deps.queue.send('prepare-gold', { goldStandardId: g.rows[0].id }, client);
    return { caseId: c.rows[0].id, goldId: g.rows[0].id };
  });
}

export async function createTeam(deps: AppDeps, challengeId: number, name: string): Promise<{ teamId: number; userId: number }> {
  const n = ++serial;
  const userId = await createUser(deps, `member${n}-${process.pid}@example.org`);
  const t = await deps.db.query(
    `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, 'accepted') returning id`,
    [challengeId, name, `code-${n}-${process.pid}`, userId],
  );
  await deps.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [t.rows[0].id, userId, challengeId]);
  return { teamId: t.rows[0].id, userId };
}

/** A submission with one prediction per case and its queued evaluations (jobs enqueued in the same transaction). */
export async function createSubmission(
  deps: AppDeps,
  phaseId: number,
  team: { teamId: number; userId: number },
  files: Array<{ caseId: number; path: string }>,
): Promise<{ submissionId: number; evaluationIds: number[] }> {
  const shas: string[] = [];
  for (const f of files) shas.push(await storeCopy(deps, f.path));
  return inTransaction(deps.db, async (client) => {
    const s = await client.query(`insert into submissions (phase_id, team_id, submitted_by) values ($1, $2, $3) returning id`, [phaseId, team.teamId, team.userId]);
    const submissionId = s.rows[0].id;
    const evaluationIds: number[] = [];
    for (let n = 0; n < files.length; n++) {
      await client.query('insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, $4)', [submissionId, files[n].caseId, shas[n], basename(files[n].path)]);
      const e = await client.query(`insert into evaluations (submission_id, case_id) values ($1, $2) returning id`, [submissionId, files[n].caseId]);
      evaluationIds.push(e.rows[0].id);
      await deps.queue.send('evaluate-case', { evaluationId: e.rows[0].id }, client);
    }
    return { submissionId, evaluationIds };
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
