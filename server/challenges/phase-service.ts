/** Phases: created and changed by organisers, seen by everyone with their windows in UTC and their case names. */
import type { AppDeps } from '../app-deps.ts';
import type { UserRow } from '../auth/store.ts';
import { AppError } from '../errors.ts';
import { inTransaction } from '../db/pool.ts';
import { insertAuditEntry } from './audit-entry.ts';
import { requireOrganiser } from './access.ts';
import { challengeById, challengeBySlug, phaseById } from './lookups.ts';
import type { PhaseRow } from './rows.ts';
import { casesOfPhase } from './case-store.ts';
import type { PhaseChanges, PhaseFields } from './phase-input.ts';
import { insertPhase, phaseHasResults, phaseHasSubmissions, updatePhase } from './phase-store.ts';
import { unknownSuites } from '../../contract/phases.ts';
import { SUITE_IDS } from '../../contract/metric-suites.ts';
import { isUniqueViolation } from './pg-errors.ts';

const nameTaken = (name: string, challenge: { slug: string }) =>
  new AppError('CONFLICT', `"${challenge.slug}" has a phase named "${name}" already; choose another name`);

/** The 3D inspection serves the CT and the gold standard, which a model phase never shows a team. */
function refuseInspectionOfModelPhase(fields: PhaseFields): void {
  if (fields.kind === 'model' && fields.teamsInspectIn3d) {
    throw new AppError('VALIDATION_FAILED', 'teamsInspectIn3d: a model phase keeps its CTs and gold standards hidden, so teams cannot inspect its cases in 3D', [
      { field: 'teamsInspectIn3d', problem: 'must be false in a model phase' },
    ]);
  }
}

/** 422 for a suite name no suite has (the contract checks the shape; the catalogue is contract/metric-suites.ts). */
function checkSuites(suites: readonly string[] | undefined): void {
  const unknown = unknownSuites(suites ?? []);
  if (unknown.length) {
    const message = `metricSuites: unknown suite ${unknown.map((s) => `"${s}"`).join(', ')}; known suites: ${SUITE_IDS.join(', ')}`;
    throw new AppError('VALIDATION_FAILED', message, [{ field: 'metricSuites', message }]);
  }
}

const sameSuites = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

export async function createPhase(deps: AppDeps, user: UserRow, slug: string, fields: PhaseFields): Promise<PhaseRow> {
  const challenge = await challengeBySlug(deps.db, slug);
  await requireOrganiser(deps.db, challenge.id, user);
  checkSuites(fields.metricSuites);
  refuseInspectionOfModelPhase(fields);
  try {
    return await inTransaction(deps.db, async (client) => {
      const phase = await insertPhase(client, challenge.id, fields);
      await insertAuditEntry(client, { actorId: user.id, action: 'phase.create', targetType: 'phase', targetId: phase.id, details: { name: phase.name } });
      return phase;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'phases_challenge_id_name_key')) throw nameTaken(fields.name, challenge);
    throw error;
  }
}

function storedFields(phase: PhaseRow): PhaseFields {
  return {
    name: phase.name,
    kind: phase.kind,
    opensAt: phase.opens_at,
    closesAt: phase.closes_at,
    dailyLimit: phase.daily_limit,
    totalLimit: phase.total_limit,
    showCaseResults: phase.show_case_results,
    ranking: phase.ranking,
    leaderboardPick: phase.leaderboard_pick,
    teamsInspectIn3d: phase.teams_inspect_in_3d,
    modelMaxBytes: Number(phase.model_max_bytes),
    modelTimeLimitS: phase.model_time_limit_s,
    modelMemoryLimitMb: phase.model_memory_limit_mb,
    resultsVisibility: phase.results_visibility,
    metricSuites: phase.metric_suites,
  };
}

/** Changes a phase; the window is checked as a whole, and a phase with submissions keeps its kind. */
export async function changePhase(deps: AppDeps, user: UserRow, phaseId: number, changes: PhaseChanges): Promise<PhaseRow> {
  const phase = await phaseById(deps.db, phaseId);
  await requireOrganiser(deps.db, phase.challenge_id, user);
  checkSuites(changes.metricSuites);
  if (changes.metricSuites && !sameSuites(changes.metricSuites, phase.metric_suites) && (await phaseHasResults(deps.db, phase.id))) {
    throw new AppError(
      'CONFLICT',
      `phase "${phase.name}" has published results scored with ${phase.metric_suites.join(', ')}; change its suites through a ` +
        `re-evaluation run: POST /api/phases/${phase.id}/reevaluate with {"reason": …, "metricSuites": ${JSON.stringify(changes.metricSuites)}}, ` +
        `review the run's diff, then publish it (POST /api/runs/:id/publish)`,
    );
  }
  const merged: PhaseFields = { ...storedFields(phase), ...stripUndefined(changes) };
  if (merged.closesAt <= merged.opensAt) {
    throw new AppError(
      'BAD_REQUEST',
      `closesAt: must be after opensAt (${merged.opensAt.toISOString()}), got ${merged.closesAt.toISOString()}`,
    );
  }
  refuseInspectionOfModelPhase(merged);
  if (merged.kind !== phase.kind && (await phaseHasSubmissions(deps.db, phase.id))) {
    throw new AppError('CONFLICT', `phase "${phase.name}" has submissions already, so its kind stays "${phase.kind}"`);
  }
  try {
    return await inTransaction(deps.db, async (client) => {
      const updated = await updatePhase(client, phase.id, merged);
      await insertAuditEntry(client, {
        actorId: user.id,
        action: 'phase.update',
        targetType: 'phase',
        targetId: phase.id,
        details: { before: changedValues(storedFields(phase), changes), after: changedValues(merged, changes) },
      });
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'phases_challenge_id_name_key')) {
      throw nameTaken(merged.name, await challengeById(deps.db, phase.challenge_id));
    }
    throw error;
  }
}

/** The values of the fields a change names, for the audit log. */
function changedValues(fields: PhaseFields, changes: PhaseChanges): Partial<PhaseFields> {
  return Object.fromEntries(Object.keys(stripUndefined(changes)).map((key) => [key, fields[key as keyof PhaseFields]]));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A phase with its challenge's slug and the names of its cases. */
export async function phaseDetail(deps: AppDeps, phaseId: number) {
  const phase = await phaseById(deps.db, phaseId);
  const challenge = await challengeById(deps.db, phase.challenge_id);
  const cases = await casesOfPhase(deps.db, phase.id);
  return { phase, challenge, caseNames: cases.map((c) => c.name) };
}
