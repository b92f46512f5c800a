/**
 * What an organiser sends to create or change a phase, validated: the contract's request schemas
 * (contract/phases.ts), under the names the phase service uses.
 */
export {
  DEFAULT_MODEL_LIMITS,
  NewPhaseBody as newPhaseInput,
  PhaseChangesBody as phaseChangesInput,
  type PhaseChanges,
  type PhaseFields,
} from '../../contract/phases.ts';
