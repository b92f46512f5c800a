import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { refineTree, type LabelGraph } from '../../evaluator/kernels/refine-tree.ts';

/**
 * Label graphs for `refineTree`. Expected answers were derived by hand from the official `tree_parse.py` loop
 * (loc_trachea → adjacent_map → parent_children_map → while whether_refinement: tree_refinement …) and
 * cross-checked with a line-by-line NumPy transcription of that loop run on label volumes realising each graph
 * (every label a row of voxels, every edge a bridge touching the two rows, extra voxels for the volumes).
 *
 * `volumes` below lists labels 1..count (index 0 is added by `graph`).
 */
function graph(volumes: number[], edges: Array<[number, number]>): LabelGraph {
  return { count: volumes.length, volumes: [0, ...volumes], edges };
}

function ints(a: Int32Array): number[] {
  return Array.from(a);
}

describe('refineTree', () => {
  it('a chain 1-2-3 from the trachea collapses to one branch', () => {
    // pass 1: 1 (trachea) has the only child 2 → 2 merges into 1; 2 is deleted, so its own only child 3 is kept;
    //         renumbering: 3 → 2. relabel [0, 1, 1, 2]
    // pass 2: 1 has the only child 2 → merged. relabel [0, 1, 1, 1]; pass 3 finds nothing to do
    const tree = refineTree(graph([300, 100, 100], [[1, 2], [2, 3]]));
    assert.deepEqual(ints(tree.relabel), [0, 1, 1, 1]);
    assert.equal(tree.count, 1);
    assert.equal(tree.trachea, 1);
    assert.deepEqual(ints(tree.generation), [0, 0]);
    assert.deepEqual(ints(tree.parent), [0, 0]);
    assert.equal(tree.passes, 2);
  });

  it('a chain whose middle label is the trachea is a Y: nothing merges', () => {
    const tree = refineTree(graph([100, 300, 100], [[1, 2], [2, 3]]));
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 3]);
    assert.equal(tree.count, 3);
    assert.equal(tree.trachea, 2);
    assert.deepEqual(ints(tree.generation), [0, 1, 0, 1]);
    assert.deepEqual(ints(tree.parent), [0, 2, 0, 2]);
    assert.equal(tree.passes, 0);
  });

  it('a Y (trachea with two children) stays three branches, generations 0, 1, 1', () => {
    const tree = refineTree(graph([300, 100, 100], [[1, 2], [1, 3]]));
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 3]);
    assert.equal(tree.count, 3);
    assert.equal(tree.trachea, 1);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 1]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 1]);
    assert.equal(tree.passes, 0);
  });

  it('edges listed in either order and repeated give the same tree', () => {
    const a = refineTree(graph([300, 100, 100], [[1, 2], [1, 3]]));
    const b = refineTree(graph([300, 100, 100], [[3, 1], [2, 1], [1, 2]]));
    assert.deepEqual(b, a);
  });

  it('a trachea whose only child has two children absorbs that child', () => {
    // pass 1: children(1) = {2} → merge 2 into 1; 2 has children {3, 4}, not an only child.
    //         renumber 3 → 2, 4 → 3. pass 2: 1 has children 2 and 3 → done
    const tree = refineTree(graph([300, 100, 100, 100], [[1, 2], [2, 3], [2, 4]]));
    assert.deepEqual(ints(tree.relabel), [0, 1, 1, 2, 3]);
    assert.equal(tree.count, 3);
    assert.equal(tree.trachea, 1);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 1]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 1]);
    assert.equal(tree.passes, 1);
  });

  it('a label with two parents of the same generation gets its parents merged into the lowest', () => {
    // trachea 1 with children 2, 3, 7 (generation 1); 4 is reached from 2 and, in the same wave, from 3 →
    // parents {2, 3}; 2 also has child 5, 3 has child 6.
    // pass 1: merge 3 into 2 (the lowest parent); no only children (1: {2,3,7}, 2: {4,5}; 3 is deleted).
    //         renumber: 4 → 3, 5 → 4, 6 → 5, 7 → 6. relabel [0, 1, 2, 2, 3, 4, 5, 6]
    // pass 2: 1 has children 2 (= old 2 and 3) and 6 (old 7); 2 has children 3, 4, 5 with one parent each
    const tree = refineTree(
      graph([300, 100, 100, 100, 100, 100, 100], [[1, 2], [1, 3], [1, 7], [2, 4], [2, 5], [3, 4], [3, 6]]),
    );
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 2, 3, 4, 5, 6]);
    assert.equal(tree.count, 6);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 2, 2, 2, 1]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 2, 2, 2, 1]);
    assert.equal(tree.passes, 1);
  });

  it('a label reached again from a parent of an older generation does not get a second parent', () => {
    // 1 (trachea) – 2 – 3 and 1 – 3 directly: 3 is generation 1 (reached from 1), then seen from 2
    // (generation 1, 1 + 1 ≠ 1) → single parent. Siblings 2 and 3 touching do not make parents either.
    // Add leaves so nobody is an only child: 2 – 4, 2 – 5, 3 – 6, 3 – 7.
    const tree = refineTree(
      graph([300, 100, 100, 100, 100, 100, 100], [[1, 2], [2, 3], [1, 3], [2, 4], [2, 5], [3, 6], [3, 7]]),
    );
    assert.equal(tree.passes, 0);
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 1, 2, 2, 2, 2]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('chained parent merges: the second application of the merge list decides the result', () => {
    // trachea 1 (volume 1000) with children 2, 3, 4, 9 (generation 1); 5 has parents {2, 3}, 6 has parents
    // {3, 4}; 7 is a second child of 2 and 8 a second child of 4 (so nobody is an only child).
    // Merge list of pass 1, in the official order (multi-parent labels ascending): [3 → 2, 4 → 3].
    //   whether_refinement applies it once:  old 3 → 2, then old 4 → 3        (3 holds old 4)
    //   tree_refinement applies it again:     3 → 2 catches old 4; 4 → 3 finds nothing
    //   → old 2, 3, 4 all have value 2. delete_ids = [3, 4]; renumber 5..9 → 3..7.
    //   relabel [0, 1, 2, 2, 2, 3, 4, 5, 6, 7]
    // Had the list been applied only once, old 4 would still be 3, and renumbering 5 → 3 would fuse old 4 with
    // old 5: [0, 1, 2, 2, 3, 3, 4, 5, 6, 7].
    // pass 2: 1 has children 2 and 7; 2 has children 3..6, each with one parent → done.
    const tree = refineTree(
      graph(
        [1000, 100, 100, 100, 100, 100, 100, 100, 100],
        [[1, 2], [1, 3], [1, 4], [1, 9], [2, 5], [2, 7], [3, 5], [3, 6], [4, 6], [4, 8]],
      ),
    );
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 2, 2, 3, 4, 5, 6, 7]);
    assert.equal(tree.count, 7);
    assert.equal(tree.trachea, 1);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 2, 2, 2, 2, 1]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 2, 2, 2, 2, 1]);
    assert.equal(tree.passes, 1);
  });

  it('a chain of three merges survives even two applications: the official leftover is reproduced', () => {
    // trachea 1 (1000) with children 2, 3, 4, 5, 12; 6 has parents {2, 3}, 7 {3, 4}, 8 {4, 5}; 9 is a second
    // child of 2; 10 and 11 are children of 5.
    // pass 1 merge list: [3 → 2, 4 → 3, 5 → 4], delete_ids [3, 4, 5].
    //   first application:  old 3 → 2, old 4 → 3, old 5 → 4
    //   second application: 3 → 2 (old 4 → 2), 4 → 3 (old 5 → 3), 5 → 4 (nothing)
    //   so old 5 is left with the deleted value 3; renumbering moves 6 → 3 (6 − 3 deleted labels below it), so
    //   old 5 and old 6 share label 3: relabel [0, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9], 9 labels.
    // pass 2: volumes 1: 1000, 2: 300, 3: 200 → trachea 1. Children of 1: 2 (old 2-4), 3 (old 5-6), 9 (old 12).
    //   4 (old 7) touches 2 only; 5 (old 8) touches 2 (old 4) and 3 (old 5) → parents {2, 3} → merge 3 → 2.
    //   relabel [0, 1, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8], 8 labels; pass 3: no change.
    const tree = refineTree(
      graph(
        [1000, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
        [[1, 2], [1, 3], [1, 4], [1, 5], [1, 12], [2, 6], [2, 9], [3, 6], [3, 7], [4, 7], [4, 8], [5, 8], [5, 10], [5, 11]],
      ),
    );
    assert.deepEqual(ints(tree.relabel), [0, 1, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(tree.count, 8);
    assert.deepEqual(ints(tree.generation), [0, 0, 1, 2, 2, 2, 2, 2, 1]);
    assert.deepEqual(ints(tree.parent), [0, 0, 1, 2, 2, 2, 2, 2, 1]);
    assert.equal(tree.passes, 2);
  });

  it('the trachea is the largest label; equal volumes pick the highest label (stable argsort, last)', () => {
    // loc_trachea takes np.argsort(volume)[-1]; NumPy 1.24 sorts arrays of ≤ 16 elements by insertion sort,
    // which is stable, so the last of equal volumes is the highest label.
    // volumes 200, 100, 100, 200: labels 1 and 4 tie → trachea 4. 4's only child 1 merges into 4;
    // renumber 2 → 1, 3 → 2, 4 → 3. Next pass: trachea 3 (volume 400) with children 1 and 2.
    const tree = refineTree(graph([200, 100, 100, 200], [[1, 4], [1, 2], [1, 3]]));
    assert.deepEqual(ints(tree.relabel), [0, 3, 1, 2, 3]);
    assert.equal(tree.count, 3);
    assert.equal(tree.trachea, 3);
    assert.deepEqual(ints(tree.generation), [0, 1, 1, 0]);
    assert.deepEqual(ints(tree.parent), [0, 3, 3, 0]);
    assert.equal(tree.passes, 1);
    // a strictly larger label 1 would be the trachea, with three children
    const other = refineTree(graph([201, 100, 100, 200], [[1, 4], [1, 2], [1, 3]]));
    assert.equal(other.trachea, 1);
    assert.equal(other.count, 4);
    assert.equal(other.passes, 0);
  });

  it('labels not connected to the trachea keep generation 0 and no parent', () => {
    // 1 – 2 merge (only child); 3 is unreached and renumbered to 2
    const tree = refineTree(graph([300, 100, 100], [[1, 2]]));
    assert.deepEqual(ints(tree.relabel), [0, 1, 1, 2]);
    assert.equal(tree.count, 2);
    assert.deepEqual(ints(tree.generation), [0, 0, 0]);
    assert.deepEqual(ints(tree.parent), [0, 0, 0]);
  });

  it('a single label, and no labels at all', () => {
    const one = refineTree(graph([42], []));
    assert.deepEqual(ints(one.relabel), [0, 1]);
    assert.equal(one.count, 1);
    assert.equal(one.trachea, 1);
    assert.equal(one.passes, 0);
    const none = refineTree(graph([], []));
    assert.equal(none.count, 0);
    assert.equal(none.trachea, 0);
    assert.deepEqual(ints(none.relabel), [0]);
  });

  it('does not modify its input', () => {
    const volumes = [0, 300, 100, 100];
    const edges: Array<[number, number]> = [[1, 2], [2, 3]];
    refineTree({ count: 3, volumes, edges });
    assert.deepEqual(volumes, [0, 300, 100, 100]);
    assert.deepEqual(edges, [[1, 2], [2, 3]]);
  });

  /**
   * Random graphs (a random tree plus a few extra edges, random distinct volumes), answers from the NumPy
   * transcription of the official loop on label volumes realising them (offline; relabel = final value of
   * each original label).
   */
  const RANDOM_CASES: Array<{
    volumes: number[];
    edges: Array<[number, number]>;
    relabel: number[];
    branches: number;
    trachea: number;
    generation: number[];
    passes: number;
  }> = [
    {
      volumes: [382, 286, 330, 357, 304, 380, 187, 229, 175, 336],
      edges: [[1, 2], [1, 3], [2, 4], [2, 5], [3, 5], [3, 7], [4, 5], [4, 6], [4, 8], [4, 10], [6, 9]],
      relabel: [0, 1, 2, 2, 3, 4, 5, 6, 7, 5, 8],
      branches: 8,
      trachea: 2,
      generation: [0, 1, 0, 1, 1, 2, 1, 2, 2],
      passes: 1,
    },
    {
      volumes: [264, 218, 334, 355, 208, 301, 391, 176],
      edges: [[1, 2], [1, 4], [1, 6], [1, 8], [2, 3], [4, 5], [4, 6], [4, 7], [6, 8]],
      relabel: [0, 1, 2, 2, 4, 3, 1, 4, 5],
      branches: 5,
      trachea: 4,
      generation: [0, 1, 2, 1, 0, 2],
      passes: 1,
    },
    {
      volumes: [190, 260, 313, 250, 355, 335, 370],
      edges: [[1, 2], [1, 3], [1, 5], [2, 4], [2, 5], [3, 6], [3, 7], [5, 6]],
      relabel: [0, 3, 1, 3, 1, 2, 3, 3],
      branches: 3,
      trachea: 3,
      generation: [0, 1, 1, 0],
      passes: 2,
    },
    {
      volumes: [291, 209, 199, 333, 270, 288, 364, 290],
      edges: [[1, 2], [1, 7], [2, 3], [3, 4], [3, 8], [4, 5], [5, 6], [5, 8]],
      relabel: [0, 1, 1, 1, 1, 1, 1, 1, 1],
      branches: 1,
      trachea: 1,
      generation: [0, 0],
      passes: 4,
    },
    {
      volumes: [290, 384, 224, 354, 345, 165, 206, 283],
      edges: [[1, 2], [1, 3], [1, 4], [1, 8], [2, 7], [3, 4], [4, 5], [4, 6]],
      relabel: [0, 1, 2, 3, 4, 5, 6, 7, 8],
      branches: 8,
      trachea: 2,
      generation: [0, 1, 0, 2, 2, 3, 3, 1, 2],
      passes: 0,
    },
    {
      volumes: [213, 153, 337, 205, 254, 221, 196, 384, 372, 346, 249],
      edges: [[1, 2], [1, 5], [1, 9], [2, 3], [2, 7], [2, 10], [2, 11], [3, 4], [3, 10], [4, 6], [4, 8], [6, 8], [7, 9]],
      relabel: [0, 1, 2, 3, 3, 4, 5, 1, 6, 7, 8, 9],
      branches: 9,
      trachea: 3,
      generation: [0, 2, 1, 0, 3, 1, 1, 3, 1, 2],
      passes: 1,
    },
  ];

  RANDOM_CASES.forEach((c, n) => {
    it(`matches the official loop on random graph ${n + 1} (${c.volumes.length} labels)`, () => {
      const tree = refineTree(graph(c.volumes, c.edges));
      assert.deepEqual(ints(tree.relabel), c.relabel);
      assert.equal(tree.count, c.branches);
      assert.equal(tree.trachea, c.trachea);
      assert.deepEqual(ints(tree.generation), c.generation);
      assert.equal(tree.passes, c.passes);
    });
  });
});
