/**
 * The organisers' ranking analysis of a phase and its challenge report. The leaderboard's ranked entries and their
 * published per-case scores go through ranking/phase-analysis.ts (1,000 seeded bootstrap samples, the phase's
 * scheme, every other scheme for comparison); the figures' data come from ranking/figures/analysis-figures.ts, and
 * the report's HTML is drawn by the same figure builders into linkedom's document. Computed on the organiser's
 * request (≈ 1 s for 50 teams × 150 cases × 4 metrics, `npm run bench:ranking`), never for teams.
 */
import { parseHTML } from 'linkedom';
import type { AnalysisReply } from '../../contract/analysis.ts';
import { EVALUATOR_VERSION } from '../../evaluator/index.ts';
import { analysisFigures, type FigureDocument } from '../../ranking/figures/analysis-figures.ts';
import { challengeReportHtml } from '../../ranking/figures/challenge-report.ts';
import { phaseAnalysis } from '../../ranking/phase-analysis.ts';
import type { Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { schemeSpecOf } from '../challenges/ranking-scheme.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import { metricTableOf } from '../leaderboards/case-table.ts';
import { phaseLeaderboard } from '../leaderboards/leaderboard.ts';
import { caseMetricsOf } from '../leaderboards/store.ts';
import { UNCERTAINTY_SAMPLES, UNCERTAINTY_SEED } from '../leaderboards/uncertainty.ts';

/** Distinct evaluator versions and each case's gold standard, over the given submissions' published evaluations. */
async function versionsUsed(db: Pool, submissionIds: number[]): Promise<Array<[string, string]>> {
  const rows = await db.query<{ evaluator: string | null; name: string; gold_version: number | null; gold_sha256: string | null }>(
    `select distinct e.provenance->>'evaluatorVersion' as evaluator, c.name, g.version as gold_version, g.sha256 as gold_sha256
       from evaluations e join cases c on c.id = e.case_id left join gold_standards g on g.id = e.gold_standard_id
      where e.submission_id = any($1::bigint[]) and e.run_id is null and e.status = 'done'
      order by c.name`,
    [submissionIds],
  );
  const evaluators = [...new Set(rows.rows.map((r) => r.evaluator ?? 'unknown'))].sort();
  const gold = new Map<string, Set<string>>();
  for (const r of rows.rows) {
    const set = gold.get(r.name) ?? new Set<string>();
    set.add(`v${r.gold_version ?? '?'} (sha256 ${(r.gold_sha256 ?? '?').slice(0, 12)}…)`);
    gold.set(r.name, set);
  }
  return [
    ['evaluator versions used', evaluators.join(', ') || 'none'],
    ['evaluator version of this server', EVALUATOR_VERSION],
    ...[...gold].map(([name, versions]): [string, string] => [`gold standard ${name}`, [...versions].join(', ')]),
  ];
}

function settingsOf(phase: PhaseRow): Array<[string, string]> {
  const spec = schemeSpecOf(phase.ranking);
  return [
    ['phase', `${phase.name} (id ${phase.id}, ${phase.kind})`],
    ['window', `${phase.opens_at.toISOString()} – ${phase.closes_at.toISOString()}`],
    ['ranking scheme (stored)', JSON.stringify(phase.ranking)],
    ['ranking metrics', spec.metrics.map((m) => `${m.name} (${m.direction} is better, weight ${m.weight})`).join('; ')],
    ['submission per team', phase.leaderboard_pick],
    ['daily / total submission limit', `${phase.daily_limit} / ${phase.total_limit ?? 'none'}`],
    ['per-case results shown to teams', String(phase.show_case_results)],
    ['missing or failed cases', 'counted with the worst value of their metric in the phase'],
    ['bootstrap', `${UNCERTAINTY_SAMPLES} samples of the cases, seed ${UNCERTAINTY_SEED}, paired, 2.5–97.5 % type-7 quantiles`],
  ];
}

export async function phaseAnalysisReply(db: Pool, phase: PhaseRow): Promise<AnalysisReply> {
  const started = performance.now();
  const board = await phaseLeaderboard(db, phase);
  const ranked = board.entries.filter((e) => e.rank !== null);
  const ids = ranked.map((e) => e.submissionId);
  const { bySubmission } = await caseMetricsOf(db, phase.id, ids);
  const spec = schemeSpecOf(phase.ranking);
  const table = metricTableOf(
    ranked.map((e) => ({ submissionId: e.submissionId, caseMetrics: bySubmission.get(e.submissionId) })),
    spec.metrics.map((m) => m.name),
  );
  if (ranked.length < 2 || table.cases.length < 2) {
    throw new AppError('CONFLICT', `the analysis needs at least 2 ranked entries and 2 scored cases; phase ${phase.id} has ${ranked.length} and ${table.cases.length}`);
  }
  const named = { ...table, entries: ranked.map((e) => e.team.name) };
  const analysis = phaseAnalysis(named, spec, { samples: UNCERTAINTY_SAMPLES, seed: UNCERTAINTY_SEED });
  const entries = analysis.uncertainty.entries.map((u, i) => ({
    rank: ranked[i].rank!,
    team: u.entry,
    submissionId: ranked[i].submissionId,
    score: Number.isFinite(ranked[i].score) ? ranked[i].score : null,
    interval: u.interval,
    keepShare: u.keepShare,
    imputedCases: u.imputed,
  }));
  return {
    phase: board.phase,
    generatedAt: new Date().toISOString(),
    computeMs: Math.round(performance.now() - started),
    entries,
    note: analysis.uncertainty.note,
    samples: analysis.uncertainty.samples,
    seed: analysis.uncertainty.seed,
    cases: analysis.cases.length,
    metrics: analysis.metrics,
    settings: settingsOf(phase),
    versions: await versionsUsed(db, ids),
    schemes: analysis.schemes.map((s) => ({ id: s.id, label: s.label, ranks: s.ranks })),
    kendall: analysis.kendall,
    figures: analysisFigures(analysis),
  };
}

/** The report's HTML: self-contained, the figures drawn on the server into linkedom's document. */
export function challengeReport(reply: AnalysisReply, challengeName: string): string {
  const window = parseHTML('<!doctype html><html><head></head><body></body></html>') as unknown as { document: FigureDocument };
  const document = window.document;
  const fmt = (x: number) => (Math.round(x * 10) / 10).toString();
  return challengeReportHtml(document, {
    title: `${challengeName} — ${reply.phase.name}: ranking report`,
    generatedAt: reply.generatedAt,
    settings: reply.settings,
    note: reply.note,
    versions: reply.versions,
    leaderboard: {
      headers: ['rank', 'team', 'submission', 'score', 'rank interval (95 %)', 'keeps its rank', 'imputed cases'],
      rows: reply.entries.map((e) => [
        String(e.rank),
        e.team,
        String(e.submissionId),
        e.score === null ? '' : e.score.toPrecision(4),
        `${fmt(e.interval[0])}–${fmt(e.interval[1])}`,
        `${Math.round(e.keepShare * 100)} %`,
        String(e.imputedCases),
      ]),
    },
    figures: reply.figures,
  });
}
