/**
 * The DOM around the 3D view: layer and colour controls, the legend with counts, the picked branch's details,
 * the metrics and the TD/BD-per-generation plot, each named by the phase's branch rule (client/viewer/branch-terms.ts:
 * ATM'22's branches or AIIB23's segments). No vtk.js here.
 */
import { type ViewerBranch, type ViewerInfo } from '../../api/types.ts';
import { SUITE_IDS, type SuiteId } from '../../../contract/metric-suites.ts';
import { asPercent, metricHeader, phaseMetrics } from '../../lib/phase-metrics.ts';
import { field, h, svgElement } from '../../dom.ts';
import { CLASS_COLOURS, GENERATION_PALETTE, LEAKAGE_COLOUR, branchClass, classCounts, generationColour, type ColourMode } from '../branch-colours.ts';
import { formatMetric } from '../../lib/format.ts';
import { ratesByGeneration } from '../../lib/per-generation.ts';
import { barChartSvg } from '../../plots/bar-chart.ts';
import type { Layer } from '../airway-scene.ts';
import { BRANCH_TERMS, type BranchTerms } from '../branch-terms.ts';
import { digitsOf } from '../../pages/submission.ts';

export interface ControlHandlers {
  onLayer(layer: Layer, visible: boolean): void;
  onColourMode(mode: ColourMode): void;
  onResetCamera(): void;
}

export interface ControlOptions {
  hasLeakage: boolean;
  hasResults: boolean;
  /** What the pieces are called, and whether they have generations to colour by (AIIB23's segments have none). */
  terms: BranchTerms;
}

export function viewerControls(handlers: ControlHandlers, { hasLeakage, hasResults, terms }: ControlOptions): HTMLElement {
  const layer = (name: Layer, label: string, enabled: boolean) => {
    const box = h('input', { type: 'checkbox', checked: enabled, disabled: !enabled, 'data-layer': name });
    box.addEventListener('change', () => handlers.onLayer(name, box.checked));
    return h('label', { class: 'check' }, box, label);
  };
  const mode = h(
    'select',
    { name: 'colourMode', 'data-testid': 'colour-mode' },
    hasResults || !terms.hasTree ? h('option', { value: 'result' }, `${terms.title} result`) : null,
    terms.hasTree ? h('option', { value: 'generation' }, 'Generation') : null,
  );
  mode.addEventListener('change', () => handlers.onColourMode(mode.value as ColourMode));
  const reset = h('button', { type: 'button', class: 'secondary', 'data-testid': 'reset-camera' }, 'Reset camera');
  reset.addEventListener('click', () => handlers.onResetCamera());
  return h(
    'div',
    { class: 'actions card', role: 'group', 'aria-label': 'View controls' },
    h('fieldset', { style: 'border:none;padding:0;margin:0;display:flex;gap:1rem' }, h('legend', { class: 'visually-hidden' }, 'Layers'), layer('gold', 'Gold-standard airway', true), layer('leakage', 'Leakage', hasLeakage)),
    field('Colour by', mode),
    reset,
  );
}

const swatch = (colour: string, opacity = 1) => h('span', { class: 'swatch', style: `background:${colour};opacity:${opacity}` });

export function legend(info: ViewerInfo, mode: ColourMode): HTMLElement {
  const terms = BRANCH_TERMS[info.branchRule];
  if (mode === 'generation') {
    const generations = [...new Set(info.branches.flatMap((b) => (b.generation === null ? [] : [b.generation])))].sort((a, b) => a - b);
    return h(
      'section',
      { class: 'card', 'data-testid': 'legend' },
      h('h2', {}, 'Legend'),
      h(
        'ul',
        { class: 'legend' },
        generations.map((g) => {
          const n = info.branches.filter((b) => b.generation === g).length;
          const deeper = g === GENERATION_PALETTE.length - 1 && generations.some((x) => x > g) ? ' (and deeper: same colour)' : '';
          return h('li', {}, swatch(generationColour(g)), `generation ${g}: ${n} branch${n === 1 ? '' : 'es'}${deeper}`);
        }),
      ),
    );
  }
  const counts = classCounts(info.branches);
  const detected = info.counts?.branchesDetected ?? counts.detected;
  const missed = info.counts?.missed ?? counts.missed;
  return h(
    'section',
    { class: 'card', 'data-testid': 'legend' },
    h('h2', {}, 'Legend'),
    h(
      'ul',
      { class: 'legend' },
      h('li', {}, swatch(CLASS_COLOURS.detected), h('span', { 'data-count': 'detected' }, `Detected ${terms.many}: ${detected}`)),
      h('li', {}, swatch(CLASS_COLOURS.missed), h('span', { 'data-count': 'missed' }, `Missed ${terms.many}: ${missed}`)),
      terms.hasTree ? h('li', {}, swatch(CLASS_COLOURS.trachea), `Trachea: ${counts.trachea}`) : null,
      info.counts?.leakageVoxels != null
        ? h('li', {}, swatch(LEAKAGE_COLOUR, 0.6), `Leakage: ${info.counts.leakageVoxels} voxels in ${info.counts.leakageComponents} piece${info.counts.leakageComponents === 1 ? '' : 's'}`)
        : null,
    ),
    h('p', { class: 'small muted', 'data-testid': 'detection-rule' }, `${terms.detection} Leakage: prediction voxels outside the gold standard.`),
  );
}

