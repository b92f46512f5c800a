/**
 * The whole pipeline (prepareGold → scorePrediction) on small synthetic airway trees whose expected values are
 * derived by hand from the shapes, not read back from the implementation.
 *
 * The reference tree ("Y"): a 40 × 40 × 60 scan (x, y, z; file order), a trunk of radius 3 along z from
 * (20, 20, 4) to (20, 20, 30), and two children of radius 2.5 from the trunk's end (20, 20, 30) to (9, 20, 52)
 * (left, x decreasing) and (31, 20, 52) (right). Tubes are "all voxel centres within r of the segment" (round caps).
 * All three tubes lie in the plane y = 20, so every voxel of the tree is 6-connected to the rest and the tree has
 * no cavity.
 *
 * Conventions of the official code used below (SPEC §2.3), with e = 1e-5:
 *   TD = round((|L∩S| + e) / (|S| + e) · 100, 2)          (NumPy rounding)
 *   BD = round(detected · 100 / n, 2)                      (Python rounding)
 *   DSC = round((2|L∩G| + e) / (|L| + |G| + e) · 100, 2)
 *   Precision = round((|L∩G| + e) · 100 / (|L| + e), 3)
 *   Sensitivity = round(100 − round((|G∖L| + e) · 100 / (|G| + e), 3), 3)
 *   Specificity = round(100 − round((|L∖G| + e) · 100 / (V − |G| + e), 3), 3)
 * None of the values in this file lies on a rounding tie, so a plain half-even rounding of x · 10^d reproduces
 * both NumPy's and Python's rounding here.
 */
import assert from 'node:assert/strict';
import { describe, it, before } from 'mocha';

import { EvaluatorError } from '../../evaluator/errors.ts';
import { prepareGold } from '../../evaluator/pipeline/prepare-gold.ts';
import { ON_SKELETON, type PreparedGold } from '../../evaluator/pipeline/prepared-gold.ts';
import { decodePreparedGold, encodePreparedGold } from '../../evaluator/pipeline/prepared-gold-file.ts';
import { scorePrediction, type CaseScore } from '../../evaluator/pipeline/score-prediction.ts';
import {
  cloneMask,
  countBoth,
  countForeground,
  countOnlyIn,
  drawBall,
  drawBox,
  drawTube,
  emptyMask,
  voxelIndex,
  volumeOf,
  type MaskVolume,
  type Vec3,
} from '../helpers/volumes.ts';

// ------------------------------------------------------------------------------------------------ helpers

const E = 1e-5;

/** x rounded to d decimals, half to even on x · 10^d (NumPy's `around`). */
function round(x: number, d: number): number {
  const y = x * 10 ** d;
  const f = Math.floor(y);
  const r = y - f > 0.5 || (y - f === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r / 10 ** d;
}

const SIZE: Vec3 = [40, 40, 60];
const V = SIZE[0] * SIZE[1] * SIZE[2]; // 96 000 voxels in the scan
const GEOMETRY = { spacing: [0.7, 0.7, 1.25] as Vec3, origin: [-14, -14, -300] as Vec3 };

const TRUNK: [Vec3, Vec3, number] = [[20, 20, 4], [20, 20, 30], 3];
const LEFT: [Vec3, Vec3, number] = [[20, 20, 30], [9, 20, 52], 2.5];
const RIGHT: [Vec3, Vec3, number] = [[20, 20, 30], [31, 20, 52], 2.5];

function tree(parts: Array<[Vec3, Vec3, number]>, size: Vec3 = SIZE): MaskVolume {
  const mask = emptyMask(size, GEOMETRY);
  for (const [a, b, r] of parts) drawTube(mask, a, b, r);
  return mask;
}

/** The scan coordinates (x, y, z) of every skeleton voxel, with its branch label. */
function skeletonVoxels(gold: PreparedGold): Array<{ x: number; y: number; z: number; branch: number }> {
  const [n0, n1, n2] = gold.crop.shape;
  const [o0, o1, o2] = gold.crop.origin;
  const out: Array<{ x: number; y: number; z: number; branch: number }> = [];
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const v = (i * n1 + j) * n2 + k;
        if (gold.voxelClass[v] === ON_SKELETON) out.push({ x: i + o0, y: j + o1, z: k + o2, branch: gold.branch[v] });
      }
    }
  }
  return out;
}

