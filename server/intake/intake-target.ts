/**
 * Where an upload goes, settled before any byte of it is received, by every way files arrive (a multipart
 * request, a resumable upload's creation, its submission): the phase open for this kind of submission, the team
 * accepted, cases defined, quota left, not too many rejected uploads lately; and what the phase's kind allows — how
 * many files, how large each (masks: from the case grids, case-grid-limits.ts).
 */
import type { AppDeps } from '../app-deps.ts';
import { requireVerified } from '../auth/authenticate.ts';
import type { UserRow } from '../auth/store.ts';
import { requireActiveTeam } from '../challenges/access.ts';
import { challengeById, phaseById } from '../challenges/lookups.ts';
import type { PhaseRow, TeamRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';
import { modelLimitsOf, type ModelLimits } from '../models/model-store.ts';
import { quotaOf, requireQuotaLeft } from '../submissions/quota.ts';
import { casesOfPhase, type PhaseCase } from '../submissions/store.ts';
import { maskUploadLimits } from './case-grid-limits.ts';
import { requireFewRejections } from './rejected-uploads.ts';
import { requireOpenPhase, type IntakeKind } from './phase-window.ts';

/** An archive may hold at most this many entries per case (folders, resource forks and notes included). */
export const ARCHIVE_ENTRIES_PER_CASE = 4;

interface Target {
  readonly phase: PhaseRow;
  readonly team: TeamRow;
  readonly cases: PhaseCase[];
  /** At most this many files in one submission (masks: one per case, or an archive's entries; a model: one). */
  readonly maxFiles: number;
  /** No received file may be larger. */
  readonly maxFileBytes: number;
}

export interface MaskTarget extends Target {
  readonly kind: 'masks';
  /** Archives: no entry larger, no more unpacked in all (case-grid-limits.ts). */
  readonly maxEntryBytes: number;
  readonly maxUnpackedBytes: number;
}

export interface ModelTarget extends Target {
  readonly kind: 'model';
  readonly limits: ModelLimits;
}

export type IntakeTarget = MaskTarget | ModelTarget;

/** The target of a phase's kind, without any check (the demo seed submits this way). */
export async function intakeTargetOf(deps: AppDeps, phase: PhaseRow, team: TeamRow): Promise<IntakeTarget> {
  const cases = await casesOfPhase(deps.db, phase.id);
  if (phase.kind === 'masks') {
    const limits = maskUploadLimits(cases.map((c) => c.geometry), deps.config);
    return { kind: 'masks', phase, team, cases, maxFiles: ARCHIVE_ENTRIES_PER_CASE * cases.length, ...limits };
  }
  const limits = await modelLimitsOf(deps.db, phase.id);
  return { kind: 'model', phase, team, cases, limits, maxFiles: 1, maxFileBytes: Math.min(limits.maxBytes, deps.config.maxUploadBytes) };
}

/**
 * Checks before receiving any file: may this user's team submit to this phase now? `kind` is what the route
 * takes (masks or a model); without it, whatever the phase takes (resumable uploads serve both).
 */
export async function openIntakeTarget(deps: AppDeps, phaseId: number, user: UserRow, kind?: IntakeKind): Promise<IntakeTarget> {
  requireVerified(user);
  const phase = await phaseById(deps.db, phaseId);
  const team = await requireActiveTeam(deps.db, await challengeById(deps.db, phase.challenge_id), user);
  requireOpenPhase(phase, kind ?? phase.kind);
  await requireFewRejections(deps.db, team, deps.config.rejectedUploadsPerHour);
  const target = await intakeTargetOf(deps, phase, team);
  if (target.cases.length === 0) {
    const why = target.kind === 'masks' ? 'nothing can be submitted to it' : 'a model has nothing to run on';
    throw new AppError('CONFLICT', `phase "${phase.name}" has no cases yet; ${why}`);
  }
  // cheap check before receiving and validating the files; repeated under a lock when accepting
  requireQuotaLeft(await quotaOf(deps.db, phase, team.id), team.name, phase.name);
  return target;
}
