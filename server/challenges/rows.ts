/** Rows of a challenge, its phases and its teams, as the database returns them (migrations/0002, 0003, …). */
import type { ResultsVisibility } from '../../contract/phases.ts';
import type { SuiteId } from '../../contract/metric-suites.ts';
import type { RankingScheme } from './ranking-scheme.ts';

export interface ChallengeRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  participation_policy: 'auto' | 'review';
  data_agreement: string | null;
  created_by: number | null;
  created_at: Date;
}

export interface PhaseRow {
  id: number;
  challenge_id: number;
  name: string;
  kind: 'masks' | 'model';
  opens_at: Date;
  closes_at: Date;
  daily_limit: number;
  total_limit: number | null;
  show_case_results: boolean;
  /** Teams may open the 3D inspection (which reveals the gold standard's shape) of their own evaluations. */
  teams_inspect_in_3d: boolean;
  /** When teams see results: 'live', 'after-close' or 'never' (server/challenges/results-visibility.ts). */
  results_visibility: ResultsVisibility;
  /** Model phases: upload size, and per-case inference time and memory. */
  model_max_bytes: number;
  model_time_limit_s: number;
  model_memory_limit_mb: number;
  ranking: RankingScheme;
  leaderboard_pick: 'best' | 'latest';
  /** The metric suites the phase scores with, first one first (migrations/0012_metric_suites.sql). */
  metric_suites: SuiteId[];
  created_at: Date;
}

export interface TeamRow {
  id: number;
  challenge_id: number;
  name: string;
  invite_code: string;
  captain_id: number;
  status: 'pending' | 'accepted' | 'rejected';
  status_reason: string | null;
  created_at: Date;
}
