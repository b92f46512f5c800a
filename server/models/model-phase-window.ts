/** May models be submitted to this phase now? A model phase, between its open and close times. */
import type { PhaseRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';

export function requireOpenModelPhase(phase: PhaseRow, now: Date = new Date()): void {
  if (phase.kind !== 'model') {
    throw new AppError('CONFLICT', `phase "${phase.name}" takes segmentation masks, not models; upload masks to POST /api/phases/${phase.id}/submissions instead`);
  }
  const opens = phase.opens_at.toISOString();
  const closes = phase.closes_at.toISOString();
  if (now < phase.opens_at) throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is not open yet: it opens at ${opens} and closes at ${closes} (UTC)`);
  if (now >= phase.closes_at) throw new AppError('PHASE_CLOSED', `phase "${phase.name}" is closed: it was open from ${opens} to ${closes} (UTC)`);
}
