/**
 * The demo's data releases, so `npm start` shows the whole team journey (register → team → agreement →
 * download → segment → submit): a small training set (phantom CTs with their airway labels, made from seeds no
 * phase uses) and the validation phase's inputs (its CTs, picked from its cases: the stored blobs, no copy).
 * Each is made once, found again by name.
 */
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import { addReleaseFiles, createRelease, pickCases, releasesOfChallenge, type AppDeps, type ChallengeRow, type PhaseRow, type UserRow } from '../../server/platform-api.ts';
import { demoPhantom } from './demo-files.ts';

export const DEMO_TRAINING_RELEASE = 'Training set (phantoms)';
export const DEMO_INPUTS_RELEASE = 'Validation inputs';
export const DEMO_TRAINING_CASES = ['TRAIN_001', 'TRAIN_002', 'TRAIN_003'];
const TRAINING_FIRST_SEED = 3101;

export async function seedReleases(deps: AppDeps, organiser: UserRow, challenge: ChallengeRow, validation: PhaseRow, scratch: string, now: Date): Promise<string[]> {
  const existing = new Set((await releasesOfChallenge(deps.db, challenge.id)).map((r) => r.name));
  const made: string[] = [];
  const opensAt = new Date(now.getTime() - 24 * 3600_000).toISOString();
  if (!existing.has(DEMO_TRAINING_RELEASE)) {
    const release = await createRelease(deps, organiser, challenge, {
      kind: 'training',
      name: DEMO_TRAINING_RELEASE,
      description: 'Three simulated chest CTs (int16, Hounsfield units) with their airway labels (uint8, 1 = airway), on the grid of the demo phases.',
      version: '1',
      phaseId: null,
      opensAt,
      closesAt: null,
      url: null,
    });
    const cts = [];
    const labels = [];
    for (const [index, name] of DEMO_TRAINING_CASES.entries()) {
      const phantom = demoPhantom(TRAINING_FIRST_SEED + index);
      const ct = join(scratch, `${name}_0000.nii.gz`);
      const label = join(scratch, `${name}_label.nii.gz`);
      await writeVolume(ct, { ...phantom.geometry, componentType: 'int16', data: phantom.ct });
      await writeVolume(label, { ...phantom.geometry, componentType: 'uint8', data: phantom.label });
      cts.push({ path: ct, originalName: `${name}_0000.nii.gz` });
      labels.push({ path: label, originalName: `${name}_label.nii.gz` });
    }
    await addReleaseFiles(deps, organiser, release, cts, 'ct');
    await addReleaseFiles(deps, organiser, release, labels, 'gold');
    made.push(release.name);
  }
  if (!existing.has(DEMO_INPUTS_RELEASE)) {
    const release = await createRelease(deps, organiser, challenge, {
      kind: 'phase-inputs',
      name: DEMO_INPUTS_RELEASE,
      description: `The CTs of "${validation.name}": segment them and submit one mask per case, named after the case.`,
      version: '1',
      phaseId: validation.id,
      opensAt,
      closesAt: null,
      url: null,
    });
    await pickCases(deps, organiser, challenge, release, { phaseId: validation.id, ct: true, gold: false });
    made.push(release.name);
  }
  return made;
}
