/**
 * The worker's bootstrap in steps (server/leaderboards/uncertainty-steps.ts): the same result as one call, the
 * event loop served between steps, and past its budget one warning, then progress lines, and still the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { MetricTable } from '../../ranking/metric-table.ts';
import { rankUncertainty, startRankUncertainty } from '../../ranking/rank-uncertainty.ts';
import type { SchemeSpec } from '../../ranking/schemes.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';
import { runInSteps } from '../../server/leaderboards/uncertainty-steps.ts';

const random = seededRandom(4);
const TEAMS = 12;
const CASES = 20;
const TABLE: MetricTable = {
  entries: Array.from({ length: TEAMS }, (_, i) => `t${i}`),
  cases: Array.from({ length: CASES }, (_, i) => `c${i}`),
  metrics: { TD: Array.from({ length: TEAMS }, (_, e) => Float64Array.from({ length: CASES }, () => 0.5 + e / 50 + 0.2 * random())) },
};
const SPEC: SchemeSpec = { kind: 'test-then-rank', metrics: [{ name: 'TD', direction: 'higher', weight: 1 }] };

describe('rank uncertainty in steps (worker)', () => {
  it('gives what one call gives, however it is cut, and refuses a result before the last sample', () => {
    const run = startRankUncertainty(SPEC, TABLE, { samples: 50, seed: 3 });
    assert.throws(() => run.result(), /drawn 0 of its 50 samples/);
    assert.equal(run.step(1), false);
    assert.equal(run.step(7), false);
    assert.equal(run.done, 8);
    assert.equal(run.step(1000), true);
    assert.deepEqual(run.result(), rankUncertainty(SPEC, TABLE, { samples: 50, seed: 3 }));
  });

  it('within budget: no log line; the event loop gets turns between steps', async () => {
    const lines: string[] = [];
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const result = await runInSteps(startRankUncertainty(SPEC, TABLE, { samples: 2000 }), { phaseId: 1 }, { stepMs: 1, log: (_level, msg) => lines.push(msg) });
    clearInterval(ticker);
    assert.deepEqual(lines, []);
    assert.ok(turns > 0, 'the timer never ran during the bootstrap');
    assert.deepEqual(result, rankUncertainty(SPEC, TABLE, { samples: 2000 }));
  });

  it('past its budget: one warning with the projection, then progress lines, and the full result', async () => {
    const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
    const result = await runInSteps(startRankUncertainty(SPEC, TABLE, { samples: 300 }), { phaseId: 7, scheme: 'test-then-rank' }, {
      budgetMs: 0,
      progressEveryMs: 0,
      stepMs: 1,
      log: (level, msg, fields) => lines.push({ level, msg, fields }),
    });
    assert.deepEqual(result, rankUncertainty(SPEC, TABLE, { samples: 300 }));
    assert.equal(lines[0].level, 'warn');
    assert.match(lines[0].msg, /over budget/);
    assert.equal(lines[0].fields.phaseId, 7);
    assert.ok((lines[0].fields.projectedMs as number) >= 0);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 1);
    const progress = lines.slice(1);
    assert.ok(progress.length > 0 && progress.every((l) => l.msg === 'rank uncertainty progress' && l.fields.samples === 300));
    const done = progress.map((l) => l.fields.done as number);
    assert.deepEqual([...done].sort((a, b) => a - b), done);
    assert.ok(done[done.length - 1] < 300);
  });
});
