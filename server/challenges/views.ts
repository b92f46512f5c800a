/** The wire form of challenges, phases, cases and gold standards: camelCase, instants as UTC ISO strings. */
import type { Case, Challenge, GoldVersion, Phase, PhaseState } from '../../contract/index.ts';
import type { ChallengeRow, PhaseRow } from './rows.ts';
import type { CaseRow } from './case-store.ts';
import type { GoldRow } from './gold-store.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function challengeView(challenge: ChallengeRow): Challenge {
  return {
    id: challenge.id,
    slug: challenge.slug,
    title: challenge.title,
    description: challenge.description,
    participationPolicy: challenge.participation_policy,
    dataAgreement: challenge.data_agreement,
    createdAt: challenge.created_at.toISOString(),
  };
}

export type { PhaseState };

export function phaseState(phase: PhaseRow, now = new Date()): PhaseState {
  if (now < phase.opens_at) return 'upcoming';
  return now < phase.closes_at ? 'open' : 'closed';
}

export function phaseView(phase: PhaseRow, caseCount: number): Phase {
  return {
    id: phase.id,
    challengeId: phase.challenge_id,
    name: phase.name,
    kind: phase.kind,
    opensAt: phase.opens_at.toISOString(),
    closesAt: phase.closes_at.toISOString(),
    timeZone: 'UTC' as const,
    state: phaseState(phase),
    dailyLimit: phase.daily_limit,
    totalLimit: phase.total_limit,
    showCaseResults: phase.show_case_results,
    teamsInspectIn3d: phase.teams_inspect_in_3d,
    resultsVisibility: phase.results_visibility,
    ...(phase.kind === 'model'
      ? { modelLimits: { maxBytes: Number(phase.model_max_bytes), timeLimitPerCaseS: phase.model_time_limit_s, memoryLimitPerCaseMb: phase.model_memory_limit_mb } }
      : {}),
    ranking: phase.ranking,
    leaderboardPick: phase.leaderboard_pick,
    metricSuites: phase.metric_suites,
    caseCount,
  };
}

export function caseView(caseRow: CaseRow): Case {
  return { id: caseRow.id, name: caseRow.name, geometry: caseRow.geometry };
}

export function goldView(gold: GoldRow): GoldVersion {
  return {
    id: gold.id,
    version: gold.version,
    status: gold.status,
    isCurrent: gold.is_current,
    fileName: gold.file_name,
    error: gold.error_message,
    summary: (gold.summary as Record<string, unknown> | null) ?? null,
    createdAt: gold.created_at.toISOString(),
    preparedAt: iso(gold.prepared_at),
  };
}
