/**
 * The pages' pure parts: sorting the leaderboard, a team's score history, the live status line of a case,
 * instants in the phase's time zone, and the inline SVG plots (escaped, one mark per value, labelled).
 */
import assert from 'node:assert/strict';
import type { SubmissionSummary } from '../../client/api/types.ts';
import { caseStatusText, isFinished } from '../../client/lib/case-status.ts';
import { formatBytes, formatInstant, formatMetric } from '../../client/lib/format.ts';
import { historyMeasure, scoreHistory, submissionValue, weightedTerms } from '../../client/lib/score-history.ts';
import { sortRows } from '../../client/lib/sort-entries.ts';
import { barChartSvg } from '../../client/plots/bar-chart.ts';
import { lineChartSvg } from '../../client/plots/line-chart.ts';

const mean = (TD: number, BD: number, DSC: number, Precision: number) => ({ TD, BD, DSC, Precision, Sensitivity: 0, Specificity: 0 });
function submission(id: number, createdAt: string, status: SubmissionSummary['status'], m?: ReturnType<typeof mean>): SubmissionSummary {
  return {
    id, phase: { id: 1, name: 'p' }, team: { id: 1, name: 't' }, status, createdAt, finishedAt: null, cases: 1, note: null, warnings: null,
    countsTowardQuota: true, hidden: false, hiddenReason: null, disqualified: false, disqualifiedReason: null,
    aggregate: m ? { cases: 1, mean: m, std: mean(0, 0, 0, 0), unroundedMean: m } : null,
  };
}

describe('client: page logic', () => {
  it('sorts rows stably either way, missing values last', () => {
    const rows = [{ n: 'a', v: 2 }, { n: 'b', v: null }, { n: 'c', v: 3 }, { n: 'd', v: 2 }];
    assert.deepEqual(sortRows(rows, (r) => r.v, 'ascending').map((r) => r.n), ['a', 'd', 'c', 'b']);
    assert.deepEqual(sortRows(rows, (r) => r.v, 'descending').map((r) => r.n), ['c', 'a', 'd', 'b']);
    assert.deepEqual(sortRows(rows, (r) => r.n, 'descending').map((r) => r.n), ['d', 'c', 'b', 'a']);
  });

  it("follows a team's weighted score over its finished submissions, oldest first", () => {
    const scheme = { scheme: 'weighted' as const, weights: { BD: 0.5, TD: 0.5 } };
    assert.equal(weightedTerms(scheme.weights), '0.5 × TD + 0.5 × BD', 'metric order, whatever the stored order');
    const history = scoreHistory(scheme, [
      submission(3, '2025-06-03T00:00:00Z', 'done', mean(90, 80, 0, 0)),
      submission(2, '2025-06-02T00:00:00Z', 'failed'),
      submission(1, '2025-06-01T00:00:00Z', 'done', mean(70, 60, 0, 0)),
      submission(4, '2025-06-04T00:00:00Z', 'running'),
    ]);
    assert.deepEqual(history.map((p) => [p.submissionId, p.value]), [[1, 65], [3, 85]]);
    const rank = { scheme: 'mean-rank' as const, metrics: ['TD' as const, 'DSC' as const] };
    assert.equal(submissionValue(rank, mean(90, 0, 70, 0)), 80);
    assert.match(historyMeasure(rank), /average of the mean TD, DSC/);
  });

  it('says where each case stands', () => {
    assert.equal(caseStatusText({ status: 'queued', queuePosition: 3, progress: null, error: null, attempts: 0 }), 'queued — position 3 in the queue');
    assert.equal(caseStatusText({ status: 'running', queuePosition: null, progress: { stage: 'scoring' }, error: null, attempts: 1 }), 'running — scoring');
    assert.equal(
      caseStatusText({ status: 'failed', queuePosition: null, progress: null, error: { code: 'PLATFORM_ERROR', message: 'disk full', owner: 'platform' }, attempts: 3 }),
      'failed: disk full (a platform fault; it does not count toward your quota)',
    );
    assert.equal(caseStatusText({ status: 'failed', queuePosition: null, progress: null, error: { code: 'GEOMETRY_MISMATCH', message: 'case X: size …', owner: 'team' }, attempts: 1 }), 'failed: case X: size …');
    assert.deepEqual(['queued', 'running', 'done', 'failed'].map(isFinished), [false, false, true, true]);
  });

  it('formats instants in the phase time zone, metrics and sizes', () => {
    assert.equal(formatInstant('2025-06-01T23:30:00.000Z'), '2025-06-01 23:30 UTC');
    assert.equal(formatInstant('2025-06-01T23:30:00.000Z', 'Europe/Paris'), '2025-06-02 01:30 Europe/Paris');
    assert.equal(formatInstant(null), '—');
    assert.equal(formatMetric(98.085, 3), '98.085');
    assert.equal(formatMetric(undefined), '—');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(250 * 1024 * 1024), '250 MiB');
  });

  it('draws grouped bars: one rect per value, none for a missing one, text escaped, described for screen readers', () => {
    const svg = barChartSvg({
      title: 'Cases <&>',
      categories: ['ATM_1', 'ATM_"2"'],
      series: [
        { name: 'TD', colour: '#1f5fa8', values: [90, null] },
        { name: 'BD', colour: '#2e9e5b', values: [50, 100] },
      ],
      max: 100,
    });
    assert.equal((svg.match(/<rect [^>]*height="[\d.]+" fill="#(1f5fa8|2e9e5b)"><title>/g) ?? []).length, 3);
    assert.ok(!svg.includes('<&>') && svg.includes('Cases &lt;&amp;&gt;'));
    assert.ok(svg.includes('ATM_&quot;2&quot;'));
    assert.match(svg, /<desc id="plot-cases-d">TD: ATM_1 90\.00, ATM_&quot;2&quot; none; BD: ATM_1 50\.00, ATM_&quot;2&quot; 100\.00<\/desc>/);
    assert.match(svg, /role="img" aria-labelledby="plot-cases-t plot-cases-d"/);
    const heights = [...svg.matchAll(/height="([\d.]+)" fill="#2e9e5b"/g)].map((m) => Number(m[1]));
    assert.ok(Math.abs(heights[1] - 2 * heights[0]) < 0.2, `bars proportional to values: ${heights}`);
  });

  it('draws the score history as points joined by a line, "up" always better', () => {
    const svg = lineChartSvg({ title: 'History', yLabel: 'score', points: [{ label: '#1', value: 60 }, { label: '#2', value: 80 }] });
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    assert.match(svg, /<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+"/);
    const ys = (s: string) => [...s.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [y1, y2] = ys(svg);
    assert.ok(y2 < y1, 'the higher score is drawn higher');
    const [r1, r2] = ys(lineChartSvg({ title: 'Ranks', yLabel: 'rank', lowerIsBetter: true, points: [{ label: '#1', value: 3 }, { label: '#2', value: 1 }] }));
    assert.ok(r2 < r1, 'the better (lower) average rank is drawn higher');
    assert.match(lineChartSvg({ title: 'Empty', yLabel: 'score', points: [] }), /no finished submission yet/);
  });
});
