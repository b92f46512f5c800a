/** May masks be submitted to this phase now? A mask phase, between its open and close times. */
import { AppError } from '../errors.ts';
import type { PhaseRow } from '../challenges/rows.ts';

export function requireOpenMaskPhase(phase: PhaseRow, now: Date = new Date()): void {
  if (phase.kind !== 'masks') {
    throw new AppError('CONFLICT', `phase "${phase.name}" takes models, not segmentation masks; upload a model to it instead`);
  }
  const opens = phase.opens_at.toISOString();
  const closes = phase.closes_at.toISOString();
  if (now < phase.opens_at) {
    throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is not open yet: it opens at ${opens} and closes at ${closes} (UTC)`);
  }
  if (now >= phase.closes_at) {
    throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is closed: it was open from ${opens} to ${closes} (UTC)`);
  }
}