/** Centreline length ≈ skeleton voxels × mean voxel spacing (a voxel count, not a traced path length). */
export function centrelineLength(branch: ViewerBranch, spacing: readonly number[]): number | null {
  if (branch.skeletonVoxels == null) return null;
  return branch.skeletonVoxels * ((spacing[0] + spacing[1] + spacing[2]) / 3);
}

/** The picked piece's details; `context` says where it was picked, or why nothing was. */
export function branchDetails(branch: ViewerBranch | undefined, terms: BranchTerms, spacing: readonly number[], context?: string): HTMLElement {
  if (!branch) {
    return h(
      'section',
      { class: 'card', 'data-testid': 'branch-details' },
      h('h2', {}, terms.title),
      h('p', { class: 'muted' }, context ?? `Click the airway to see a ${terms.one}\u2019s details (drag to rotate, wheel to zoom).`),
    );
  }
  const length = centrelineLength(branch, spacing);
  const result = branchClass(branch);
  // AIIB23's unrefined segments have no generation or parent; detected at ≥ 80 % of their raw-label centreline
  const segment = !terms.hasTree;
  return h(
    'section',
    { class: 'card', 'data-testid': 'branch-details', 'data-branch': branch.id },
    h('h2', {}, `${terms.title} ${branch.id}`),
    context ? h('p', { class: 'small muted' }, context) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Id'),
      h('dd', { 'data-field': 'id' }, String(branch.id)),
      h('dt', {}, 'Generation'),
      h('dd', { 'data-field': 'generation' }, segment ? '— (unrefined segment)' : String(branch.generation)),
      h('dt', {}, 'Parent'),
      h('dd', {}, branch.parent ? String(branch.parent) : '—'),
      h('dt', {}, 'Centreline length'),
      h('dd', { 'data-field': 'length' }, length === null ? '—' : `≈ ${length.toFixed(1)} mm`, length === null ? null : h('div', { class: 'small muted' }, `${branch.skeletonVoxels} skeleton voxels × mean spacing`)),
      h('dt', {}, 'Detected'),
      h('dd', { 'data-field': 'fraction' }, branch.fraction == null ? '—' : `${(100 * branch.fraction).toFixed(1)} % of its centreline${segment ? ' (detected from 80 %)' : ''}`),
      h('dt', {}, 'Result'),
      h('dd', { 'data-field': 'result' }, swatch(CLASS_COLOURS[result]), ` ${result}`),
    ),
  );
}

function storedSuites(value: unknown): SuiteId[] {
  return Array.isArray(value) ? value.filter((s): s is SuiteId => (SUITE_IDS as readonly string[]).includes(s)) : [];
}

export function metricsPanel(info: ViewerInfo): HTMLElement | null {
  if (!info.metrics) return null;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Metrics'),
    // the suites the case was scored with (stored with its metrics; ATM'22 for results from before suites)
    h(
      'dl',
      { class: 'facts' },
      phaseMetrics({ metricSuites: storedSuites(info.metrics.suites) }).flatMap((m) => {
        const value = formatMetric(info.metrics?.[m.name] as number | undefined, digitsOf(m.name));
        return [h('dt', { title: m.label }, metricHeader(m)), h('dd', { 'data-metric': m.name }, asPercent(m, 1) === 1 ? `${value} %` : value)];
      }),
    ),
  );
}

export function generationPlot(info: ViewerInfo): HTMLElement | null {
  const rates = ratesByGeneration(info.branches);
  if (!rates.length || !info.branches.some((b) => b.detected != null)) return null;
  return h(
    'div',
    { class: 'plot', 'data-testid': 'generation-plot' },
    svgElement(
      barChartSvg({
        id: 'per-generation',
        title: 'TD and BD per generation (%)',
        categories: rates.map((r) => `G${r.generation}`),
        series: [
          { name: 'TD (tree length)', colour: '#1f5fa8', values: rates.map((r) => r.treeLength) },
          { name: 'BD (branches)', colour: '#2e9e5b', values: rates.map((r) => r.branchesDetected) },
        ],
        max: 100,
        height: 220,
      }),
    ),
  );
}
