/**
 * The "Data" tab of a challenge: each release with what it holds, its size and its files' sha256, and either the
 * download links or why the caller cannot download yet — with the data-use agreement and its button when that is
 * what is missing. Organisers also create releases, upload or pick files, open and close them, and read the log.
 */
import { challengeDetail } from '../api/challenges.ts';
import { challengeReleases, closeRelease, createRelease, openRelease, pickCases, releaseLog, uploadReleaseFiles } from '../api/releases.ts';
import type { ChallengeDetail, Release, ReleasesReply } from '../api/types.ts';
import { field, h, replace } from '../dom.ts';
import { formatBytes, plural } from '../lib/format.ts';
import type { PageContext } from '../router.ts';
import { session } from '../session.ts';
import { challengeTabs } from './challenge-tabs.ts';
import { agreementNotice } from './agreement-notice.ts';
import { badge, errorNotice, instant, pageTitle } from './common.ts';

const KIND_LABEL: Record<Release['kind'], string> = {
  training: 'Training set',
  'phase-inputs': 'Phase inputs (CTs only)',
  documents: 'Documents',
  external: 'External data',
};

type Refresh = () => Promise<void>;

export async function dataPage(context: PageContext): Promise<void> {
  const { root, params } = context;
  const render = async () => {
    const [detail, list] = await Promise.all([challengeDetail(params.slug), challengeReleases(params.slug)]);
    replace(
      root,
      pageTitle(detail.challenge.title),
      challengeTabs(detail.challenge.slug, 'data'),
      dataAgreement(detail, list, render),
      list.releases.length ? list.releases.map((r) => releaseCard(r, detail, render)) : h('p', { class: 'muted' }, 'No data released yet.'),
      detail.me?.organiser ? newReleaseForm(detail, render) : null,
    );
  };
  await render();
}

function dataAgreement(detail: ChallengeDetail, list: ReleasesReply, refresh: Refresh): HTMLElement | null {
  if (!list.agreement || list.agreementAccepted || detail.me?.organiser) return null;
  if (!session.user || !detail.me?.team) return null; // the releases' reasons say to sign in or join a team
  return agreementNotice({
    slug: detail.challenge.slug,
    text: list.agreement,
    purpose: 'You must accept it yourself before you can download the data (each member of the team accepts it).',
    heading: 'h2',
    refresh,
  });
}

function releaseCard(release: Release, detail: ChallengeDetail, refresh: Refresh): HTMLElement {
  const organiser = Boolean(detail.me?.organiser);
  const phase = detail.phases.find((p) => p.id === release.phaseId);
  const canDownload = release.access.allowed;
  return h(
    'section',
    { class: 'card', 'data-testid': `release-${release.id}` },
    h('h2', {}, release.name, ' ', h('span', { class: 'muted small' }, `v${release.version}`), ' ', badge(release.isOpen ? 'open' : 'closed')),
    h('p', { class: 'muted small' }, KIND_LABEL[release.kind], phase ? ` · ${phase.name}` : '', ' · opens ', instant(release.opensAt), release.closesAt ? [' · closes ', instant(release.closesAt)] : null),
    release.description ? h('p', { style: 'white-space: pre-wrap' }, release.description) : null,
    canDownload ? null : h('p', { class: 'notice warn', 'data-testid': 'access-reason' }, `You cannot download this yet: ${release.access.reason}`),
    release.kind === 'external'
      ? release.url
        ? h('p', {}, 'Data: ', h('a', { href: release.url.startsWith('doi:') ? `https://doi.org/${release.url.slice(4)}` : release.url, rel: 'noopener' }, release.url))
        : null
      : fileTable(release, canDownload),
    canDownload && release.files.length
      ? h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button', href: `/api/releases/${release.id}/archive.zip`, download: '' }, `Everything as one zip (${formatBytes(release.totalBytes)})`),
          h('a', { href: `/api/releases/${release.id}/manifest.sha256`, download: '' }, 'sha256 manifest'),
          h('span', { class: 'muted small' }, 'Or: ', h('code', {}, `npx carina download --release ${release.id} --token <your token> --out data/`)),
        )
      : null,
    organiser ? organiserTools(release, detail, refresh) : null,
  );
}

function fileTable(release: Release, canDownload: boolean): HTMLElement {
  if (!release.files.length) return h('p', { class: 'muted' }, 'No files yet.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'release-files' },
      h('thead', {}, h('tr', {}, ['File', 'Kind', 'Size', 'sha256'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        release.files.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, canDownload ? h('a', { href: `/api/releases/${release.id}/files/${f.id}`, download: f.name, 'data-testid': 'file-link' }, f.name) : f.name),
            h('td', {}, f.role),
            h('td', { class: 'num' }, formatBytes(f.size)),
            h('td', {}, h('code', { class: 'small' }, f.sha256)),
          ),
        ),
      ),
      h('tfoot', {}, h('tr', {}, h('td', {}, plural(release.files.length, 'file')), h('td', {}), h('td', { class: 'num' }, formatBytes(release.totalBytes)), h('td', {}))),
    ),
  );
}

