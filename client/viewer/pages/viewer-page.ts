/**
 * The 3D inspection viewer for one evaluation (`#/evaluations/:id`) or, for organisers, one case's gold standard
 * (`#/cases/:id/viewer`): the airway surface coloured by branch result, the leakage, legend, click-a-branch
 * details, layer and colour toggles, reset camera; beside it the CT in three slices with the outlines, following
 * the point picked in 3D (quarter resolution first, full resolution on demand). Everything is disposed when the
 * page is left.
 */
import { caseViewer, evaluationViewer, loadMesh, loadVolume } from '../../api/viewer.ts';
import type { ViewerInfo } from '../../api/types.ts';
import { h, replace } from '../../dom.ts';
import type { ColourMode } from '../branch-colours.ts';
import { BRANCH_TERMS } from '../branch-terms.ts';
import { triangleCount, type TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';
import type { PageContext } from '../../router.ts';
import { createAirwayScene } from '../airway-scene.ts';
import { enablePicking } from '../pick.ts';
import { createRenderWindow } from '../render-window.ts';
import { createSliceView, type SliceView } from '../slice-view.ts';
import { errorNotice, pageTitle, requireSignIn } from '../../pages/common.ts';
import { branchDetails, generationPlot, legend, metricsPanel, viewerControls } from './viewer-panels.ts';

/** Quarter resolution along each axis first (1/64 of the voxels), full resolution when asked. */
const FIRST_LEVEL = 2;

export async function viewerPage(context: PageContext): Promise<void> {
  const opened = performance.now();
  if (!requireSignIn(context.root, 'inspect results')) return;
  const id = Number(context.params.id);
  const info = await evaluationViewer(id);
  const team = typeof info.submission?.team === 'string' ? info.submission.team : info.submission?.team.name;
  await showViewer(context, info, `Case ${info.case.name}${team ? ` — ${team}` : ''}${info.submission ? `, submission ${info.submission.id}` : ''}`, opened);
}

export async function caseViewerPage(context: PageContext): Promise<void> {
  const opened = performance.now();
  if (!requireSignIn(context.root, 'inspect cases')) return;
  const info = await caseViewer(Number(context.params.id));
  await showViewer(context, info, `Case ${info.case.name} — gold standard`, opened);
}

function meshCentre(mesh: TriangleMesh): [number, number, number] {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.positions.length; i++) {
    const a = i % 3;
    min[a] = Math.min(min[a], mesh.positions[i]);
    max[a] = Math.max(max[a], mesh.positions[i]);
  }
  return [0, 1, 2].map((a) => (min[a] + max[a]) / 2) as [number, number, number];
}

