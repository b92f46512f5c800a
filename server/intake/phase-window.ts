/** May this kind of submission (masks or a model) be made to this phase now? The phase's kind, between its open and close times. */
import type { PhaseRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';

export type IntakeKind = PhaseRow['kind'];

function wrongKind(phase: PhaseRow, sent: IntakeKind): AppError {
  return sent === 'masks'
    ? new AppError('CONFLICT', `phase "${phase.name}" takes models, not segmentation masks; upload a model to it instead`)
    : new AppError('CONFLICT', `phase "${phase.name}" takes segmentation masks, not models; upload masks to POST /api/phases/${phase.id}/submissions instead`);
}

export function requireOpenPhase(phase: PhaseRow, kind: IntakeKind, now: Date = new Date()): void {
  if (phase.kind !== kind) throw wrongKind(phase, kind);
  const opens = phase.opens_at.toISOString();
  const closes = phase.closes_at.toISOString();
  if (now < phase.opens_at) throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is not open yet: it opens at ${opens} and closes at ${closes} (UTC)`);
  if (now >= phase.closes_at) throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is closed: it was open from ${opens} to ${closes} (UTC)`);
}