function organiserTools(release: Release, detail: ChallengeDetail, refresh: Refresh): HTMLElement {
  const status = h('div', { 'aria-live': 'polite' });
  const act = (work: () => Promise<unknown>) => async () => {
    try {
      await work();
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error));
    }
  };
  const files = h('input', { type: 'file', multiple: true, 'data-testid': 'release-upload' }) as HTMLInputElement;
  const role = h('select', {}, ['', 'ct', 'gold', 'document', 'other'].map((r) => h('option', { value: r }, r || 'from the name'))) as HTMLSelectElement;
  const phaseSelect = h('select', {}, detail.phases.filter((p) => p.kind === 'masks').map((p) => h('option', { value: String(p.id) }, p.name))) as HTMLSelectElement;
  const gold = h('input', { type: 'checkbox' }) as HTMLInputElement;
  const logBox = h('div', {});
  const showLog = async () => {
    const log = await releaseLog(release.id);
    replace(
      logBox,
      h('p', {}, h('a', { href: `/api/releases/${release.id}/log.csv`, download: '' }, 'Download the log as CSV')),
      log.entries.length
        ? h(
            'table',
            { 'data-testid': 'release-log' },
            h('thead', {}, h('tr', {}, ['When', 'Who', 'Team', 'What', 'Bytes', 'Range', 'Address'].map((t) => h('th', {}, t)))),
            h('tbody', {}, log.entries.map((e) => h('tr', {}, h('td', {}, instant(e.at)), h('td', {}, e.userEmail ?? ''), h('td', {}, e.teamName ?? '—'), h('td', {}, e.action, e.fileName ? ` ${e.fileName}` : ''), h('td', { class: 'num' }, formatBytes(e.bytesSent)), h('td', {}, e.range ?? ''), h('td', {}, e.address ?? '')))),
          )
        : h('p', { class: 'muted' }, 'Nobody has downloaded anything yet.'),
    );
  };
  return h(
    'details',
    { class: 'organiser-tools' },
    h('summary', {}, 'Organiser tools'),
    h(
      'div',
      { class: 'actions' },
      release.isOpen ? h('button', { type: 'button', onclick: act(() => closeRelease(release.id)) }, 'Close now') : h('button', { type: 'button', onclick: act(() => openRelease(release.id)) }, 'Open now'),
      h('button', { type: 'button', onclick: () => void showLog().catch((error) => replace(status, errorNotice(error))) }, 'Access log'),
    ),
    release.kind === 'external'
      ? null
      : [
          h('div', { class: 'actions' }, field('Upload files', files), field('Kind', role), h('button', { type: 'button', onclick: act(() => uploadReleaseFiles(release.id, [...(files.files ?? [])], role.value)) }, 'Upload')),
          phaseSelect.options.length
            ? h('div', { class: 'actions' }, field('Add the cases of', phaseSelect), field('with gold standards (finished phases only)', gold), h('button', { type: 'button', onclick: act(() => pickCases(release.id, { phaseId: Number(phaseSelect.value), ct: true, gold: gold.checked })) }, 'Add cases'))
            : null,
        ],
    status,
    logBox,
  );
}

function newReleaseForm(detail: ChallengeDetail, refresh: Refresh): HTMLElement {
  const kind = h('select', {}, Object.entries(KIND_LABEL).map(([value, label]) => h('option', { value }, label))) as HTMLSelectElement;
  const name = h('input', { type: 'text', required: true, maxlength: 120 }) as HTMLInputElement;
  const description = h('textarea', { rows: 2 }) as HTMLTextAreaElement;
  const version = h('input', { type: 'text', value: '1' }) as HTMLInputElement;
  const phase = h('select', {}, h('option', { value: '' }, '— none —'), detail.phases.map((p) => h('option', { value: String(p.id) }, p.name))) as HTMLSelectElement;
  const opensAt = h('input', { type: 'datetime-local' }) as HTMLInputElement;
  const url = h('input', { type: 'text', placeholder: 'https://… or doi:…' }) as HTMLInputElement;
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card', 'data-testid': 'new-release' },
    h('h2', {}, 'New release'),
    field('Kind', kind),
    field('Name', name),
    field('Description', description),
    field('Version', version),
    field('Phase', phase),
    field('Opens at (UTC; empty: now)', opensAt),
    field('URL (external data only)', url),
    h('button', { type: 'submit' }, 'Create release'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await createRelease(detail.challenge.slug, {
        kind: kind.value,
        name: name.value,
        description: description.value,
        version: version.value || '1',
        phaseId: phase.value ? Number(phase.value) : null,
        opensAt: opensAt.value ? new Date(`${opensAt.value}Z`).toISOString() : new Date().toISOString(),
        url: url.value.trim() || null,
      });
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error));
    }
  });
  return form;
}
