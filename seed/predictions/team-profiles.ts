/**
 * Named simulated teams, from excellent to poor, each a set of error modes: what the demo challenge's teams
 * submit, and what `carina phantom --predictions` writes. Generations are the phantom tree's (trachea 0).
 */
import type { PredictionErrors } from './simulate-prediction.ts';

export interface TeamProfile {
  readonly name: string;
  readonly description: string;
  readonly errors: PredictionErrors;
}

export const TEAM_PROFILES = {
  excellent: {
    name: 'excellent',
    description: 'misses a few of the thinnest branches; a slightly thick boundary and one small leak',
    errors: {
      missed: { fromGeneration: 8, probability: 0.06 },
      boundary: { voxels: 1, fraction: 0.05 },
      leakage: { fromGeneration: 6, count: 1, radiusMm: 2.5 },
      islands: { count: 2, radiusMm: 2 },
    },
  },
  good: {
    name: 'good',
    description: 'misses more distal branches, an occasional break, a few small leaks',
    errors: {
      missed: { fromGeneration: 7, probability: 0.1 },
      boundary: { voxels: 1, fraction: 0.04 },
      broken: { fromGeneration: 6, probability: 0.005 },
      leakage: { fromGeneration: 5, count: 2, radiusMm: 3 },
      islands: { count: 4, radiusMm: 2.5 },
    },
  },
  leaky: {
    name: 'leaky',
    description: 'finds nearly every branch but thickens the lumen and leaks into the lung',
    errors: {
      missed: { fromGeneration: 8, probability: 0.05 },
      boundary: { voxels: 1, fraction: 0.6 },
      leakage: { fromGeneration: 3, count: 10, radiusMm: 6 },
      islands: { count: 8, radiusMm: 3 },
    },
  },
  fair: {
    name: 'fair',
    description: 'misses many segmental branches, thin lumen, a few breaks',
    errors: {
      missed: { fromGeneration: 5, probability: 0.12 },
      boundary: { voxels: -1, fraction: 0.15 },
      broken: { fromGeneration: 5, probability: 0.01 },
      leakage: { fromGeneration: 4, count: 2, radiusMm: 3 },
      islands: { count: 6, radiusMm: 2.5 },
    },
  },
  poor: {
    name: 'poor',
    description: 'finds little beyond the segmental bronchi; broken and eroded',
    errors: {
      missed: { fromGeneration: 4, probability: 0.25 },
      boundary: { voxels: -1, fraction: 0.5 },
      broken: { fromGeneration: 4, probability: 0.03 },
      leakage: { fromGeneration: 3, count: 3, radiusMm: 4 },
      islands: { count: 15, radiusMm: 3 },
    },
  },
} as const satisfies Record<string, TeamProfile>;

export type TeamProfileName = keyof typeof TEAM_PROFILES;

export const PROFILE_NAMES = Object.keys(TEAM_PROFILES) as TeamProfileName[];

export function isProfileName(name: string): name is TeamProfileName {
  return (PROFILE_NAMES as string[]).includes(name);
}
