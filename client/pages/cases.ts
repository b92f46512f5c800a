/**
 * Organisers: a phase's cases with each gold standard's preparation status (refreshed while any is being
 * prepared), a form to add a case (CT + gold standard) and one per case to upload a corrected gold standard.
 */
import { phaseCases, phaseDetail } from '../api/challenges.ts';
import type { GoldVersion, PhaseCase } from '../api/types.ts';
import { uploadForm } from '../api/upload.ts';
import { field, h, replace } from '../dom.ts';
import { formatBytes } from '../lib/format.ts';
import type { PageContext } from '../router.ts';
import { describeSize } from '../../evaluator/io/image-volume.ts';
import { badge, errorNotice, instant, pageTitle, poll, requireSignIn } from './common.ts';

const IMAGE_TYPES = '.nii,.nii.gz,.nrrd,.mha';

export async function casesPage({ root, params, signal }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'manage cases')) return;
  const phaseId = Number(params.id);
  const { phase } = await phaseDetail(phaseId);
  const list = h('div', {});
  let watching = false;

  async function refresh(): Promise<boolean> {
    const { cases } = await phaseCases(phaseId);
    replace(list, cases.length ? caseTable(cases, () => void refreshAndWatch()) : h('p', { class: 'muted' }, 'No case yet.'));
    return !cases.some((c) => c.goldVersions?.some((g) => g.status === 'queued' || g.status === 'running'));
  }
  function refreshAndWatch(): void {
    if (watching) return;
    watching = true;
    poll(signal, 2000, async () => {
      const settled = await refresh();
      if (settled) watching = false;
      return settled;
    });
  }

  replace(
    root,
    pageTitle(`Cases — ${phase.name}`),
    h('p', { class: 'actions' }, h('a', { href: `#/challenges/${encodeURIComponent(phase.challengeSlug)}` }, 'Back to the challenge'), h('a', { href: `#/phases/${phaseId}/review` }, 'Review')),
    list,
    h('h2', {}, 'Add a case'),
    addCaseForm(phaseId, refreshAndWatch),
  );
  refreshAndWatch();
}

function uploadWithProgress(path: string, form: FormData, area: HTMLElement, onDone: () => void): void {
  const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress' });
  replace(area, bar);
  uploadForm(path, form, ({ loaded, total }) => {
    bar.value = Math.round((100 * loaded) / total);
    bar.title = `${formatBytes(loaded)} of ${formatBytes(total)}`;
  }).done.then(
    () => {
      replace(area, h('p', { class: 'notice ok' }, 'Uploaded; the gold standard is being prepared.'));
      onDone();
    },
    (error) => replace(area, errorNotice(error)),
  );
}

function addCaseForm(phaseId: number, onDone: () => void): HTMLElement {
  const name = h('input', { type: 'text', name: 'name', required: true, placeholder: 'ATM_164' });
  const ct = h('input', { type: 'file', name: 'ct', required: true, accept: IMAGE_TYPES });
  const gold = h('input', { type: 'file', name: 'gold', required: true, accept: IMAGE_TYPES });
  const area = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'stack card' }, field('Case name', name), field('CT volume', ct), field('Gold-standard airway mask', gold, 'same voxel grid as the CT; a binary mask'), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add case')), area);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData();
    data.append('name', name.value.trim());
    if (ct.files?.[0]) data.append('ct', ct.files[0]);
    if (gold.files?.[0]) data.append('gold', gold.files[0]);
    uploadWithProgress(`/api/phases/${phaseId}/cases`, data, area, onDone);
  });
  return form;
}

function goldLine(g: GoldVersion): HTMLElement {
  const branches = typeof g.summary?.branches_total === 'number' ? `, ${g.summary.branches_total} branches` : '';
  return h(
    'li',
    { 'data-gold-status': g.status },
    `v${g.version} ${g.fileName} `,
    badge(g.status),
    g.isCurrent ? ' current' : '',
    g.preparedAt ? [' · prepared ', instant(g.preparedAt), branches] : null,
    g.error ? h('div', { class: 'error small' }, g.error) : null,
  );
}

function correctedGoldForm(c: PhaseCase, onDone: () => void): HTMLElement {
  const gold = h('input', { type: 'file', name: 'gold', required: true, accept: IMAGE_TYPES });
  const area = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field(`Corrected gold standard for ${c.name}`, gold), h('button', { type: 'submit', class: 'secondary' }, 'Upload'), area);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData();
    if (gold.files?.[0]) data.append('gold', gold.files[0]);
    uploadWithProgress(`/api/cases/${c.id}/gold`, data, area, onDone);
  });
  return h('details', {}, h('summary', {}, 'New gold version'), form);
}

function caseTable(cases: PhaseCase[], onDone: () => void): HTMLElement {
  return h(
    'table',
    { 'data-testid': 'cases' },
    h('thead', {}, h('tr', {}, ['Case', 'Grid', 'CT file', 'Gold standard versions', ''].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      cases.map((c) =>
        h(
          'tr',
          { 'data-case': c.name },
          h('td', {}, h('strong', {}, c.name)),
          h(
            'td',
            { class: 'small' },
            c.geometry ? [`${describeSize(c.geometry.size)} voxels`, h('div', { class: 'muted' }, `${c.geometry.spacing.map((s) => s.toFixed(3)).join(' × ')} mm`)] : h('span', { class: 'muted' }, 'hidden'),
          ),
          h('td', { class: 'small' }, c.ctFileName ?? '—'),
          h('td', {}, h('ul', {}, (c.goldVersions ?? []).map(goldLine)), correctedGoldForm(c, onDone)),
          h('td', {}, h('a', { href: `#/cases/${c.id}/viewer` }, 'Gold in 3D')),
        ),
      ),
    ),
  );
}
