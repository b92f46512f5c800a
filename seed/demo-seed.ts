/**
 * The demo challenge, seeded idempotently: an organiser, the challenge "Airway Tree Modeling — demo" with a
 * validation phase (per-case results shown) and a test phase (hidden), a model phase with the baseline ONNX model
 * (seed/demo/demo-model-phase.ts), phantom cases, simulated teams and their submissions — all through the
 * platform's public surface (server/platform-api.ts), so the gold standards are prepared and the submissions
 * scored by the normal queue and workers, and the leaderboards fill in as they run.
 *
 * Idempotent: everything is found again by slug, phase and case names, e-mail addresses and submission notes, and
 * only what is missing is made. At start-up (`when: 'startup'`) it seeds only a platform without challenges, or
 * finishes a demo an interrupted start left incomplete; a finished demo is marked in the audit log and left alone.
 * `reset` deletes the demo challenge (everything in it cascades) and builds it again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logEvent } from '../evaluator/index.ts';
import {
  AppError,
  casesOfPhase,
  challengeById,
  challengeCount,
  challengeIdBySlug,
  acceptAgreement,
  createChallenge,
  createPhase,
  createTeam,
  deleteChallenge,
  findUserByEmail,
  hasAuditEntry,
  hashPassword,
  insertAuditEntry,
  insertUser,
  phasesOfChallenge,
  randomToken,
  submissionNotes,
  teamOfUser,
  type AppDeps,
  type ChallengeRow,
  type PhaseRow,
  type TeamRow,
  type UserRow,
} from '../server/platform-api.ts';
import {
  DEMO_AGREEMENT,
  DEMO_DESCRIPTION,
  DEMO_PHASES,
  DEMO_SEEDED_ACTION,
  DEMO_SLUG,
  DEMO_TEAMS,
  DEMO_TITLE,
  demoNote,
  type DemoPhase,
  type DemoTeam,
} from './demo/demo-content.ts';
import { addPhantomCase, demoPhantom, submitPlanned, writePrediction, type PlannedSubmission } from './demo/demo-files.ts';
import { demoOrganiser, organiserAnnouncement, writePasswordFile } from './demo/demo-organiser.ts';
import {
  DEMO_BASELINE_TEAM,
  DEMO_MODEL_CASES,
  DEMO_MODEL_FIRST_SEED,
  demoModelPhaseFields,
  submitBaselineModel,
} from './demo/demo-model-phase.ts';
import { seedReleases } from './demo/demo-releases.ts';

export type SeedProgress = (message: string, fields?: Record<string, unknown>) => void;

export interface SeedDemoOptions {
  /** Delete the demo challenge first, then build it again. */
  readonly reset?: boolean;
  /** 'startup': only on a platform without challenges, or to finish an interrupted demo; 'always' (default): create or complete. */
  readonly when?: 'startup' | 'always';
  /** Progress lines (default: JSON log lines on stderr). */
  readonly onProgress?: SeedProgress;
  /** Where a newly created organiser's password is shown, once (default: stdout). */
  readonly announce?: (text: string) => void;
}

export interface SeedDemoResult {
  readonly status: 'seeded' | 'skipped';
  readonly reason?: string;
  readonly challengeId?: number;
  readonly organiser?: string;
  /** What this run made. */
  readonly created: { cases: number; teams: number; submissions: number };
  readonly ms: number;
}

const defaultProgress: SeedProgress = (message, fields = {}) => logEvent('info', message, fields);

/** A finished demo is marked in the audit log; start-up then leaves it alone. */
function isMarkedSeeded(deps: AppDeps, challengeId: number): Promise<boolean> {
  return hasAuditEntry(deps.db, DEMO_SEEDED_ACTION, 'challenge', challengeId);
}

async function ensureChallenge(deps: AppDeps, organiser: UserRow, existingId: number | undefined): Promise<ChallengeRow> {
  if (existingId) return challengeById(deps.db, existingId);
  return createChallenge(deps, organiser, {
    slug: DEMO_SLUG,
    title: DEMO_TITLE,
    description: DEMO_DESCRIPTION,
    participationPolicy: 'auto',
    dataAgreement: DEMO_AGREEMENT,
  });
}

