/**
 * The demo's model phase: a phase of kind `model` on hidden phantom cases, with Carina's baseline ONNX model
 * (seed/baseline-model) submitted by the team "Carina Baseline" — so a fresh platform shows a model run on hidden
 * CTs end to end (sandboxed inference, then the same scoring as masks). Idempotent like the rest of the demo.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  submissionNotes,
  submitModel,
  type AppDeps,
  type ChallengeRow,
  type PhaseFields,
  type PhaseRow,
  type TeamRow,
  type UserRow,
} from '../../server/platform-api.ts';
import { buildBaselineModel } from '../baseline-model/build-baseline.ts';
import { ATM22_EQUAL_WEIGHTS, demoPhaseDefaults, type DemoTeam } from './demo-content.ts';

export const DEMO_MODEL_PHASE_NAME = 'Hidden test (model)';
export const DEMO_MODEL_CASES = ['DEMO_201', 'DEMO_202'] as const;
export const DEMO_MODEL_FIRST_SEED = 4301;
export const DEMO_MODEL_NOTE = 'Demo: the Carina baseline model (seed/baseline-model)';

/** The team that submits the baseline model (its account has a random password, never shown). */
export const DEMO_BASELINE_TEAM: DemoTeam = {
  name: 'Carina Baseline',
  email: 'baseline-model@demo.carina.local',
  displayName: 'Carina Baseline',
  submissions: { validation: [], test: [], aiib: [] },
};

export function demoModelPhaseFields(now: Date): PhaseFields {
  return {
    ...demoPhaseDefaults(now),
    name: DEMO_MODEL_PHASE_NAME,
    kind: 'model',
    dailyLimit: 2,
    totalLimit: 10,
    showCaseResults: true,
    teamsInspectIn3d: false,
    modelTimeLimitS: 300,
    modelMemoryLimitMb: 2048,
    ranking: ATM22_EQUAL_WEIGHTS,
    leaderboardPick: 'best',
  };
}

/** Submits the baseline model for the team unless it has a submission in the phase already; returns its id. */
export async function submitBaselineModel(
  deps: AppDeps,
  phase: PhaseRow,
  team: TeamRow,
  user: UserRow,
  scratch: string,
): Promise<number | undefined> {
  if ((await submissionNotes(deps.db, phase.id, team.id)).size > 0) return undefined; // submitted already
  const model = buildBaselineModel();
  const dir = join(scratch, `model-${phase.id}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, model.fileName);
  await writeFile(path, model.onnx);
  return submitModel(deps, {
    phase,
    team,
    userId: user.id,
    dir,
    model: { name: model.fileName, path, size: model.onnx.length },
    manifestText: JSON.stringify(model.manifest),
    note: DEMO_MODEL_NOTE,
  });
}

export type { ChallengeRow };
