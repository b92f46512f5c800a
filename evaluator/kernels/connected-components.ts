/**
 * Connected-component labelling of a binary volume, 6- or 26-connectivity.
 *
 * Labels are numbered 1..count in the order their first voxel is met in a C-order scan (k fastest), which is how
 * `scipy.ndimage.label` numbers them; the tree parsing of ATM'22 depends on that numbering. Two passes with a
 * union-find over provisional labels; O(voxels) time, one Int32Array of labels.
 * Input: nonzero = foreground; it is not modified.
 */
import type { Shape3 } from '../volume/shape.ts';

export type Connectivity = 6 | 26;

export interface Labelling {
  /** Label of each voxel, 0 for background. */
  readonly labels: Int32Array;
  readonly count: number;
}

/** Offsets to the already-visited neighbours (earlier in C order) for the chosen connectivity. */
function backwardNeighbours(connectivity: Connectivity): Array<[number, number, number]> {
  const offsets: Array<[number, number, number]> = [];
  for (let di = -1; di <= 0; di++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let dk = -1; dk <= 1; dk++) {
        const before = di < 0 || (di === 0 && (dj < 0 || (dj === 0 && dk < 0)));
        if (!before) continue;
        if (connectivity === 6 && Math.abs(di) + Math.abs(dj) + Math.abs(dk) !== 1) continue;
        offsets.push([di, dj, dk]);
      }
    }
  }
  return offsets;
}

export function labelComponents(mask: ArrayLike<number>, shape: Shape3, connectivity: Connectivity): Labelling {
  const [n0, n1, n2] = shape;
  const labels = new Int32Array(n0 * n1 * n2);
  const parent: number[] = [0];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const neighbours = backwardNeighbours(connectivity);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        if (!mask[row + k]) continue;
        let current = 0;
        for (const [di, dj, dk] of neighbours) {
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || b >= n1 || c < 0 || c >= n2) continue;
          const other = labels[(a * n1 + b) * n2 + c];
          if (other === 0) continue;
          if (current === 0) {
            current = find(other);
          } else {
            const r1 = find(other);
            if (r1 !== current) {
              // keep the smaller root so roots stay in first-met order
              if (r1 < current) {
                parent[current] = r1;
                current = r1;
              } else parent[r1] = current;
            }
          }
        }
        if (current === 0) {
          current = parent.length;
          parent.push(current);
        }
        labels[row + k] = current;
      }
    }
  }
  // Final numbers in first-met order: provisional labels are created in scan order, and each root is the smallest
  // provisional label of its component, i.e. the one of its first voxel.
  const final = new Int32Array(parent.length);
  let count = 0;
  for (let p = 1; p < parent.length; p++) {
    const root = find(p);
    if (root === p) final[p] = ++count;
  }
  for (let v = 0; v < labels.length; v++) {
    const l = labels[v];
    if (l) labels[v] = final[find(l)];
  }
  return { labels, count };
}

/** Voxel count of each label; index 0 counts the background. */
export function componentSizes(labelling: Labelling): Float64Array {
  const sizes = new Float64Array(labelling.count + 1);
  const { labels } = labelling;
  for (let v = 0; v < labels.length; v++) sizes[labels[v]]++;
  return sizes;
}
