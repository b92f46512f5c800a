/**
 * Phantom cases and simulated predictions for the demo, written as files in a scratch folder and handed to the
 * platform's own code paths: cases through `addCase` (checked like an organiser's upload, stored by content, the
 * gold standard's preparation queued in the same transaction), submissions through intake's `acceptUpload`.
 */
import { join } from 'node:path';
import { mkdir, stat } from 'node:fs/promises';
import { writeVolume } from '../../evaluator/index.ts';
import { addCaseFromFiles, submitMasks, type AppDeps, type PhaseRow, type TeamRow, type UserRow } from '../../server/platform-api.ts';
import { generatePhantom, type Phantom } from '../phantom/generate-phantom.ts';
import { phantomOptions } from '../phantom/phantom-options.ts';
import { simulatePrediction } from '../predictions/simulate-prediction.ts';
import { TEAM_PROFILES, type TeamProfileName } from '../predictions/team-profiles.ts';
import { DEMO_GRID } from './demo-content.ts';

export function demoPhantom(seed: number): Phantom {
  return generatePhantom(phantomOptions({ seed, size: [...DEMO_GRID.size], spacing: [...DEMO_GRID.spacing] }));
}

/** An on-disk file in the shape multer hands to the case service. */
export async function addPhantomCase(deps: AppDeps, organiser: UserRow, phase: PhaseRow, name: string, phantom: Phantom, dir: string): Promise<void> {
  const ct = join(dir, `${name}-ct`);
  const gold = join(dir, `${name}-gold`);
  await writeVolume(`${ct}.nii.gz`, { ...phantom.geometry, componentType: 'int16', data: phantom.ct });
  await writeVolume(`${gold}.nii.gz`, { ...phantom.geometry, componentType: 'uint8', data: phantom.label });
  await addCaseFromFiles(deps, organiser, phase, {
    name,
    ct: { path: `${ct}.nii.gz`, originalName: `${name}_0000.nii.gz` },
    gold: { path: `${gold}.nii.gz`, originalName: `${name}_label.nii.gz` },
  });
}

/** A planned demo submission: its files are written case by case into `dir`, then it is submitted at once. */
export interface PlannedSubmission {
  readonly team: TeamRow;
  readonly userId: number;
  readonly profile: TeamProfileName;
  readonly note: string;
  /** Names the prediction's random stream, so each submission differs. */
  readonly variant: string;
  readonly dir: string;
}

export async function writePrediction(planned: PlannedSubmission, caseName: string, phantom: Phantom): Promise<void> {
  await mkdir(planned.dir, { recursive: true });
  const prediction = simulatePrediction(phantom, TEAM_PROFILES[planned.profile].errors, `${planned.variant}/${caseName}`);
  await writeVolume(join(planned.dir, `${caseName}.nii.gz`), { ...phantom.geometry, componentType: 'uint8', data: prediction.mask });
}

export async function submitPlanned(deps: AppDeps, phase: PhaseRow, planned: PlannedSubmission, caseNames: readonly string[]): Promise<number> {
  const files = await Promise.all(
    caseNames.map(async (name) => {
      const path = join(planned.dir, `${name}.nii.gz`);
      return { name: `${name}.nii.gz`, path, size: (await stat(path)).size };
    }),
  );
  return submitMasks(deps, { phase, team: planned.team, userId: planned.userId, dir: planned.dir, files, note: planned.note });
}