/** The branch label of scan voxel (x, y, z) (0 outside G). */
function branchAt(gold: PreparedGold, x: number, y: number, z: number): number {
  const [n0, n1, n2] = gold.crop.shape;
  const [i, j, k] = [x - gold.crop.origin[0], y - gold.crop.origin[1], z - gold.crop.origin[2]];
  if (i < 0 || j < 0 || k < 0 || i >= n0 || j >= n1 || k >= n2) return 0;
  return gold.branch[(i * n1 + j) * n2 + k];
}

/** |mask ∩ S|, counted straight from the prepared skeleton and a mask (file order). */
function skeletonInMask(gold: PreparedGold, mask: MaskVolume): number {
  return skeletonVoxels(gold).filter((s) => mask.data[voxelIndex(mask.size, s.x, s.y, s.z)] > 0).length;
}

/** Distance from p to the segment a–b. */
function distanceToSegment(p: Vec3, a: Vec3, b: Vec3): number {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
  const len2 = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2;
  const t = Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2));
  return Math.hypot(ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]);
}

/** The six official metrics recomputed from counts with the official formulas (see the file header). */
function metricsFromCounts(c: { S: number; LS: number; n: number; detected: number; L: number; G: number; I: number }) {
  return {
    TD: round(((c.LS + E) / (c.S + E)) * 100, 2),
    BD: round((c.detected * 100) / c.n, 2),
    DSC: round(((2 * c.I + E) / (c.L + c.G + E)) * 100, 2),
    Precision: round(((c.I + E) * 100) / (c.L + E), 3),
    Sensitivity: round(100 - round(((c.G - c.I + E) * 100) / (c.G + E), 3), 3),
    Specificity: round(100 - round(((c.L - c.I + E) * 100) / (V - c.G + E), 3), 3),
  };
}

function assertMetricsMatchCounts(score: CaseScore): void {
  const expected = metricsFromCounts({
    S: score.skeleton_voxels,
    LS: score.skeleton_in_pred,
    n: score.branches_total,
    detected: score.branches_detected,
    L: score.pred_lcc_voxels,
    G: score.gt_lcc_voxels,
    I: score.intersection,
  });
  const actual = {
    TD: score.TD,
    BD: score.BD,
    DSC: score.DSC,
    Precision: score.Precision,
    Sensitivity: score.Sensitivity,
    Specificity: score.Specificity,
  };
  assert.deepEqual(actual, expected);
}

function assertPerfect(score: CaseScore): void {
  assert.equal(score.TD, 100);
  assert.equal(score.BD, 100);
  assert.equal(score.DSC, 100);
  assert.equal(score.Precision, 100);
  assert.equal(score.Sensitivity, 100);
  assert.equal(score.Specificity, 100);
  assert.equal(score.skeleton_in_pred, score.skeleton_voxels);
  assert.equal(score.branches_detected, score.branches_total);
  assert.equal(score.intersection, score.gt_lcc_voxels);
  assert.equal(score.pred_lcc_voxels, score.gt_lcc_voxels);
  assert.equal(score.pred_voxels, score.pred_lcc_voxels);
  assert.equal(score.outside_lcc_voxels, 0);
  assert.equal(score.leakage_voxels, 0);
  assert.equal(score.leakage_components, 0);
  assert.equal(score.empty, false);
  assert.ok(score.branch_detected.every((f) => f === 1));
}

async function expectEvaluatorError(work: () => Promise<unknown>, code: string): Promise<EvaluatorError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof EvaluatorError, `expected an EvaluatorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected EvaluatorError ${code}, nothing was thrown`);
}

// ------------------------------------------------------------------------------------------------ the Y tree

