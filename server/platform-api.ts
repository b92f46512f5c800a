/**
 * The platform's public surface for code outside server/ that drives it as a whole — the demo seed (seed/) and
 * scripts like it: start the platform (with a start hook), make accounts, challenges, phases, cases, teams and
 * submissions through the same services and checks as the API, and follow the jobs they queue. Only this module
 * is imported from outside server/ by the seed (eslint.config.js enforces it), so the platform's insides can move
 * without breaking it; benchmarks and tests may reach further.
 */
import type { AppDeps } from './app-deps.ts';
import type { UserRow } from './auth/store.ts';
import { addCase } from './challenges/case-service.ts';
import type { PhaseRow, TeamRow } from './challenges/rows.ts';
import { acceptUpload } from './intake/accept-upload.ts';
import { intakeTargetOf } from './intake/intake-target.ts';
import { addUploadedFiles } from './releases/release-service.ts';
import type { ReleaseRow } from './releases/release-store.ts';

// starting: the entry point's main with its start hook, or the parts for a script of its own
export { main, type MainHooks, type StartHook } from './main.ts';
export { ConfigError, loadConfig, type Config } from './config.ts';
export { startRuntime, type Runtime } from './runtime.ts';
export { startWorker } from './worker/worker.ts';
export type { AppDeps } from './app-deps.ts';
export { AppError } from './errors.ts';

// accounts
export { hashPassword, randomToken } from './auth/secrets.ts';
export { findUserByEmail, firstAdmin, insertUser, type UserRow } from './auth/store.ts';

// challenges, phases and cases
export type { ChallengeRow, PhaseRow, TeamRow } from './challenges/rows.ts';
export { acceptAgreement, createChallenge } from './challenges/challenge-service.ts';
export { challengeCount, challengeIdBySlug, deleteChallenge } from './challenges/challenge-store.ts';
export { challengeById, teamOfUser } from './challenges/lookups.ts';
export { createPhase } from './challenges/phase-service.ts';
export { phasesOfChallenge } from './challenges/phase-store.ts';
export { DEFAULT_MODEL_LIMITS, type PhaseFields } from './challenges/phase-input.ts';
export { casesOfPhase } from './challenges/case-store.ts';
export { hasAuditEntry, insertAuditEntry } from './challenges/audit-entry.ts';

// data releases: training sets, phase inputs, documents
export { createRelease, pickCases } from './releases/release-service.ts';
export { releasesOfChallenge, type ReleaseRow } from './releases/release-store.ts';

// teams and submissions
export { createTeam } from './teams/service.ts';
export { submissionNotes } from './submissions/store.ts';

// model phases: the manifest a model ships with
export { manifestSchema, segmentOptionsOf, type ModelManifestInput } from './models/manifest.ts';

// jobs: how far the scoring of a challenge has come
export { evaluationProgress, type EvaluationProgress } from './challenges/evaluation-progress.ts';

/** A file on disk with the name it was uploaded under. */
export interface NamedFile {
  readonly path: string;
  readonly originalName: string;
}

/** Adds a case (CT and gold standard) to a phase as its organiser; the gold standard is prepared by a worker. */
export async function addCaseFromFiles(deps: AppDeps, organiser: UserRow, phase: PhaseRow, input: { name: string; ct: NamedFile; gold: NamedFile }): Promise<number> {
  const asUpload = (file: NamedFile) => ({ path: file.path, originalname: file.originalName }) as Express.Multer.File;
  const { caseRow } = await addCase(deps, organiser, phase, { name: input.name, ct: asUpload(input.ct), gold: asUpload(input.gold) });
  return caseRow.id;
}

/** Submits a team's masks (files already in `dir`, one per case or one archive) for every case of the phase. */
export async function submitMasks(
  deps: AppDeps,
  input: { phase: PhaseRow; team: TeamRow; userId: number; dir: string; files: Array<{ name: string; path: string; size: number }>; note?: string },
): Promise<number> {
  const target = await intakeTargetOf(deps, input.phase, input.team);
  const accepted = await acceptUpload(deps, target, input.userId, { dir: input.dir, files: input.files, note: input.note });
  return accepted.submission.id;
}

/** Submits a team's model (an .onnx file in `dir` and its manifest) to a model phase; workers run it on every case. */
export async function submitModel(
  deps: AppDeps,
  input: { phase: PhaseRow; team: TeamRow; userId: number; dir: string; model: { name: string; path: string; size: number }; manifestText: string; note?: string },
): Promise<number> {
  const target = await intakeTargetOf(deps, input.phase, input.team);
  const upload = { dir: input.dir, files: [input.model], manifestText: input.manifestText, note: input.note };
  const accepted = await acceptUpload(deps, target, input.userId, upload);
  return accepted.submission.id;
}

/** Adds files on disk to a release as its organiser (stored by content; the files are moved into the store). */
export async function addReleaseFiles(deps: AppDeps, organiser: UserRow, release: ReleaseRow, files: readonly NamedFile[], role: 'ct' | 'gold' | 'document' | 'other'): Promise<void> {
  const uploads = files.map((file) => ({ path: file.path, originalname: file.originalName }) as Express.Multer.File);
  await addUploadedFiles(deps, organiser, release, uploads, role);
}
