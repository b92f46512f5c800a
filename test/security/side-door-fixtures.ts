/**
 * What the side-door rows of the hostile-input table need, written straight into the database: a model phase that
 * hides per-case results with a model run whose error text quotes a shape computed from the hidden CT, a mask phase
 * that lets teams inspect in 3D with an evaluation carrying metrics off the team's allow-list, a blind phase
 * (results after the close) with a scored submission, and a pending and a rejected team.
 */
import { createPhaseWithCases, createTeam, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** The kind of text onnxruntime writes when a Reshape fails: the shape comes from the hidden CT. */
export const MODEL_ERROR_TEXT = 'Non-zero status code returned while running Reshape node. Name:\'r\' Status Message: input shape {1,1,487,512,512} cannot be reshaped';
/** Stored metrics a team must never receive (gold-derived counts). */
export const GOLD_DERIVED = { gt_lcc_voxels: 424242, skeleton_voxels: 31337 } as const;
/** The blind phase's secret mean TD. */
export const BLIND_TD = 88.8125;

export interface SideDoors {
  modelPhase: PhaseFixture;
  modelTeam: TeamFixture;
  modelSubmission: number;
  modelEvaluation: number;
  inspectPhase: PhaseFixture;
  inspectTeam: TeamFixture;
  inspectEvaluation: number;
  blindPhase: PhaseFixture;
  blindTeam: TeamFixture;
  blindSubmission: number;
  blindEvaluation: number;
  pendingTeam: number;
  rejectedTeam: number;
}

async function scoredSubmission(t: TestApp, phaseId: number, caseId: number, team: TeamFixture, metrics: Record<string, number>, status: 'done' | 'failed' = 'done') {
  const userId = (await t.db.query('select user_id from team_members where team_id = $1', [team.teamId])).rows[0].user_id;
  const official = Object.fromEntries(Object.entries(metrics).filter(([key]) => ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'].includes(key)));
  const zeros = Object.fromEntries(Object.keys(official).map((key) => [key, 0]));
  const aggregate = status === 'done' ? { cases: 1, mean: official, std: zeros, unroundedMean: official } : null;
  const submission = (
    await t.db.query(`insert into submissions (phase_id, team_id, submitted_by, status, aggregate, finished_at) values ($1, $2, $3, $4, $5, now()) returning id`, [phaseId, team.teamId, userId, status, aggregate && JSON.stringify(aggregate)])
  ).rows[0].id as number;
  const evaluation = (
    await t.db.query(`insert into evaluations (submission_id, case_id, status, metrics, finished_at) values ($1, $2, $3, $4, now()) returning id`, [submission, caseId, status, status === 'done' ? JSON.stringify(metrics) : null])
  ).rows[0].id as number;
  return { submission, evaluation };
}

export async function sideDoors(t: TestApp): Promise<SideDoors> {
  // a model phase that hides per-case results; the model failed on the hidden CT with onnxruntime's text
  const modelPhase = await createPhaseWithCases(t, { caseNames: ['ATM_101'], kind: 'model', showCaseResults: false });
  const modelTeam = await createTeam(t, modelPhase.challengeId);
  const model = await scoredSubmission(t, modelPhase.phaseId, modelPhase.cases.ATM_101, modelTeam, {}, 'failed');
  await t.db.query(`update evaluations set error_code = 'MODEL_RUNTIME_ERROR', error_message = $2, error_owner = 'team',
    progress = '{"stage": "inference", "patchesDone": 3, "patchesTotal": 512}' where id = $1`, [model.evaluation, MODEL_ERROR_TEXT]);
  const blob = (await t.db.query('select ct_sha256 from cases where id = $1', [modelPhase.cases.ATM_101])).rows[0].ct_sha256;
  await t.db.query(`insert into submission_models (submission_id, sha256, original_name, manifest, summary) values ($1, $2, 'model.onnx', $3, '{}')`, [
    model.submission,
    blob,
    JSON.stringify({
      input: { layout: 'NCDHW', patchSize: [64, 64, 64], channels: [{ window: [-1000, 0], normalisation: 'minmax' }], spacing: 'native', padValue: -1000 },
      overlap: 0.5,
      output: { type: 'logits', channels: 1, foregroundChannel: 0, threshold: 0.5 },
    }),
  ]);
  await t.db.query(
    `insert into model_runs (evaluation_id, status, attempts, patches_done, patches_total, provider, run_ms, peak_memory_mb, error_code, error_message)
     values ($1, 'failed', 1, 3, 512, 'cpu', 4100, 900, 'MODEL_RUNTIME_ERROR', $2)`,
    [model.evaluation, MODEL_ERROR_TEXT],
  );

  // a mask phase that shows per-case results and lets teams inspect in 3D
  const inspectPhase = await createPhaseWithCases(t, { caseNames: ['ATM_201'] });
  await t.db.query('update phases set teams_inspect_in_3d = true where id = $1', [inspectPhase.phaseId]);
  const inspectTeam = await createTeam(t, inspectPhase.challengeId);
  const inspect = await scoredSubmission(t, inspectPhase.phaseId, inspectPhase.cases.ATM_201, inspectTeam, { TD: 91.25, BD: 80.5, DSC: 90, Precision: 95, Sensitivity: 90, Specificity: 99.9, branches_total: 40, branches_detected: 32, leakage_voxels: 12, leakage_components: 2, ...GOLD_DERIVED });

  // a blind phase: results shown only after it closes
  const blindPhase = await createPhaseWithCases(t, { caseNames: ['ATM_301'] });
  await t.db.query(`update phases set results_visibility = 'after-close', teams_inspect_in_3d = true where id = $1`, [blindPhase.phaseId]);
  const blindTeam = await createTeam(t, blindPhase.challengeId);
  const blind = await scoredSubmission(t, blindPhase.phaseId, blindPhase.cases.ATM_301, blindTeam, { TD: BLIND_TD, BD: 70.5, DSC: 85, Precision: 92, Sensitivity: 88, Specificity: 99.5 });

  const pendingTeam = (await createTeam(t, inspectPhase.challengeId, 'pending')).teamId;
  const rejectedTeam = (await createTeam(t, inspectPhase.challengeId, 'pending')).teamId;
  await t.db.query(`update teams set status = 'rejected', status_reason = 'duplicate of another team' where id = $1`, [rejectedTeam]);

  return {
    modelPhase,
    modelTeam,
    modelSubmission: model.submission,
    modelEvaluation: model.evaluation,
    inspectPhase,
    inspectTeam,
    inspectEvaluation: inspect.evaluation,
    blindPhase,
    blindTeam,
    blindSubmission: blind.submission,
    blindEvaluation: blind.evaluation,
    pendingTeam,
    rejectedTeam,
  };
}
