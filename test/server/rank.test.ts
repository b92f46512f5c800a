import assert from 'node:assert/strict';
import type { RankingScheme } from '../../server/challenges/ranking-scheme.ts';
import {
  buildLeaderboard,
  competitionRanks,
  pickTeamSubmissions,
  rankingExplanation,
  scoreAgainst,
  weightedScore,
  type RankableSubmission,
} from '../../server/leaderboards/rank.ts';
import { AGGREGATED_METRICS, type AggregatedMetric, type SubmissionAggregate } from '../../server/jobs/submission-aggregate.ts';

const ATM22: RankingScheme = { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } };
const MEAN_RANK_TD_BD: RankingScheme = { scheme: 'mean-rank', metrics: ['TD', 'BD'] };

type Values = Partial<Record<AggregatedMetric, number>>;

function aggregate(mean: Values, unrounded: Values = mean): SubmissionAggregate {
  const full = (v: Values) => Object.fromEntries(AGGREGATED_METRICS.map((m) => [m, v[m] ?? 0])) as Record<AggregatedMetric, number>;
  return { cases: 3, mean: full(mean), std: full({}), unroundedMean: full(unrounded) };
}

let nextId = 1;
function submission(team: string, minute: number, mean: Values, extra: Partial<RankableSubmission> & { unrounded?: Values } = {}): RankableSubmission {
  const { unrounded, ...rest } = extra;
  return {
    submissionId: nextId++,
    team: { id: team.charCodeAt(0), name: team },
    submittedAt: new Date(Date.UTC(2024, 0, 1, 0, minute)),
    status: 'done',
    hidden: false,
    disqualified: false,
    aggregate: aggregate(mean, unrounded ?? mean),
    ...rest,
  };
}

const names = (entries: Array<{ submission: RankableSubmission }>) => entries.map((e) => e.submission.team.name);

