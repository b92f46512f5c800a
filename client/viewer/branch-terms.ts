/**
 * What the viewer calls the labelled pieces of the gold standard, by the phase's branch rule (`branchRule` of the
 * viewer JSON, contract/viewer/viewer-json.ts): ATM'22's refined branches, or AIIB23's unrefined segments (no
 * trachea, generation or parent), each with its suite's detection rule. Pure.
 */
import type { BranchRule } from '../api/types.ts';

export interface BranchTerms {
  /** "branch", "AIIB23 segment": in running text. */
  one: string;
  many: string;
  /** "Branch", "AIIB23 segment": at the start of a heading or a label. */
  title: string;
  /** Whether the rule finds a trachea (and generations below it). */
  hasTree: boolean;
  /** When a piece counts as detected, in one sentence. */
  detection: string;
}

export const BRANCH_TERMS: Readonly<Record<BranchRule, BranchTerms>> = {
  atm22: {
    one: 'branch',
    many: 'branches',
    title: 'Branch',
    hasTree: true,
    detection: 'A branch is detected when at least 80 % of its centreline lies inside the prediction\u2019s largest component.',
  },
  aiib23: {
    one: 'AIIB23 segment',
    many: 'AIIB23 segments',
    title: 'AIIB23 segment',
    hasTree: false,
    detection:
      'AIIB23 scores the unrefined segments of the skeleton (no trachea, no generations): a segment is detected when at least 80 % of its raw-label centreline lies inside the prediction\u2019s scored component (its largest, or the next-largest when the largest barely overlaps the gold standard).',
  },
};
