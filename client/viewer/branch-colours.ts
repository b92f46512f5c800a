/**
 * How the viewer colours the gold-standard surface: by each branch's result (detected / missed / trachea, the
 * colours of docs/viewer-api.md) or by generation (a sequential palette). Per-vertex RGB from the mesh's branch
 * labels. Pure.
 */
import type { ViewerBranch } from '../api/types.ts';

export type Rgb = readonly [number, number, number];
export type BranchClass = 'detected' | 'missed' | 'trachea' | 'unlabelled';
export type ColourMode = 'result' | 'generation';

export const CLASS_COLOURS: Record<BranchClass, string> = {
  detected: '#2e9e5b',
  missed: '#d1495b',
  trachea: '#8c8c8c',
  unlabelled: '#c9c3b6',
};
export const LEAKAGE_COLOUR = '#f2a541';
export const LEAKAGE_OPACITY = 0.4;
/** The gold surface of a case shown without a prediction (compare mode). */
export const GOLD_ONLY_COLOUR = '#d9d4c7';

/** Sequential palette for generations 0, 1, 2, … (viridis-like; the last colour repeats for deeper ones). */
export const GENERATION_PALETTE = [
  '#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725',
];

export function hexToRgb(hex: string): Rgb {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function branchClass(branch: ViewerBranch | undefined): BranchClass {
  if (!branch) return 'unlabelled';
  if (branch.trachea) return 'trachea';
  if (branch.detected == null) return 'unlabelled';
  return branch.detected ? 'detected' : 'missed';
}

export function generationColour(generation: number): string {
  const g = Math.max(0, Math.floor(generation));
  return GENERATION_PALETTE[Math.min(g, GENERATION_PALETTE.length - 1)];
}

export function branchesById(branches: readonly ViewerBranch[]): Map<number, ViewerBranch> {
  return new Map(branches.map((b) => [b.id, b]));
}

/** RGB (0-255) per vertex: 3 bytes each. */
export function vertexColours(labels: Uint16Array, branches: ReadonlyMap<number, ViewerBranch>, mode: ColourMode): Uint8Array {
  const colourOfLabel = new Map<number, Rgb>();
  const colours = new Uint8Array(labels.length * 3);
  for (let v = 0; v < labels.length; v++) {
    const label = labels[v];
    let rgb = colourOfLabel.get(label);
    if (!rgb) {
      const branch = label === 0 ? undefined : branches.get(label);
      rgb = hexToRgb(
        mode === 'generation' ? (branch?.generation != null ? generationColour(branch.generation) : CLASS_COLOURS.unlabelled) : CLASS_COLOURS[branchClass(branch)],
      );
      colourOfLabel.set(label, rgb);
    }
    colours[3 * v] = rgb[0];
    colours[3 * v + 1] = rgb[1];
    colours[3 * v + 2] = rgb[2];
  }
  return colours;
}

export interface ClassCounts {
  detected: number;
  missed: number;
  trachea: number;
}

export function classCounts(branches: readonly ViewerBranch[]): ClassCounts {
  const counts: ClassCounts = { detected: 0, missed: 0, trachea: 0 };
  for (const b of branches) {
    const c = branchClass(b);
    if (c !== 'unlabelled') counts[c]++;
  }
  return counts;
}