describe('leaderboard ranking (pure)', () => {
  describe("weighted (ATM'22: 0.25 each over TD, BD, DSC, Precision)", () => {
    it('scores Σ w·mean: (0.9 + 0.8 + 0.9 + 0.8) / 4 = 0.85', () => {
      assert.ok(Math.abs(weightedScore(ATM22 as never, aggregate({ TD: 0.9, BD: 0.8, DSC: 0.9, Precision: 0.8, Sensitivity: 1 }).mean) - 0.85) < 1e-12);
    });

    it('orders descending, breaks a score tie by the unrounded sum, then by the earlier submission', () => {
      const entries = buildLeaderboard(ATM22, 'best', [
        submission('B', 1, { TD: 0.8, BD: 0.8, DSC: 0.8, Precision: 0.8 }), // 0.80
        // C and A both score 0.85; A's unrounded TD is higher, so A is first although C came earlier
        submission('C', 2, { TD: 1, BD: 0.7, DSC: 0.9, Precision: 0.8 }, { unrounded: { TD: 0.9996, BD: 0.7, DSC: 0.9, Precision: 0.8 } }),
        submission('A', 3, { TD: 0.9, BD: 0.8, DSC: 0.9, Precision: 0.8 }, { unrounded: { TD: 0.9004, BD: 0.8, DSC: 0.9, Precision: 0.8 } }),
        // D and E equal on both: the earlier (E, minute 4) wins
        submission('E', 4, { TD: 0.5, BD: 0.5, DSC: 0.5, Precision: 0.5 }),
        submission('D', 5, { TD: 0.5, BD: 0.5, DSC: 0.5, Precision: 0.5 }),
      ]);
      assert.deepEqual(names(entries), ['A', 'C', 'B', 'E', 'D']);
      assert.deepEqual(entries.map((e) => e.rank), [1, 2, 3, 4, 5]);
      assert.ok(Math.abs(entries[0].score - 0.85) < 1e-12);
    });

    it('keeps one entry per team: its best submission, or its latest with pick "latest"', () => {
      const good = submission('A', 1, { TD: 0.9, BD: 0.9, DSC: 0.9, Precision: 0.9 });
      const worse = submission('A', 2, { TD: 0.5, BD: 0.5, DSC: 0.5, Precision: 0.5 });
      const other = submission('B', 3, { TD: 0.7, BD: 0.7, DSC: 0.7, Precision: 0.7 });
      const best = buildLeaderboard(ATM22, 'best', [good, worse, other]);
      assert.deepEqual(best.map((e) => e.submission.submissionId), [good.submissionId, other.submissionId]);
      const latest = buildLeaderboard(ATM22, 'latest', [good, worse, other]);
      assert.deepEqual(latest.map((e) => e.submission.submissionId), [other.submissionId, worse.submissionId]);
    });

    it('leaves out submissions that are not done, hidden or disqualified (the team falls back to another one)', () => {
      const top = { TD: 1, BD: 1, DSC: 1, Precision: 1 };
      const kept = submission('A', 1, { TD: 0.6, BD: 0.6, DSC: 0.6, Precision: 0.6 });
      const picked = pickTeamSubmissions(ATM22, 'best', [
        kept,
        submission('A', 2, top, { hidden: true }),
        submission('B', 3, top, { disqualified: true }),
        submission('C', 4, top, { status: 'failed' }),
        submission('D', 5, top, { status: 'running', aggregate: null }),
      ]);
      assert.deepEqual(picked, [kept]);
    });
  });

  describe('mean-rank', () => {
    it('ranks per metric with standard competition ranking (1224)', () => {
      const entries = [0.9, 0.8, 0.8, 0.7].map((td, i) => submission(String.fromCharCode(87 + i), i, { TD: td }));
      assert.deepEqual(competitionRanks(entries, 'TD'), [1, 2, 2, 4]);
    });

    it('breaks a tie of rounded means by the unrounded means before sharing a rank', () => {
      const entries = [
        submission('X', 1, { TD: 0.8 }, { unrounded: { TD: 0.7996 } }),
        submission('Y', 2, { TD: 0.8 }, { unrounded: { TD: 0.8004 } }),
      ];
      assert.deepEqual(competitionRanks(entries, 'TD'), [2, 1]);
    });

    it('orders by the average rank, ascending; equal averages go to the earlier submission', () => {
      // TD: W .9 (1), X .8 (2), Y .8 (2), Z .7 (4);  BD: X .9 (1), Z .8 (2), Y .7 (3), W .5 (4)
      // averages: X 1.5, W 2.5, Y 2.5, Z 3 — W was submitted before Y
      const entries = buildLeaderboard(MEAN_RANK_TD_BD, 'best', [
        submission('Y', 3, { TD: 0.8, BD: 0.7 }),
        submission('W', 1, { TD: 0.9, BD: 0.5 }),
        submission('Z', 4, { TD: 0.7, BD: 0.8 }),
        submission('X', 2, { TD: 0.8, BD: 0.9 }),
      ]);
      assert.deepEqual(names(entries), ['X', 'W', 'Y', 'Z']);
      assert.deepEqual(entries.map((e) => e.score), [1.5, 2.5, 2.5, 3]);
      assert.deepEqual(entries[0].metricRanks, { TD: 2, BD: 1 });
    });

    it("picks a team's best submission by its average rank among all submissions", () => {
      const a1 = submission('A', 1, { TD: 0.5, BD: 0.5 });
      const a2 = submission('A', 2, { TD: 0.9, BD: 0.9 });
      const b = submission('B', 3, { TD: 0.7, BD: 0.7 });
      const entries = buildLeaderboard(MEAN_RANK_TD_BD, 'best', [a1, a2, b]);
      assert.deepEqual(entries.map((e) => e.submission.submissionId), [a2.submissionId, b.submissionId]);
      assert.deepEqual(entries.map((e) => e.score), [1, 2]);
    });

    it('scores an excluded submission as if it replaced its team among the ranked ones', () => {
      const a = submission('A', 1, { TD: 0.6, BD: 0.6 });
      const b = submission('B', 2, { TD: 0.7, BD: 0.7 });
      const hiddenA = submission('A', 3, { TD: 0.9, BD: 0.9 }, { hidden: true });
      assert.equal(scoreAgainst(MEAN_RANK_TD_BD, [b, a], hiddenA), 1);
      assert.ok(Math.abs(scoreAgainst(ATM22, [b, a], hiddenA) - 0.45) < 1e-12);
    });
  });

  describe('rankingExplanation', () => {
    it('states the weights, the direction and the tie-breaks of a weighted scheme', () => {
      const text = rankingExplanation(ATM22);
      assert.match(text, /0\.25 × TD \+ 0\.25 × BD \+ 0\.25 × DSC \+ 0\.25 × Precision/);
      assert.match(text, /higher is better/);
      assert.match(text, /unrounded/);
      assert.match(text, /earlier submission/);
      assert.match(text, /best submission/);
    });

    it('states the metrics, the 1-2-2-4 rule and the direction of a mean-rank scheme, and the latest pick', () => {
      const text = rankingExplanation({ scheme: 'mean-rank', metrics: ['TD', 'BD', 'DSC'] }, 'latest');
      assert.match(text, /TD, BD and DSC/);
      assert.match(text, /1-2-2-4/);
      assert.match(text, /average rank \(lower is better\)/);
      assert.match(text, /latest evaluated submission/);
    });
  });
});