describe('synthetic airway trees through prepareGold and scorePrediction', () => {
  let goldMask: MaskVolume;
  let gold: PreparedGold;
  let goldVoxels: number;
  let trunk: number;
  let left: number;
  let right: number;

  before(async () => {
    goldMask = tree([TRUNK, LEFT, RIGHT]);
    goldVoxels = countForeground(goldMask.data);
    gold = await prepareGold(goldMask);
    trunk = branchAt(gold, 20, 20, 15);
    left = branchAt(gold, 10, 20, 50); // the left axis passes through (10, 20, 50)
    right = branchAt(gold, 30, 20, 50);
  });

  it('survives encoding: the decoded branch labels equal the prepared ones voxel for voxel (crop of any length)', () => {
    const decoded = decodePreparedGold(encodePreparedGold(gold));
    const cropVoxels = gold.crop.shape[0] * gold.crop.shape[1] * gold.crop.shape[2];
    assert.ok(gold.voxelClass.some((c) => c !== 0));
    assert.deepEqual(decoded.voxelClass, gold.voxelClass);
    assert.deepEqual(decoded.branch, gold.branch);
    // the scan reads four classes at a time: a crop whose length is not a multiple of four keeps its last voxels
    const odd = { ...gold, crop: { ...gold.crop, shape: [1, 1, cropVoxels - 1] as [number, number, number] } };
    const last = cropVoxels - 2;
    const voxelClass = gold.voxelClass.slice(0, cropVoxels - 1);
    const branch = gold.branch.slice(0, cropVoxels - 1);
    voxelClass[last] = ON_SKELETON;
    branch[last] = 7;
    const goldVoxelsOdd = voxelClass.reduce((n, c) => n + (c ? 1 : 0), 0);
    const tail = decodePreparedGold(encodePreparedGold({ ...odd, voxelClass, branch, goldVoxels: goldVoxelsOdd }));
    assert.equal(tail.branch[last], 7);
    assert.deepEqual(tail.branch, branch);
  });

  describe('a Y-shaped tree: trunk + two children', () => {
    it('is prepared into 3 branches: the trunk as trachea (generation 0) and two children (generation 1)', () => {
      // the label is one clean 6-connected tree without cavities: G is the label itself
      assert.equal(gold.labelVoxels, goldVoxels);
      assert.equal(gold.goldVoxels, goldVoxels);
      // a trunk and two children give three skeleton segments (the junction voxel is removed, then parsed back)
      // and three branches; no child has a single child, so refinement merges nothing
      assert.equal(gold.segmentCount, 3);
      assert.equal(gold.branches.count, 3);
      assert.equal(gold.branches.officialCount, 3);
      assert.deepEqual(new Set([trunk, left, right]), new Set([1, 2, 3]));
      assert.equal(gold.branches.trachea, trunk);
      assert.equal(gold.branches.generation[trunk], 0);
      assert.equal(gold.branches.generation[left], 1);
      assert.equal(gold.branches.generation[right], 1);
      assert.equal(gold.branches.parent[left], trunk);
      assert.equal(gold.branches.parent[right], trunk);
      // the trachea is the largest label: the trunk (radius 3, 27 long) outweighs each child (radius 2.5, ~24.6)
      const voxels = gold.branches.voxels;
      assert.ok(voxels[trunk] > voxels[left] && voxels[trunk] > voxels[right]);
      assert.equal(voxels[1] + voxels[2] + voxels[3], goldVoxels);
    });

    it('has a thin skeleton inside the mask, along the tubes’ axes', () => {
      const skeleton = skeletonVoxels(gold);
      assert.equal(skeleton.length, gold.skeletonVoxels);
      assert.ok(skeleton.length > 50, `only ${skeleton.length} skeleton voxels`);
      const perBranch = [0, 0, 0, 0];
      for (const s of skeleton) {
        // inside the gold-standard mask, in scan coordinates
        assert.ok(goldMask.data[voxelIndex(SIZE, s.x, s.y, s.z)] > 0, `skeleton voxel (${s.x}, ${s.y}, ${s.z}) outside the mask`);
        // on the medial axis: within one voxel of the centre line of the tube it belongs to
        const axis = s.branch === trunk ? TRUNK : s.branch === left ? LEFT : RIGHT;
        assert.ok(distanceToSegment([s.x, s.y, s.z], axis[0], axis[1]) <= 1.01, `(${s.x}, ${s.y}, ${s.z}) off axis`);
        // the tree lies in the plane y = 20 and is symmetric in y: so is its skeleton
        assert.equal(s.y, 20);
        perBranch[s.branch]++;
      }
      // every branch has skeleton, and the per-branch table agrees with it
      for (const b of [trunk, left, right]) {
        assert.ok(perBranch[b] >= 10, `branch ${b} has ${perBranch[b]} skeleton voxels`);
        assert.equal(gold.branches.skeletonVoxels[b], perBranch[b]);
      }
      // thin: one skeleton voxel per z plane in the trunk, one per child below the fork
      for (let z = 0; z < SIZE[2]; z++) {
        const inPlane = skeleton.filter((s) => s.z === z);
        assert.ok(inPlane.length <= 2, `${inPlane.length} skeleton voxels in plane z = ${z}`);
        if (z < 30) assert.ok(inPlane.every((s) => s.x === 20), `trunk skeleton off the axis at z = ${z}`);
      }
      // the two children are mirror images (x ↔ 40 − x): their skeletons have the same length
      assert.equal(perBranch[left], perBranch[right]);
    });

    it('has the skeleton layout the counts below rely on', () => {
      // Pinned layout (the Lee thinning of this tree; the segment and parsing steps were re-run offline with
      // SciPy on this skeleton and agree): |S| = 69 =
      //  - 27 voxels on the trunk's axis, (20, 20, z) for z = 5..31. (20, 20, 31), above the fork, has four
      //    skeleton voxels in its 3×3×3 neighbourhood: a junction, removed from the segments and parsed back to
      //    the nearest segment voxel, (20, 20, 30) at distance 1 (the children's first voxels are √2 away);
      //  - 21 voxels per child, one per plane z = 32..52.
      const skeleton = skeletonVoxels(gold);
      assert.equal(gold.skeletonVoxels, 69);
      const trunkSkeleton = skeleton.filter((s) => s.branch === trunk);
      assert.deepEqual(
        trunkSkeleton.map((s) => [s.x, s.y, s.z]).sort((a, b) => a[2] - b[2]),
        Array.from({ length: 27 }, (_, n) => [20, 20, 5 + n]),
      );
      for (const child of [left, right]) {
        const zs = skeleton.filter((s) => s.branch === child).map((s) => s.z).sort((a, b) => a - b);
        assert.deepEqual(zs, Array.from({ length: 21 }, (_, n) => 32 + n));
      }
    });

    it('scores the gold standard against itself perfectly', async () => {
      // L = G: |L∩S| = |S| so TD = (|S|+e)/(|S|+e)·100 = 100; every branch has d_b = s_b: BD = 3·100/3 = 100;
      // DSC = (2|G|+e)/(2|G|+e)·100 = 100; precision (|G|+e)·100/(|G|+e) = 100; FNR = e·100/(|G|+e) ≈ 5e-7
      // → 0.000 → sensitivity 100; FPR = e·100/(V−|G|+e) ≈ 1e-8 → specificity 100.
      const score = await scorePrediction(gold, goldMask);
      assertPerfect(score);
      assert.equal(score.gt_lcc_voxels, goldVoxels);
      assert.equal(score.pred_voxels, goldVoxels);
      assert.equal(score.skeleton_voxels, gold.skeletonVoxels);
      assert.equal(score.branches_total, 3);
      assert.deepEqual(score.branch_detected, [1, 1, 1]);
      assert.deepEqual(score.per_generation, [
        { generation: 0, branches: 1, detected: 1 },
        { generation: 1, branches: 2, detected: 2 },
      ]);
      assertMetricsMatchCounts(score);
    });

    it('binarises the prediction as value > 0, whatever its type', async () => {
      // the same tree as int16 with label value 7 and background −3: negative values are background
      const data = new Int16Array(V).fill(-3);
      for (let v = 0; v < V; v++) if (goldMask.data[v]) data[v] = 7;
      const score = await scorePrediction(gold, volumeOf(SIZE, 'int16', data, GEOMETRY));
      assertPerfect(score);
      // and as float32 with tiny positive values
      const floats = new Float32Array(V);
      for (let v = 0; v < V; v++) if (goldMask.data[v]) floats[v] = 0.001;
      assertPerfect(await scorePrediction(gold, volumeOf(SIZE, 'float32', floats, GEOMETRY)));
    });

    it('a prediction missing one child branch: BD 66.67, TD from the counts, precision 100', async () => {
      // the prediction draws the trunk and the left child only
      const prediction = tree([TRUNK, LEFT]);
      const predVoxels = countForeground(prediction.data);
      const score = await scorePrediction(gold, prediction);
      // the prediction is one component and a subset of G
      assert.equal(score.pred_voxels, predVoxels);
      assert.equal(score.pred_lcc_voxels, predVoxels);
      assert.equal(score.intersection, predVoxels);
      assert.equal(score.intersection, countBoth(prediction, goldMask));
      assert.equal(score.leakage_voxels, 0);
      // |L∩S| counted independently: the skeleton voxels lying in the prediction. The right child's skeleton
      // keeps only the voxels next to the fork that the trunk's round cap and the left tube cover.
      const inPred = skeletonInMask(gold, prediction);
      assert.equal(score.skeleton_in_pred, inPred);
      const rightSkeleton = skeletonVoxels(gold).filter((s) => s.branch === right);
      const rightInPred = rightSkeleton.filter((s) => prediction.data[voxelIndex(SIZE, s.x, s.y, s.z)] > 0).length;
      assert.ok(rightInPred / rightSkeleton.length < 0.8, 'the right child must not be detected');
      assert.equal(inPred, gold.skeletonVoxels - (rightSkeleton.length - rightInPred));
      // by hand, with the layout pinned above: the right child's first two skeleton voxels are covered —
      // (21, 20, 32) by the trunk's round cap (√5 ≈ 2.24 ≤ 3 from (20, 20, 30)) and (21, 20, 33) by the left
      // tube (√5 ≤ 2.5 from its axis) — the 19 others are not: |L∩S| = 27 + 21 + 2 = 50, d/s = 2/21 < 0.8
      assert.equal(rightInPred, 2);
      assert.equal(score.skeleton_in_pred, 50);
      // TD = round((50 + e)/(69 + e)·100, 2) = round(72.4637…, 2) = 72.46
      assert.equal(score.TD, 72.46);
      // trunk and left child are complete (d_b = s_b), the right child is not: 2 of 3 detected
      assert.equal(score.branches_detected, 2);
      assert.equal(score.branch_detected[right - 1], 0);
      assert.equal(score.branch_detected[left - 1], 1);
      assert.equal(score.branch_detected[trunk - 1], 1);
      // BD = round(2·100/3, 2) = round(66.666…, 2) = 66.67
      assert.equal(score.BD, 66.67);
      assert.equal(score.BD, round((2 * 100) / 3, 2));
      // TD = round((|L∩S|+e)/(|S|+e)·100, 2), below 100
      assert.ok(score.TD < 100);
      assert.equal(score.TD, round(((score.skeleton_in_pred + E) / (score.skeleton_voxels + E)) * 100, 2));
      // L ⊂ G: precision (|L|+e)·100/(|L|+e) = 100, specificity 100 (no false positive), sensitivity < 100
      assert.equal(score.Precision, 100);
      assert.equal(score.Specificity, 100);
      assert.ok(score.Sensitivity < 100);
      assert.deepEqual(score.per_generation, [
        { generation: 0, branches: 1, detected: 1 },
        { generation: 1, branches: 2, detected: 1 },
      ]);
      assertMetricsMatchCounts(score);
    });

    it('a prediction split by a gap: only the largest piece counts', async () => {
      // erase the slab 44 ≤ z ≤ 45 on the left side (x < 20): the left child is cut in two. The slab is two
      // planes thick, so no voxel of z ≤ 43 is a 6-neighbour of one of z ≥ 46 and the tip (z ≥ 46, x < 20)
      // becomes its own component. The right child at those heights lies at x ≥ 24, untouched.
      const prediction = cloneMask(goldMask);
      const gapVoxels = drawBox(prediction, [0, 0, 44], [19, 39, 45], 0);
      assert.ok(gapVoxels > 0);
      let tipVoxels = 0;
      for (let z = 46; z < SIZE[2]; z++) {
        for (let y = 0; y < SIZE[1]; y++) for (let x = 0; x < 20; x++) tipVoxels += prediction.data[voxelIndex(SIZE, x, y, z)];
      }
      assert.ok(tipVoxels > 0);
      const predVoxels = goldVoxels - gapVoxels;
      const score = await scorePrediction(gold, prediction);
      assert.equal(score.pred_voxels, predVoxels);
      // L = everything but the tip
      assert.equal(score.pred_lcc_voxels, predVoxels - tipVoxels);
      assert.ok(score.pred_lcc_voxels < score.pred_voxels);
      assert.equal(score.outside_lcc_voxels, tipVoxels);
      assert.equal(score.outside_lcc_voxels, score.pred_voxels - score.pred_lcc_voxels);
      // L ⊂ G, so the dropped tip does not count as leakage, and precision stays 100
      assert.equal(score.intersection, score.pred_lcc_voxels);
      assert.equal(score.leakage_voxels, 0);
      assert.equal(score.Precision, 100);
      // |L∩S| = the skeleton voxels of the prediction below the gap or right of x = 20
      const lcc = cloneMask(prediction);
      drawBox(lcc, [0, 0, 46], [19, 39, SIZE[2] - 1], 0);
      assert.equal(countForeground(lcc.data), score.pred_lcc_voxels);
      assert.equal(score.skeleton_in_pred, skeletonInMask(gold, lcc));
      assert.ok(score.skeleton_in_pred < score.skeleton_voxels);
      // by hand, with the layout pinned above: the left child loses its skeleton voxels of planes z = 44..52
      // (9 voxels): |L∩S| = 69 − 9 = 60, TD = round(60.00001/69.00001·100, 2) = round(86.9565…, 2) = 86.96
      assert.equal(score.skeleton_in_pred, 60);
      assert.equal(score.TD, 86.96);
      // the left child keeps its skeleton up to z = 43 only: fewer than 80 % of its voxels (its axis runs
      // from z = 30 to 52, so at most 14 of ~21 planes): not detected; the others are whole
      const leftSkeleton = skeletonVoxels(gold).filter((s) => s.branch === left);
      const leftKept = leftSkeleton.filter((s) => s.z <= 43).length;
      assert.ok(leftKept / leftSkeleton.length < 0.8);
      assert.equal(score.branch_detected[left - 1], 0);
      assert.equal(score.branches_detected, 2);
      assert.equal(score.BD, 66.67);
      assertMetricsMatchCounts(score);
    });

    it('a prediction with leakage blobs attached: leakage counted, precision < 100, TD and BD unchanged', async () => {
      // two balls of radius 3 glued to the tree from outside: one beside the trunk (centre 5 voxels off its
      // axis, the trunk's surface is at 3), one beside the right child. Each ball minus the tube is one
      // 6-connected piece outside G, and the two pieces are far apart.
      const prediction = cloneMask(goldMask);
      drawBall(prediction, [25, 20, 15], 3);
      drawBall(prediction, [31, 24, 45], 3); // the right axis passes (27.5, 20, 45): 5.3 voxels away
      const blob = countOnlyIn(prediction, goldMask);
      assert.ok(blob > 40, `blob of ${blob} voxels`);
      const score = await scorePrediction(gold, prediction);
      assert.equal(score.pred_voxels, goldVoxels + blob);
      assert.equal(score.pred_lcc_voxels, goldVoxels + blob); // attached: one component
      assert.equal(score.intersection, goldVoxels);
      assert.equal(score.leakage_voxels, blob);
      assert.equal(score.leakage_components, 2);
      assert.equal(score.outside_lcc_voxels, 0);
      // the whole tree is still predicted: TD 100, BD 100, sensitivity 100
      assert.equal(score.TD, 100);
      assert.equal(score.BD, 100);
      assert.equal(score.Sensitivity, 100);
      // precision = round((|G|+e)·100/(|G|+blob+e), 3) < 100
      assert.equal(score.Precision, round(((goldVoxels + E) * 100) / (goldVoxels + blob + E), 3));
      assert.ok(score.Precision < 100);
      assert.equal(score.DSC, round(((2 * goldVoxels + E) / (2 * goldVoxels + blob + E)) * 100, 2));
      assert.ok(score.Specificity < 100);
      assertMetricsMatchCounts(score);
    });

    it('a detached blob is not leakage: it falls outside the largest component', async () => {
      const prediction = cloneMask(goldMask);
      const blob = drawBall(prediction, [5, 5, 55], 2); // far from the tree
      const score = await scorePrediction(gold, prediction);
      assert.equal(score.pred_voxels, goldVoxels + blob);
      assert.equal(score.outside_lcc_voxels, blob);
      assert.equal(score.leakage_voxels, 0);
      assert.equal(score.leakage_components, 0);
      assert.equal(score.Precision, 100);
      assert.equal(score.TD, 100);
    });

    it('an empty prediction: TD 0, BD 0, DSC 0, precision 100 (smoothing), flagged empty', async () => {
      // |L| = 0: TD = e/(|S|+e)·100 ≈ 1.5e-5 → 0; BD = 0·100/3 = 0; DSC = e/(|G|+e)·100 ≈ 5e-7 → 0;
      // precision = (0+e)·100/(0+e) = 100; FNR = (|G|+e)·100/(|G|+e) = 100 → sensitivity 0;
      // FPR = e·100/(V−|G|+e) ≈ 1e-8 → specificity 100.
      const score = await scorePrediction(gold, emptyMask(SIZE, GEOMETRY));
      assert.equal(score.empty, true);
      assert.equal(score.TD, 0);
      assert.equal(score.BD, 0);
      assert.equal(score.DSC, 0);
      assert.equal(score.Precision, 100);
      assert.equal(score.Sensitivity, 0);
      assert.equal(score.Specificity, 100);
      assert.equal(score.pred_voxels, 0);
      assert.equal(score.pred_lcc_voxels, 0);
      assert.equal(score.intersection, 0);
      assert.equal(score.skeleton_in_pred, 0);
      assert.equal(score.branches_detected, 0);
      assert.equal(score.branches_total, 3);
      assert.equal(score.leakage_voxels, 0);
      assert.equal(score.outside_lcc_voxels, 0);
      assert.deepEqual(score.branch_detected, [0, 0, 0]);
    });

    it('refuses a prediction of another size, naming both sizes', async () => {
      const error = await expectEvaluatorError(
        () => scorePrediction(gold, emptyMask([40, 40, 59], GEOMETRY), 'team.nii.gz'),
        'GEOMETRY_MISMATCH',
      );
      assert.match(error.message, /team\.nii\.gz/);
      assert.match(error.message, /size 40x40x59 does not match the gold standard's 40x40x60/);
    });

    it('refuses a prediction on another grid (spacing, origin), accepts float32 rounding', async () => {
      const shifted = { ...cloneMask(goldMask), origin: [-14, -14, -299] as const };
      const error = await expectEvaluatorError(() => scorePrediction(gold, shifted), 'GEOMETRY_MISMATCH');
      assert.match(error.message, /origin/);
      const stretched = { ...cloneMask(goldMask), spacing: [0.7, 0.7, 1.5] as const };
      await expectEvaluatorError(() => scorePrediction(gold, stretched), 'GEOMETRY_MISMATCH');
      const rounded = {
        ...cloneMask(goldMask),
        spacing: GEOMETRY.spacing.map(Math.fround) as unknown as Vec3,
        origin: GEOMETRY.origin.map((o) => Math.fround(o + 1e-4)) as unknown as Vec3,
      };
      assertPerfect(await scorePrediction(gold, rounded));
    });
  });

  // ------------------------------------------------------------------------------------------ other golds

  describe('gold standards that need care', () => {
    it('a tree whose trunk leaves the top plane of the scan: prepared, and scores itself perfectly', async () => {
      // the trunk runs from the fork at z = 35 up through the last plane z = 59 (its segment ends at z = 70,
      // clipped by the scan); the children go down to z = 10
      const mask = tree([
        [[20, 20, 35], [20, 20, 70], 3],
        [[20, 20, 35], [9, 20, 12], 2.5],
        [[20, 20, 35], [31, 20, 12], 2.5],
      ]);
      let onTop = 0;
      for (let y = 0; y < SIZE[1]; y++) for (let x = 0; x < SIZE[0]; x++) onTop += mask.data[voxelIndex(SIZE, x, y, 59)];
      assert.equal(onTop, 29); // the disc x² + y² ≤ 9: 29 voxels
      const prepared = await prepareGold(mask);
      assert.equal(prepared.goldVoxels, countForeground(mask.data));
      assert.equal(prepared.branches.count, 3);
      const top = branchAt(prepared, 20, 20, 59);
      assert.equal(prepared.branches.trachea, top);
      assert.equal(prepared.branches.generation[top], 0);
      for (const b of [1, 2, 3]) if (b !== top) assert.equal(prepared.branches.generation[b], 1);
      // the crop reaches one voxel past the scan (its zero padding)
      assert.equal(prepared.crop.origin[2] + prepared.crop.shape[2], SIZE[2] + 1);
      const score = await scorePrediction(prepared, mask);
      assertPerfect(score);
      assert.equal(score.branches_total, 3);
    });

    it('a thin tree (radius 1) whose skeleton reaches the top plane: prepared, and scores itself perfectly', async () => {
      // with radius 1 (a "plus" cross-section) the trunk's skeleton runs up to the scan's last plane z = 59, so
      // the segment step's neighbourhood count sees the border (SciPy 'reflect'); the end voxel there counts
      // itself, its neighbour below and its mirror image: 3, not a junction.
      const mask = tree([
        [[20, 20, 35], [20, 20, 70], 1],
        [[20, 20, 35], [9, 20, 12], 1],
        [[20, 20, 35], [31, 20, 12], 1],
      ]);
      const prepared = await prepareGold(mask);
      const skeleton = skeletonVoxels(prepared);
      assert.ok(skeleton.some((s) => s.z === 59), 'the skeleton should reach the last plane');
      assert.equal(prepared.branches.count, 3);
      assert.equal(prepared.branches.trachea, branchAt(prepared, 20, 20, 59));
      assertPerfect(await scorePrediction(prepared, mask));
    });

    it('a tree touching the first plane z = 0 and the side x = 0: prepared, and scores itself perfectly', async () => {
      const mask = tree([
        [[20, 20, -10], [20, 20, 25], 3],
        [[20, 20, 25], [0, 20, 45], 2.5],
        [[20, 20, 25], [31, 20, 52], 2.5],
      ]);
      const prepared = await prepareGold(mask);
      assert.equal(prepared.branches.count, 3);
      assert.equal(prepared.crop.origin[2], -1);
      assert.equal(prepared.crop.origin[0], -1);
      assert.equal(prepared.branches.trachea, branchAt(prepared, 20, 20, 0));
      assertPerfect(await scorePrediction(prepared, mask));
    });

    it('a gold standard with a closed cavity and a stray blob: cavity filled, blob dropped', async () => {
      // the cavity: the ball of radius 1 around (20, 20, 15) on the trunk's axis = the centre and its six
      // 6-neighbours, 7 voxels, enclosed by the trunk (radius 3). The blob: a ball of radius 2 (33 voxels) far
      // from the tree.
      const holey = cloneMask(goldMask);
      const cavity = drawBall(holey, [20, 20, 15], 1, 0);
      assert.equal(cavity, 7);
      const blob = drawBall(holey, [4, 4, 55], 2);
      assert.equal(blob, 33);
      const prepared = await prepareGold(holey);
      // the label has tree − cavity + blob voxels; G = the largest component with its hole filled = the tree
      assert.equal(prepared.labelVoxels, goldVoxels - cavity + blob);
      assert.equal(prepared.goldVoxels, goldVoxels);
      // hence the same preparation as the clean tree, voxel for voxel
      assert.deepEqual(prepared.crop, gold.crop);
      assert.equal(prepared.skeletonVoxels, gold.skeletonVoxels);
      assert.ok(Buffer.from(prepared.voxelClass).equals(Buffer.from(gold.voxelClass)), 'voxel classes differ');
      assert.deepEqual(Array.from(prepared.branch), Array.from(gold.branch));
      assert.equal(prepared.branches.count, 3);

      const clean = await scorePrediction(prepared, goldMask);
      assertPerfect(clean);
      assert.equal(clean.gt_lcc_voxels, goldVoxels); // counts the 7 cavity voxels

      // scoring the raw label against its own preparation: the prediction is not hole-filled, so L misses the
      // 7 cavity voxels, and the blob is outside its largest component.
      // FNR = round((7+e)·100/(|G|+e), 3); sensitivity = round(100 − FNR, 3); precision 100.
      const self = await scorePrediction(prepared, holey);
      assert.equal(self.pred_voxels, goldVoxels - cavity + blob);
      assert.equal(self.pred_lcc_voxels, goldVoxels - cavity);
      assert.equal(self.outside_lcc_voxels, blob);
      assert.equal(self.intersection, goldVoxels - cavity);
      assert.equal(self.Precision, 100);
      assert.equal(self.Sensitivity, round(100 - round(((cavity + E) * 100) / (goldVoxels + E), 3), 3));
      assert.ok(self.Sensitivity < 100);
      assert.equal(self.DSC, round(((2 * (goldVoxels - cavity) + E) / (2 * goldVoxels - cavity + E)) * 100, 2));
      // three cavity voxels, (20, 20, 14..16), lie on the trunk's axis, where its skeleton runs: |L∩S| = |S| − 3
      assert.equal(self.skeleton_in_pred, gold.skeletonVoxels - 3);
      // TD = round((66 + e)/(69 + e)·100, 2) = round(95.652…, 2) = 95.65
      assert.equal(self.TD, 95.65);
      assert.equal(self.BD, 100);
      assertMetricsMatchCounts(self);
    });

    it('an empty gold standard is refused', async () => {
      await expectEvaluatorError(() => prepareGold(emptyMask(SIZE, GEOMETRY)), 'EMPTY_GOLD_STANDARD');
      // negative values are not airway either
      const negative = volumeOf([4, 4, 4], 'int16', new Int16Array(64).fill(-1));
      await expectEvaluatorError(() => prepareGold(negative), 'EMPTY_GOLD_STANDARD');
    });
  });
});
