import assert from 'node:assert/strict';
import { numpyRound, pythonRound, roundHalfEven } from '../../evaluator/metrics/rounding.ts';

describe('rounding', () => {
  it('rounds half to even like rint', () => {
    assert.equal(roundHalfEven(0.5), 0);
    assert.equal(roundHalfEven(1.5), 2);
    assert.equal(roundHalfEven(2.5), 2);
    assert.equal(roundHalfEven(2.4999999), 2);
    assert.equal(roundHalfEven(2.5000001), 3);
    assert.equal(roundHalfEven(-1.5), -2);
  });

  it('NumPy rounds the float64 product: 2.675 → 2.68', () => {
    // 2.675 * 100 is exactly 267.5 in float64, so rint gives 268
    assert.equal(2.675 * 100, 267.5);
    assert.equal(numpyRound(2.675, 2), 2.68);
    assert.equal(numpyRound(0.125, 2), 0.12);
    assert.equal(numpyRound(97.7064220183486, 2), 97.71);
  });

  it('Python rounds the exact binary value: 2.675 → 2.67', () => {
    assert.equal(pythonRound(2.675, 2), 2.67);
    // exact binary ties go to even
    assert.equal(pythonRound(0.125, 2), 0.12);
    assert.equal(pythonRound(0.375, 2), 0.38);
    assert.equal(pythonRound(2.5, 0), 2);
    assert.equal(pythonRound(3.5, 0), 4);
    assert.equal(pythonRound(100, 2), 100);
    assert.equal(pythonRound((213 * 100) / 218, 2), 97.71);
  });

  it('the two differ exactly where the spec says they do', () => {
    assert.notEqual(numpyRound(2.675, 2), pythonRound(2.675, 2));
    // 1.005 is 1.00499999999999989... and 1.005 * 100 is 100.49999999999999: both give 1
    assert.equal(pythonRound(1.005, 2), 1);
    assert.equal(numpyRound(1.005, 2), 1);
  });
});