async function ensurePhase(deps: AppDeps, organiser: UserRow, challenge: ChallengeRow, demo: Pick<DemoPhase, 'fields'>, now: Date): Promise<PhaseRow> {
  const fields = demo.fields(now);
  const existing = (await phasesOfChallenge(deps.db, challenge.id)).find((p) => p.name === fields.name);
  return existing ?? createPhase(deps, organiser, challenge.slug, fields);
}

/** The team's captain account (random password, never shown) and the team, made when missing. */
async function ensureTeam(deps: AppDeps, challenge: ChallengeRow, demo: DemoTeam): Promise<{ team: TeamRow; user: UserRow; created: boolean }> {
  const user =
    (await findUserByEmail(deps.db, demo.email)) ??
    (await insertUser(deps.db, demo.email, demo.displayName, await hashPassword(randomToken(24)), false, true)) ??
    (await findUserByEmail(deps.db, demo.email))!;
  const existing = await teamOfUser(deps.db, challenge.id, user.id);
  const team = existing ?? (await createTeam(deps, user, challenge.slug, demo.name));
  // the simulated teams accepted the data-use agreement, as a real team must before it downloads or submits
  if (challenge.data_agreement) await acceptAgreement(deps, user, challenge.slug);
  return { team, user, created: !existing };
}

