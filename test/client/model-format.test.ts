/** The model phase's pure formatting: limits, run progress and run time, the manifest check before upload. */
import assert from 'node:assert/strict';
import { formatMegabytes, formatRunTime, formatSeconds, limitsLines, manifestProblem, runProgress } from '../../client/lib/model-format.ts';

describe('client: model phase formatting', () => {
  it('shows the limits: size, time and memory per case', () => {
    assert.deepEqual(limitsLines({ maxBytes: 512 * 1024 * 1024, timeLimitPerCaseS: 330, memoryLimitPerCaseMb: 4096 }), [
      'Model file: at most 512 MiB (one .onnx, all weights inside)',
      'Time per case: 5 min 30 s',
      'Memory per case: 4096 MB',
    ]);
    assert.equal(formatSeconds(45), '45 s');
    assert.equal(formatSeconds(600), '10 min');
    assert.equal(formatSeconds(7260), '2 h 1 min');
    assert.equal(formatMegabytes(16_384), '16.0 GB');
  });

  it('shows run progress, capped at the total, and a dash before counting starts', () => {
    assert.equal(runProgress(12, 40), '12 / 40 patches (30 %)');
    assert.equal(runProgress(50, 40), '40 / 40 patches (100 %)');
    assert.equal(runProgress(null, 40), '0 / 40 patches (0 %)');
    assert.equal(runProgress(null, null), '—');
    assert.equal(runProgress(3, null), '3 patches');
    assert.equal(runProgress(39, 40), '39 / 40 patches (97 %)'); // never rounds up to 100 % before the end
  });

  it('shows run time in ms, s or min', () => {
    assert.equal(formatRunTime(null), '—');
    assert.equal(formatRunTime(850), '850 ms');
    assert.equal(formatRunTime(12_345), '12.3 s');
    assert.equal(formatRunTime(125_000), '2 min 5 s');
  });

  it('catches a manifest that is empty, not JSON or not an object before upload', () => {
    assert.equal(manifestProblem('{ "overlap": 0.5 }'), null);
    assert.match(manifestProblem('  ')!, /empty/);
    assert.match(manifestProblem('{ overlap: 0.5 }')!, /not valid JSON/);
    assert.match(manifestProblem('[1, 2]')!, /JSON object/);
    assert.match(manifestProblem('null')!, /JSON object/);
  });
});