/** `opened`: when the page started loading (the first-frame time is measured from there). */
async function showViewer(context: PageContext, info: ViewerInfo, title: string, opened: number): Promise<void> {
  const { root, signal } = context;
  const hasResults = info.branches.some((b) => b.detected != null);
  const terms = BRANCH_TERMS[info.branchRule];
  let mode: ColourMode = hasResults || !terms.hasTree ? 'result' : 'generation';
  const renderArea = h('div', { class: 'render-area', 'data-testid': 'render-area', 'aria-label': `3D airway view: drag to rotate, wheel to zoom, click a ${terms.one} for its details`, role: 'img' });
  const legendSlot = h('div', {});
  const detailsSlot = h('div', { 'aria-live': 'polite' });
  const slicesSlot = h('div', { 'data-testid': 'slices' }, h('p', { class: 'muted' }, info.volumes ? 'Loading the CT slices…' : 'No CT volumes for this view.'));
  const timing = h('p', { class: 'small muted', 'data-testid': 'first-frame' }, 'Loading the surfaces…');
  const spacing = info.case.geometry.spacing;
  if (!info.surfaces.gold) {
    const status = info.goldStandard ? `version ${info.goldStandard.version} is ${info.goldStandard.status}` : 'there is none yet';
    replace(root, pageTitle(title), h('p', { class: 'notice warn', role: 'status' }, `The gold standard of case ${info.case.name} is not ready (${status}); its surface appears once it is prepared. Reload in a minute.`));
    return;
  }
  const surfaces = await Promise.all([loadMesh(info.surfaces.gold, signal), info.surfaces.leakage ? loadMesh(info.surfaces.leakage, signal) : Promise.resolve(null)]);
  if (signal.aborted) return;
  const [goldMesh, leakageMesh] = surfaces;

  const compareHref = info.evaluation ? `#/compare?evaluations=${info.evaluation.id}` : null;
  replace(
    root,
    pageTitle(title),
    h(
      'p',
      { class: 'actions' },
      info.submission ? h('a', { href: `#/submissions/${info.submission.id}` }, 'Back to the submission') : null,
      info.phase ? h('a', { href: `#/phases/${info.phase.id}/leaderboard` }, 'Leaderboard') : null,
      compareHref ? h('a', { href: compareHref }, 'Compare with other evaluations of this case') : null,
    ),
    h(
      'div',
      { class: 'viewer-layout' },
      h(
        'div',
        { class: 'viewer-main' },
        viewerControls(
          {
            onLayer: (layer, visible) => {
              scene.setLayerVisible(layer, visible);
              view.render();
            },
            onColourMode: (next) => {
              mode = next;
              scene.setColourMode(mode);
              replace(legendSlot, legend(info, mode));
              view.render();
            },
            onResetCamera: () => view.resetCamera(),
          },
          { hasLeakage: Boolean(leakageMesh && triangleCount(leakageMesh) > 0), hasResults, terms },
        ),
        renderArea,
        timing,
        slicesSlot,
        generationPlot(info),
      ),
      h('aside', { class: 'viewer-side' }, legendSlot, detailsSlot, metricsPanel(info)),
    ),
  );
  replace(legendSlot, legend(info, mode));
  replace(detailsSlot, branchDetails(undefined, terms, spacing));

  const view = createRenderWindow(renderArea, 1);
  context.onLeave(() => view.dispose());
  const scene = createAirwayScene(view.renderers[0], goldMesh, leakageMesh, info.branches, mode);
  context.onLeave(() => scene.dispose());
  view.resetCamera();
  requestAnimationFrame(() => {
    const ms = Math.round(performance.now() - opened);
    renderArea.dataset.ready = 'true';
    renderArea.dataset.firstFrameMs = String(ms);
    timing.textContent = `First 3D frame ${ms} ms after opening · ${triangleCount(goldMesh).toLocaleString('en')} triangles`;
  });

  let slices: SliceView | undefined;
  const stopPicking = enablePicking(
    view,
    () => scene.gold,
    (pick) => {
      if (!pick) return;
      const branch = scene.branchOfVertex(pick.vertex);
      replace(detailsSlot, branchDetails(branch, terms, spacing, branch ? undefined : `This point of the surface belongs to no parsed ${terms.one}.`));
      slices?.setPoint(pick.position);
    },
  );
  context.onLeave(stopPicking);

  if (info.volumes) {
    const volumes = info.volumes;
    const load = (level: number) =>
      Promise.all([
        loadVolume(volumes.ct, level, signal),
        volumes.gold ? loadVolume(volumes.gold, level, signal) : Promise.resolve(undefined),
        volumes.prediction ? loadVolume(volumes.prediction, level, signal) : Promise.resolve(undefined),
      ]).then(([ct, gold, prediction]) => ({ ct, gold, prediction }));
    load(FIRST_LEVEL).then(
      (first) => {
        if (signal.aborted) return;
        slices = createSliceView(first, meshCentre(goldMesh));
        context.onLeave(() => slices?.dispose());
        const full = h('button', { type: 'button', class: 'secondary', 'data-testid': 'full-resolution' }, 'Load full-resolution slices');
        const status = h('span', { class: 'small muted', 'aria-live': 'polite' }, `Showing 1/${2 ** FIRST_LEVEL} resolution along each axis.`);
        full.addEventListener('click', () => {
          full.disabled = true;
          status.textContent = 'Loading full resolution…';
          load(0).then(
            (fine) => {
              if (signal.aborted) return;
              slices?.setVolumes(fine);
              status.textContent = 'Full resolution.';
            },
            (error) => {
              full.disabled = false;
              status.textContent = `Could not load full resolution: ${error instanceof Error ? error.message : String(error)}`;
            },
          );
        });
        replace(slicesSlot, slices.element, h('div', { class: 'actions' }, full, status));
      },
      (error) => {
        if (!signal.aborted) replace(slicesSlot, errorNotice(error, 'slices-error'));
      },
    );
  }
}