export async function seedDemo(deps: AppDeps, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const started = performance.now();
  const progress = options.onProgress ?? defaultProgress;
  const created = { cases: 0, teams: 0, submissions: 0 };
  const result = (fields: Omit<SeedDemoResult, 'created' | 'ms'>): SeedDemoResult => ({ ...fields, created, ms: Math.round(performance.now() - started) });

  let challengeId = await challengeIdBySlug(deps.db, DEMO_SLUG);
  if (options.reset && challengeId) {
    await deleteChallenge(deps.db, challengeId);
    progress('demo seed: removed the demo challenge to build it again', { slug: DEMO_SLUG });
    challengeId = undefined;
  }
  if (options.when === 'startup') {
    let reason: string | undefined;
    if (challengeId && (await isMarkedSeeded(deps, challengeId))) reason = 'the demo challenge is there already';
    else if (!challengeId && (await challengeCount(deps.db)) > 0) reason = 'the platform has challenges of its own; add the demo with `npm run seed`';
    if (reason) {
      progress('demo seed: skipped', { reason });
      return result({ status: 'skipped', reason, challengeId });
    }
  }

  const organiser = await demoOrganiser(deps);
  if (organiser.newPassword) {
    mkdirSync(deps.config.dataDir, { recursive: true });
    const file = writePasswordFile(deps.config.dataDir, organiser.user.email, organiser.newPassword);
    (options.announce ?? ((text) => process.stdout.write(text)))(organiserAnnouncement(organiser.user.email, file));
  }
  const challenge = await ensureChallenge(deps, organiser.user, challengeId);
  progress('demo seed: challenge ready', { slug: challenge.slug, organiser: organiser.user.email });

  const teams: Array<{ demo: DemoTeam; team: TeamRow; user: UserRow }> = [];
  for (const demo of DEMO_TEAMS) {
    try {
      const { team, user, created: isNew } = await ensureTeam(deps, challenge, demo);
      if (isNew) created.teams++;
      teams.push({ demo, team, user });
    } catch (error) {
      // e.g. a participant took the team's name: the demo goes on without that team
      if (!(error instanceof AppError)) throw error;
      progress('demo seed: team left out', { team: demo.name, reason: error.message });
    }
  }
  progress('demo seed: teams ready', { teams: teams.map((t) => t.team.name) });

  const scratch = await mkdtemp(join(deps.storage.scratchDir, 'demo-seed-'));
  try {
    const now = new Date();
    const phases: PhaseRow[] = [];
    for (const demoPhase of DEMO_PHASES) {
      const phase = await ensurePhase(deps, organiser.user, challenge, demoPhase, now);
      await seedPhase(deps, organiser.user, phase, demoPhase, teams, scratch, progress, created);
      phases.push(phase);
    }
    const releases = await seedReleases(deps, organiser.user, challenge, phases[0], scratch, now);
    if (releases.length) progress('demo seed: data releases ready', { releases });
    await seedModelPhase(deps, organiser.user, challenge, now, scratch, progress, created);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (!(await isMarkedSeeded(deps, challenge.id))) {
    await insertAuditEntry(deps.db, {
      actorId: organiser.user.id,
      action: DEMO_SEEDED_ACTION,
      targetType: 'challenge',
      targetId: challenge.id,
      details: { created },
    });
  }
  const done = result({ status: 'seeded', challengeId: challenge.id, organiser: organiser.user.email });
  progress('demo seed: done; the worker scores the submissions now', { created, ms: done.ms });
  return done;
}

/** The model phase: hidden phantom cases and the baseline ONNX model, run by the workers like any team's. */
async function seedModelPhase(
  deps: AppDeps,
  organiser: UserRow,
  challenge: ChallengeRow,
  now: Date,
  scratch: string,
  progress: SeedProgress,
  created: { cases: number; teams: number; submissions: number },
): Promise<void> {
  const phase = await ensurePhase(deps, organiser, challenge, { fields: demoModelPhaseFields }, now);
  const existing = new Set((await casesOfPhase(deps.db, phase.id)).map((c) => c.name));
  for (const [index, name] of DEMO_MODEL_CASES.entries()) {
    if (existing.has(name)) continue;
    await addPhantomCase(deps, organiser, phase, name, demoPhantom(DEMO_MODEL_FIRST_SEED + index), scratch);
    created.cases++;
  }
  let baseline: { team: TeamRow; user: UserRow; created: boolean };
  try {
    baseline = await ensureTeam(deps, challenge, DEMO_BASELINE_TEAM);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    progress('demo seed: baseline team left out', { reason: error.message });
    return;
  }
  if (baseline.created) created.teams++;
  const id = await submitBaselineModel(deps, phase, baseline.team, baseline.user, scratch);
  if (id !== undefined) {
    created.submissions++;
    progress('demo seed: baseline model submitted', { phase: phase.name, submission: id });
  }
}

async function seedPhase(
  deps: AppDeps,
  organiser: UserRow,
  phase: PhaseRow,
  demoPhase: DemoPhase,
  teams: ReadonlyArray<{ demo: DemoTeam; team: TeamRow; user: UserRow }>,
  scratch: string,
  progress: SeedProgress,
  created: { cases: number; submissions: number },
): Promise<void> {
  const planned: PlannedSubmission[] = [];
  for (const { demo, team, user } of teams) {
    const notes = await submissionNotes(deps.db, phase.id, team.id);
    demo.submissions[demoPhase.key].forEach((profile, index) => {
      const note = demoNote(demoPhase.key, index + 1, profile);
      if (notes.has(note)) return;
      const variant = `${demoPhase.key}/${demo.name}/${index + 1}`;
      planned.push({ team, userId: user.id, profile, note, variant, dir: join(scratch, `${phase.id}-${team.id}-${index + 1}`) });
    });
  }
  const existing = new Set((await casesOfPhase(deps.db, phase.id)).map((c) => c.name));
  for (const [index, name] of demoPhase.caseNames.entries()) {
    if (existing.has(name) && planned.length === 0) continue;
    const caseStarted = performance.now();
    // the same seed gives the same phantom, so predictions for a case stored earlier still match its gold standard
    const phantom = demoPhantom(demoPhase.firstSeed + index);
    if (!existing.has(name)) {
      await addPhantomCase(deps, organiser, phase, name, phantom, scratch);
      created.cases++;
    }
    for (const submission of planned) await writePrediction(submission, name, phantom);
    progress('demo seed: case ready', { phase: phase.name, case: name, branches: phantom.branches.length, ms: Math.round(performance.now() - caseStarted) });
  }
  for (const submission of planned) {
    const id = await submitPlanned(deps, phase, submission, demoPhase.caseNames);
    created.submissions++;
    progress('demo seed: submission queued', { phase: phase.name, team: submission.team.name, profile: submission.profile, submission: id });
  }
}
