/**
 * Compare mode (`#/compare?evaluations=12,15&case=3`): two or more evaluations of one case — and, for organisers,
 * the case's gold standard alone — side by side in one render window whose viewports share one camera, so every
 * view turns together. Clicking a branch in any view shows how each evaluation did on that same branch.
 */
import { caseViewer, evaluationViewer, loadMesh } from '../../api/viewer.ts';
import type { ViewerBranch, ViewerInfo } from '../../api/types.ts';
import { field, h, replace } from '../../dom.ts';
import { triangleCount } from '../../../contract/viewer/triangle-mesh.ts';
import { CLASS_COLOURS, branchClass, type ColourMode } from '../branch-colours.ts';
import { BRANCH_TERMS, type BranchTerms } from '../branch-terms.ts';
import { navigate, type PageContext } from '../../router.ts';
import { createAirwayScene, type AirwayScene } from '../airway-scene.ts';
import { enablePicking } from '../pick.ts';
import { createRenderWindow } from '../render-window.ts';
import { pageTitle, requireSignIn } from '../../pages/common.ts';
import { branchDetails, viewerControls } from './viewer-panels.ts';

const ids = (text: string | null) => (text ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);

function labelOf(info: ViewerInfo): string {
  if (!info.submission) return `${info.case.name}: gold standard`;
  const team = typeof info.submission.team === 'string' ? info.submission.team : info.submission.team.name;
  return `${team} (submission ${info.submission.id})`;
}

export async function comparePage(context: PageContext): Promise<void> {
  const { root, query, signal } = context;
  if (!requireSignIn(root, 'compare evaluations')) return;
  const evaluationIds = ids(query.get('evaluations'));
  const caseIds = ids(query.get('case'));
  const loaded = await Promise.all([...caseIds.map((id) => caseViewer(id)), ...evaluationIds.map((id) => evaluationViewer(id))]);
  const notReady = loaded.filter((info) => !info.surfaces.gold);
  const infos = loaded.filter((info): info is ViewerInfo & { surfaces: { gold: string } } => Boolean(info.surfaces.gold));
  const addInput = h('input', { type: 'number', min: 1, name: 'evaluation', inputmode: 'numeric' });
  const addForm = h('form', { class: 'inline' }, field('Add an evaluation (id)', addInput), h('button', { type: 'submit', class: 'secondary' }, 'Add'));
  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = [...evaluationIds, Number(addInput.value)].filter((n) => n > 0);
    navigate(`/compare?evaluations=${next.join(',')}${caseIds.length ? `&case=${caseIds.join(',')}` : ''}`);
  });
  if (infos.length === 0) {
    replace(root, pageTitle('Compare'), h('p', {}, 'Add the evaluations to compare (their ids are in the viewer links of each submission).'), addForm);
    return;
  }
  const caseNames = new Set(infos.map((i) => i.case.id));
  const meshes = await Promise.all(infos.map(async (info) => Promise.all([loadMesh(info.surfaces.gold, signal), info.surfaces.leakage ? loadMesh(info.surfaces.leakage, signal) : Promise.resolve(null)])));
  if (signal.aborted) return;

  const hasResults = infos.some((i) => i.branches.some((b) => b.detected != null));
  // the views are of one case, so of one phase and its branch rule (a mix is warned about below)
  const terms = BRANCH_TERMS[infos[0].branchRule];
  const renderArea = h('div', { class: 'render-area', 'data-testid': 'render-area', role: 'img', 'aria-label': `${infos.length} views sharing one camera` });
  const labels = h('div', { class: 'viewport-labels' }, infos.map((info) => h('span', {}, labelOf(info))));
  const details = h('div', { 'aria-live': 'polite' });
  let scenes: AirwayScene[] = [];
  replace(
    root,
    pageTitle(`Compare — case ${infos[0].case.name}`),
    notReady.length ? h('p', { class: 'notice warn' }, `Left out (gold standard not ready yet): ${notReady.map(labelOf).join(', ')}.`) : null,
    caseNames.size > 1 ? h('p', { class: 'notice warn' }, 'These evaluations are of different cases: the views will not line up.') : null,
    viewerControls(
      {
        onLayer: (layer, visible) => {
          for (const s of scenes) s.setLayerVisible(layer, visible);
          view.render();
        },
        onColourMode: (mode: ColourMode) => {
          for (const s of scenes) s.setColourMode(mode);
          view.render();
        },
        onResetCamera: () => view.resetCamera(),
      },
      { hasLeakage: meshes.some(([, leakage]) => Boolean(leakage && triangleCount(leakage) > 0)), hasResults, terms },
    ),
    h('div', { class: 'viewer-layout' }, h('div', { class: 'viewer-main' }, renderArea), h('aside', { class: 'viewer-side' }, details, addForm)),
  );
  replace(details, branchDetails(undefined, terms, infos[0].case.geometry.spacing));

  const view = createRenderWindow(renderArea, infos.length);
  renderArea.appendChild(labels);
  context.onLeave(() => view.dispose());
  scenes = infos.map((info, i) => createAirwayScene(view.renderers[i], meshes[i][0], meshes[i][1], info.branches, hasResults || !terms.hasTree ? 'result' : 'generation'));
  context.onLeave(() => scenes.forEach((s) => s.dispose()));
  view.resetCamera();
  requestAnimationFrame(() => (renderArea.dataset.ready = 'true'));

  const stopPicking = enablePicking(
    view,
    (viewport) => scenes[viewport]?.gold,
    (pick) => {
      if (!pick) return;
      const branch = scenes[pick.viewport].branchOfVertex(pick.vertex);
      replace(details, branchDetails(branch, terms, infos[pick.viewport].case.geometry.spacing, `Picked in: ${labelOf(infos[pick.viewport])}`), branch ? acrossViews(branch.id, infos, terms) : null);
    },
  );
  context.onLeave(stopPicking);
}

/** The same gold-standard branch (or AIIB23 segment) in every view: detected by whom, missed by whom. */
function acrossViews(branchId: number, infos: ViewerInfo[], terms: BranchTerms): HTMLElement {
  return h(
    'section',
    { class: 'card', 'data-testid': 'across-views' },
    h('h2', {}, `${terms.title} ${branchId} in each view`),
    h(
      'ul',
      { class: 'legend' },
      infos.map((info) => {
        const branch: ViewerBranch | undefined = info.branches.find((b) => b.id === branchId);
        const result = branchClass(branch);
        const fraction = branch?.fraction == null ? '' : ` (${(100 * branch.fraction).toFixed(1)} %)`;
        return h('li', {}, h('span', { class: 'swatch', style: `background:${CLASS_COLOURS[result]}` }), `${labelOf(info)}: ${result}${fraction}`);
      }),
    ),
  );
}
