/**
 * Airway tree structure from a parsed label volume (SPEC §1.6–1.9), reproducing the official `tree_parse.py`
 * loop: trachea = the largest label; adjacency = labels touching by 6-connectivity; parents and generations by
 * breadth-first waves from the trachea (a label reached in one wave from several labels of the same generation
 * gets all of them as parents); refinement merges all parents of a multi-parent label into the lowest-numbered
 * one and merges every only child into its parent, then renumbers labels to stay consecutive; repeat until
 * nothing changes.
 *
 * Every change the official code makes to the label volume has the form "all voxels of value a become b", so
 * this works on a look-up table from the original labels to their current value instead of on voxels: volumes
 * and adjacency of current labels are unions over the original labels mapped to them. Two quirks of the official
 * code are kept because they decide results: its check `whether_refinement` already applies the merges to the
 * volume in place, and `tree_refinement` then applies the same list of merges a second time (which matters when
 * merges chain), before renumbering.
 */

export interface LabelGraph {
  /** Number of labels (1..count). */
  readonly count: number;
  /** Voxels per label, index 1..count. */
  readonly volumes: ArrayLike<number>;
  /** Pairs of distinct labels that touch (6-connectivity), each pair once in either order. */
  readonly edges: ReadonlyArray<readonly [number, number]>;
}

export interface TreeStructure {
  /** Original label → final branch label (0 stays 0). */
  readonly relabel: Int32Array;
  /** Number of final branches (1..count). */
  readonly count: number;
  readonly trachea: number;
  /** Generation of each final label, index 1..count (trachea 0). */
  readonly generation: Int32Array;
  /** Parent of each final label, index 1..count (0 for the trachea and unreached labels). */
  readonly parent: Int32Array;
  /** Refinement passes that changed something. */
  readonly passes: number;
}

interface Waves {
  readonly parents: number[][];
  readonly children: number[][];
  readonly generation: Int32Array;
}

/** Largest label by volume; equal volumes: the highest label, as a stable argsort's last element. */
function largestLabel(volumes: Float64Array, count: number): number {
  let best = 1;
  for (let x = 2; x <= count; x++) if (volumes[x] >= volumes[best]) best = x;
  return best;
}

function breadthFirstWaves(adjacent: Array<Set<number>>, trachea: number, count: number): Waves {
  const parents: number[][] = Array.from({ length: count + 1 }, () => []);
  const children: number[][] = Array.from({ length: count + 1 }, () => []);
  const generation = new Int32Array(count + 1);
  const hasParent = new Uint8Array(count + 1);
  hasParent[trachea] = 1; // the official parent map marks the trachea as its own parent
  let wave = [trachea];
  while (wave.length > 0) {
    const next: number[] = [];
    for (const current of wave) {
      const neighbours = [...adjacent[current]].sort((a, b) => a - b);
      for (const child of neighbours) {
        if (!hasParent[child]) {
          hasParent[child] = 1;
          parents[child].push(current);
          children[current].push(child);
          generation[child] = generation[current] + 1;
          next.push(child);
        } else if (generation[current] + 1 === generation[child] && child !== trachea) {
          parents[child].push(current);
          children[current].push(child);
        }
      }
    }
    wave = next;
  }
  return { parents, children, generation };
}

/** The merges one refinement pass makes, in the official order, and the labels it deletes. */
function refinementMerges(waves: Waves, count: number): { merges: Array<[number, number]>; deleted: number[] } {
  const merges: Array<[number, number]> = [];
  const deleted: number[] = [];
  const isDeleted = new Uint8Array(count + 1);
  for (let x = 1; x <= count; x++) {
    const ps = [...waves.parents[x]].sort((a, b) => a - b);
    if (ps.length <= 1) continue;
    for (let n = 1; n < ps.length; n++) {
      merges.push([ps[n], ps[0]]);
      if (!isDeleted[ps[n]]) {
        isDeleted[ps[n]] = 1;
        deleted.push(ps[n]);
      }
    }
  }
  for (let x = 1; x <= count; x++) {
    if (waves.children[x].length !== 1 || isDeleted[x]) continue;
    const child = waves.children[x][0];
    if (isDeleted[child]) continue;
    merges.push([child, x]);
    isDeleted[child] = 1;
    deleted.push(child);
  }
  return { merges, deleted };
}

function replaceValue(relabel: Int32Array, from: number, to: number): void {
  for (let p = 1; p < relabel.length; p++) if (relabel[p] === from) relabel[p] = to;
}

export function refineTree(graph: LabelGraph): TreeStructure {
  const relabel = new Int32Array(graph.count + 1);
  for (let p = 0; p <= graph.count; p++) relabel[p] = p;
  let count = graph.count;
  let passes = 0;
  for (;;) {
    const volumes = new Float64Array(count + 1);
    for (let p = 1; p <= graph.count; p++) {
      const x = relabel[p];
      if (x >= 1 && x <= count) volumes[x] += graph.volumes[p];
    }
    if (count === 0) {
      return { relabel, count, trachea: 0, generation: new Int32Array(1), parent: new Int32Array(1), passes };
    }
    const trachea = largestLabel(volumes, count);
    const adjacent: Array<Set<number>> = Array.from({ length: count + 1 }, () => new Set<number>());
    for (const [p, q] of graph.edges) {
      const x = relabel[p];
      const y = relabel[q];
      if (x === y || x < 1 || y < 1 || x > count || y > count) continue;
      adjacent[x].add(y);
      adjacent[y].add(x);
    }
    const waves = breadthFirstWaves(adjacent, trachea, count);
    const { merges, deleted } = refinementMerges(waves, count);
    if (deleted.length === 0) {
      const parent = new Int32Array(count + 1);
      for (let x = 1; x <= count; x++) parent[x] = waves.parents[x][0] ?? 0;
      return { relabel, count, trachea, generation: waves.generation, parent, passes };
    }
    passes++;
    for (let round = 0; round < 2; round++) for (const [from, to] of merges) replaceValue(relabel, from, to);
    const isDeleted = new Uint8Array(count + 1);
    for (const d of deleted) isDeleted[d] = 1;
    let move = 0;
    for (let x = 1; x <= count; x++) {
      if (isDeleted[x]) {
        move++;
        continue;
      }
      if (move > 0) replaceValue(relabel, x, x - move);
    }
    count -= deleted.length;
  }
}
