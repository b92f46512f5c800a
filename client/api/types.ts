/** The wire shapes the client reads, as docs/api.md and docs/viewer-api.md describe them. */
import type { ImageGeometry } from '../../evaluator/io/image-volume.ts';

export type MetricName = 'TD' | 'BD' | 'DSC' | 'Precision' | 'Sensitivity' | 'Specificity';
export const METRICS: readonly MetricName[] = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'];
export type Metrics = Record<MetricName, number>;

export interface User {
  id: number;
  email: string;
  displayName: string;
  isAdmin: boolean;
}

export interface SessionReply {
  user: User;
  csrfToken: string | null;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Challenge {
  id: number;
  slug: string;
  title: string;
  description: string;
  participationPolicy: 'auto' | 'review';
  dataAgreement: string | null;
  createdAt: string;
}

export type RankingScheme =
  | { scheme: 'weighted'; weights: Partial<Record<MetricName, number>> }
  | { scheme: 'mean-rank'; metrics: MetricName[] };

export interface Phase {
  id: number;
  challengeId: number;
  name: string;
  kind: 'masks' | 'model';
  opensAt: string;
  closesAt: string;
  timeZone: string;
  state: 'upcoming' | 'open' | 'closed';
  dailyLimit: number;
  totalLimit: number | null;
  showCaseResults: boolean;
  /** Teams may open the 3D inspection of their own evaluations (it shows the gold standard's shape). */
  teamsInspectIn3d?: boolean;
  ranking: RankingScheme;
  leaderboardPick: 'best' | 'latest';
  caseCount: number;
}

export interface TeamMember {
  id: number;
  displayName: string;
  email?: string;
  isCaptain: boolean;
  joinedAt: string;
  agreementAccepted: boolean;
}

export interface Team {
  id: number;
  name: string;
  status: 'pending' | 'accepted' | 'rejected';
  challenge: string;
  statusReason?: string | null;
  captainId?: number;
  createdAt?: string;
  inviteCode?: string;
  members?: TeamMember[];
}

export interface ChallengeDetail {
  challenge: Challenge;
  phases: Phase[];
  me?: {
    organiser: boolean;
    team: { id: number; name: string; status: string; statusReason: string | null; isCaptain: boolean } | null;
    agreementAccepted: boolean;
  };
  organisers?: Array<{ id: number; email: string; displayName: string }>;
}

export interface GoldVersion {
  id: number;
  version: number;
  status: 'queued' | 'running' | 'ready' | 'failed';
  isCurrent: boolean;
  fileName: string;
  error: string | null;
  summary: Record<string, unknown> | null;
  createdAt: string;
  preparedAt: string | null;
}

export interface PhaseCase {
  id: number;
  name: string;
  geometry: ImageGeometry;
  ctFileName?: string;
  goldVersions?: GoldVersion[];
}

export interface Quota {
  dailyLimit: number;
  usedLast24h: number;
  remainingToday: number;
  nextFreeAt: string | null;
  totalLimit: number | null;
  usedTotal: number;
  remainingTotal: number | null;
  rule: string;
}

export interface Aggregate {
  cases: number;
  mean: Metrics;
  std: Metrics;
  unroundedMean?: Metrics;
}

export type SubmissionStatus = 'queued' | 'running' | 'done' | 'failed';

export interface SubmissionSummary {
  id: number;
  phase: { id: number; name: string };
  team: { id: number; name: string };
  status: SubmissionStatus;
  createdAt: string;
  finishedAt: string | null;
  cases: number;
  note: string | null;
  warnings: Array<{ case: string; file: string; warning: string }> | null;
  countsTowardQuota: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  disqualified: boolean;
  disqualifiedReason: string | null;
  aggregate: Aggregate | null;
}

export interface CaseError {
  code: string | null;
  message: string | null;
  owner: 'team' | 'platform' | null;
}

export interface CaseStatus {
  case: string;
  file: string | null;
  status: SubmissionStatus;
  queuePosition: number | null;
  progress: unknown;
  attempts: number;
  error: CaseError | null;
  metrics: (Partial<Metrics> & Record<string, unknown>) | null;
  /** Opens the 3D viewer for this case (`#/evaluations/:id`) when `inspectable`. */
  evaluationId: number;
  /** The caller may open this case in 3D: it is done and the phase lets teams inspect (organisers always may). */
  inspectable: boolean;
}

export interface SubmissionDetail {
  submission: SubmissionSummary & { caseResultsShown: boolean };
  cases: CaseStatus[];
}

export interface LeaderboardEntry {
  rank: number | null;
  team: { id: number; name: string };
  submissionId: number;
  submittedAt: string;
  score: number;
  metricRanks?: Partial<Record<MetricName, number>>;
  mean: Metrics;
  std: Metrics;
  cases: number;
  hidden?: boolean;
  hiddenReason?: string | null;
  disqualified?: boolean;
  disqualifiedReason?: string | null;
}

export interface Leaderboard {
  phase: { id: number; name: string; challengeId: number };
  scheme: RankingScheme;
  pick: 'best' | 'latest';
  explanation: string;
  entries: LeaderboardEntry[];
}

export interface ReviewedCase {
  caseId: number;
  case: string;
  status: SubmissionStatus;
  attempts: number;
  metrics: (Partial<Metrics> & Record<string, unknown>) | null;
  error: CaseError | null;
  provenance: Record<string, unknown> | null;
  finishedAt: string | null;
  evaluationId?: number;
}

export interface ReviewedSubmission {
  id: number;
  team: { id: number; name: string };
  submittedBy: { id: number; displayName: string };
  status: SubmissionStatus;
  createdAt: string;
  finishedAt: string | null;
  countsTowardQuota: boolean;
  warnings: unknown;
  hidden: boolean;
  hiddenReason: string | null;
  disqualified: boolean;
  disqualifiedReason: string | null;
  aggregate: Aggregate | null;
  cases: ReviewedCase[];
}

export interface Run {
  id: number;
  phaseId: number;
  submissionId: number | null;
  scope: 'submission' | 'phase';
  reason: string;
  status: 'running' | 'ready' | 'published' | 'discarded';
  createdAt: string;
}

// --- viewer (docs/viewer-api.md) ---

export interface ViewerBranch {
  id: number;
  generation: number;
  parent: number | null;
  skeletonVoxels?: number | null;
  /** The rest is null (or absent) until the evaluation is scored, and for a case's gold standard alone. */
  skeletonInPred?: number | null;
  fraction?: number | null;
  detected?: boolean | null;
  trachea: boolean;
}

export interface ViewerInfo {
  evaluation?: { id: number; status: string };
  submission?: { id: number; team: { id: number; name: string } | string };
  case: { id: number; name: string; geometry: ImageGeometry };
  phase?: { id: number; name: string };
  goldStandard?: { id: number; version: number; status: string } | null;
  metrics?: (Partial<Metrics> & Record<string, unknown>) | null;
  branches: ViewerBranch[];
  counts?: {
    branchesTotal?: number | null;
    branchesDetected?: number | null;
    missed?: number | null;
    leakageVoxels?: number | null;
    leakageComponents?: number | null;
  };
  /** Null while the gold standard is not ready (gold) or the case not scored (leakage). */
  surfaces: { gold: string | null; leakage?: string | null };
  volumes?: { ct: string; gold?: string | null; prediction?: string | null };
}
