import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import {
  BRANCH_DETECTION_THRESHOLD,
  SMOOTH,
  branchesDetectedRate,
  dice,
  falseNegativeRate,
  falsePositiveRate,
  isBranchDetected,
  officialMetrics,
  precision,
  treeLengthDetected,
  unroundedMetrics,
  type MetricCounts,
} from '../../evaluator/metrics/atm22-metrics.ts';
import { numpyRound } from '../../evaluator/metrics/rounding.ts';

function counts(partial: Partial<MetricCounts>): MetricCounts {
  return {
    skeletonVoxels: 10,
    skeletonInPred: 8,
    branchesTotal: 5,
    branchesDetected: 4,
    predLccVoxels: 50,
    goldVoxels: 40,
    intersection: 30,
    scanVoxels: 1000,
    ...partial,
  };
}

/**
 * Expected values below were computed with the official formulas of evaluation_atm_22.py on NumPy float64
 * scalars (TD, DSC, precision, FNR/FPR and their complements rounded by NumPy, BD by Python's round).
 */
describe('ATM22 metrics', () => {
  it('constants: smoothing 1e-5, branch threshold 0.8', () => {
    assert.equal(SMOOTH, 1e-5);
    assert.equal(BRANCH_DETECTION_THRESHOLD, 0.8);
  });

  it('hand-computed counts: |S| = 10, |L∩S| = 8 → TD 80.0; 4 of 5 branches → BD 80.0', () => {
    // |L| = 50, |G| = 40, |L∩G| = 30, V = 1000:
    // DSC = 60/90 → 66.67; precision = 30/50 → 60.0; FNR = 10/40 = 25 → sensitivity 75.0;
    // FPR = 20/960 = 2.0833… → 2.083 → specificity 97.917
    const c = counts({});
    assert.deepEqual(officialMetrics(c), {
      TD: 80,
      BD: 80,
      DSC: 66.67,
      Precision: 60,
      Sensitivity: 75,
      Specificity: 97.917,
    });
  });

  it('unrounded ratios keep the smoothing and the official operation order', () => {
    const c = counts({});
    const u = unroundedMetrics(c);
    assert.equal(u.TD, ((8 + 1e-5) / (10 + 1e-5)) * 100);
    assert.equal(u.TD, 80.00001999998);
    assert.equal(u.BD, 80);
    assert.equal(u.DSC, ((2 * 30 + 1e-5) / (50 + 40 + 1e-5)) * 100);
    assert.equal(u.DSC, 66.66667037036996);
    assert.equal(u.Precision, ((30 + 1e-5) * 100) / (50 + 1e-5));
    assert.equal(u.Sensitivity, 100 - ((40 - 30 + 1e-5) * 100) / (40 + 1e-5));
    assert.equal(u.Specificity, 100 - ((50 - 30 + 1e-5) * 100) / (1000 - 40 + 1e-5));
    // the named helpers agree
    assert.equal(treeLengthDetected(c), u.TD);
    assert.equal(branchesDetectedRate(c), u.BD);
    assert.equal(dice(c), u.DSC);
    assert.equal(precision(c), u.Precision);
    assert.equal(100 - falseNegativeRate(c), u.Sensitivity);
    assert.equal(100 - falsePositiveRate(c), u.Specificity);
  });

  it('another hand-checked case: odd counts', () => {
    // |S| 10, |L∩S| 3 → 30.0; 2 of 7 → 28.571… → 28.57; DSC 34/62 → 54.84; precision 17/33 → 51.515;
    // FNR 12/29 = 41.379… → sensitivity 58.621; FPR 16/968 = 1.6528… → 1.653 → specificity 98.347
    const c = counts({ skeletonInPred: 3, branchesTotal: 7, branchesDetected: 2, predLccVoxels: 33, goldVoxels: 29, intersection: 17, scanVoxels: 997 });
    assert.deepEqual(officialMetrics(c), {
      TD: 30,
      BD: 28.57,
      DSC: 54.84,
      Precision: 51.515,
      Sensitivity: 58.621,
      Specificity: 98.347,
    });
  });

  it('empty prediction: TD 0, BD 0, DSC 0, precision 100 (the smoothing), sensitivity 0, specificity 100', () => {
    const c = counts({ skeletonInPred: 0, branchesDetected: 0, predLccVoxels: 0, intersection: 0 });
    assert.deepEqual(officialMetrics(c), {
      TD: 0,
      BD: 0,
      DSC: 0,
      Precision: 100,
      Sensitivity: 0,
      Specificity: 100,
    });
    // the smoothing is visible in the unrounded values
    const u = unroundedMetrics(c);
    assert.equal(u.Precision, 100); // (0 + e)·100 / (0 + e)
    assert.ok(u.TD > 0 && u.TD < 1e-3, `TD ${u.TD}`);
    assert.ok(u.DSC > 0 && u.DSC < 1e-3, `DSC ${u.DSC}`);
    assert.equal(u.Sensitivity, 0); // FNR = (40 + e)·100 / (40 + e) = 100
    assert.ok(u.Specificity < 100 && u.Specificity > 100 - 1e-5);
  });

  it('a perfect prediction scores 100 everywhere', () => {
    const c = counts({ skeletonVoxels: 1000, skeletonInPred: 1000, branchesTotal: 3, branchesDetected: 3, predLccVoxels: 100, goldVoxels: 100, intersection: 100 });
    assert.deepEqual(officialMetrics(c), { TD: 100, BD: 100, DSC: 100, Precision: 100, Sensitivity: 100, Specificity: 100 });
  });

  it('BD is rounded as a Python float: 107 of 4000 branches = 2.675 → 2.67 (NumPy would give 2.68)', () => {
    const c = counts({ branchesTotal: 4000, branchesDetected: 107 });
    assert.equal(officialMetrics(c).BD, 2.67);
    assert.equal(numpyRound(branchesDetectedRate(c), 2), 2.68);
  });

  it('sensitivity rounds FNR first, then 100 − FNR: G = 1 200 000, L∩G = 6 → 0 (single rounding gives 0.001)', () => {
    // FNR = (1 199 994 + e)·100 / (1 200 000 + e) = 99.9995 in float64 → round(·, 3) → 100.0 (×1000 is the
    // exact tie 99999.5, even → 100000) → 100 − 100.0 = 0.0. Rounding 100 − FNR directly gives 0.001.
    const c = counts({ goldVoxels: 1_200_000, intersection: 6, predLccVoxels: 1_200_006, scanVoxels: 10_000_000 });
    const fnr = falseNegativeRate(c);
    assert.equal(fnr, 99.9995);
    assert.equal(numpyRound(100 - fnr, 3), 0.001); // the single rounding the official code does not do
    assert.equal(officialMetrics(c).Sensitivity, 0);
  });

  it('specificity rounds FPR first, then 100 − FPR: V − G = 2 000 000, |L \\ G| = 1 999 970 → 0.002 (single: 0.001)', () => {
    // FPR = (1 999 970 + e)·100 / (2 000 000 + e) = 99.9985 → round 99.998 → 100 − 99.998 → 0.002
    const c = counts({ goldVoxels: 100, intersection: 0, predLccVoxels: 1_999_970, scanVoxels: 2_000_100 });
    const fpr = falsePositiveRate(c);
    assert.equal(fpr, 99.9985);
    assert.equal(numpyRound(100 - fpr, 3), 0.001);
    assert.equal(officialMetrics(c).Specificity, 0.002);
  });

  it('TD, DSC and precision use NumPy rounding of the float64 product', () => {
    // TD = (I + e)/(S + e)·100 with S = 400, I = 107 → 26.75000… → 26.75; DSC 2 decimals; precision 3 decimals
    const c = counts({ skeletonVoxels: 400, skeletonInPred: 107, predLccVoxels: 3, goldVoxels: 3, intersection: 2 });
    const m = officialMetrics(c);
    assert.equal(m.TD, numpyRound(((107 + 1e-5) / (400 + 1e-5)) * 100, 2));
    assert.equal(m.TD, 26.75);
    assert.equal(m.DSC, 66.67); // (4 + e)/(6 + e)·100 = 66.6667…
    assert.equal(m.Precision, 66.667); // (2 + e)·100/(3 + e)
  });

  it('no branches at all: BD is 0 instead of a division by zero', () => {
    const c = counts({ branchesTotal: 0, branchesDetected: 0 });
    assert.equal(branchesDetectedRate(c), 0);
    assert.equal(officialMetrics(c).BD, 0);
  });

  it('the counts object is not modified', () => {
    const c = counts({});
    const copy = { ...c };
    officialMetrics(c);
    unroundedMetrics(c);
    assert.deepEqual(c, copy);
  });
});

describe('isBranchDetected', () => {
  it('detected at exactly 0.8 (4/5, 8/10, 12/15, 800/1000), not just below', () => {
    assert.equal(isBranchDetected(4, 5), true);
    assert.equal(isBranchDetected(8, 10), true);
    assert.equal(isBranchDetected(12, 15), true);
    assert.equal(isBranchDetected(800, 1000), true);
    assert.equal(isBranchDetected(799, 1000), false);
    assert.equal(isBranchDetected(3, 4), false);
    assert.equal(isBranchDetected(7, 7), true);
    assert.equal(isBranchDetected(0, 3), false);
  });

  it('0/0 (a branch with no skeleton voxels) is NaN and not detected', () => {
    assert.equal(isBranchDetected(0, 0), false);
  });
});
