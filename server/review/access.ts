/**
 * Organiser-only resources: the caller must be signed in (401), the resource must exist (404), and the caller
 * must organise the challenge it belongs to (403).
 */
import type { Request } from 'express';
import { requireUser } from '../auth/authenticate.ts';
import type { UserRow } from '../auth/store.ts';
import { requireOrganiser } from '../challenges/access.ts';
import { phaseById } from '../challenges/lookups.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import type { Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { idParam } from '../http/path-id.ts';
import { runById, type RunRow } from './runs-store.ts';
import { submissionById, type SubmissionRow } from './submissions-store.ts';

export async function phaseForOrganiser(db: Pool, req: Request): Promise<{ user: UserRow; phase: PhaseRow }> {
  const user = requireUser(req);
  const phase = await phaseById(db, idParam(req.params.id, 'phase'));
  await requireOrganiser(db, phase.challenge_id, user);
  return { user, phase };
}

export async function submissionForOrganiser(db: Pool, req: Request): Promise<{ user: UserRow; submission: SubmissionRow; phase: PhaseRow }> {
  const user = requireUser(req);
  const id = idParam(req.params.id, 'submission');
  const submission = await submissionById(db, id);
  if (!submission) throw new AppError('NOT_FOUND', `no submission ${id}`);
  const phase = await phaseById(db, submission.phase_id);
  await requireOrganiser(db, phase.challenge_id, user);
  return { user, submission, phase };
}

export async function runForOrganiser(db: Pool, req: Request): Promise<{ user: UserRow; run: RunRow; phase: PhaseRow }> {
  const user = requireUser(req);
  const id = idParam(req.params.id, 'evaluation run');
  const run = await runById(db, id);
  if (!run) throw new AppError('NOT_FOUND', `no evaluation run ${id}`);
  const phase = await phaseById(db, run.phase_id);
  await requireOrganiser(db, phase.challenge_id, user);
  return { user, run, phase };
}
