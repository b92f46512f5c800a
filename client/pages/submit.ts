/**
 * Submit predictions for a phase: drop files (one per case) or one archive; before anything is uploaded the
 * browser reads each file's header and checks names and geometry against the phase's cases with the server's own
 * check code (client/submit/precheck.ts), so a wrong file is caught in a second; then the upload with a progress
 * bar, the server's validation errors per case, and on acceptance the live status page of the submission.
 * Files that together reach 64 MiB (client/lib/upload-settings.ts; the query can lower it) go as resumable tus
 * uploads (./submit-resumable.ts) instead of one multipart request; both paths end the same way.
 * A phase of kind 'model' takes an ONNX model and its manifest instead (./submit-model.ts).
 */
import { phaseCases, phaseDetail } from '../api/challenges.ts';
import { quota as loadQuota } from '../api/submissions.ts';
import type { AcceptedSubmission, PhaseCase, Quota } from '../api/types.ts';
import { submissionForm, uploadForm } from '../api/upload.ts';
import { announce, append, field, h, replace } from '../dom.ts';
import { formatBytes, formatInstant } from '../lib/format.ts';
import { sendsResumably, uploadSettings } from '../lib/upload-settings.ts';
import { navigate, type PageContext } from '../router.ts';
import { checkHeader, checkNames, isArchive, type HeaderResult } from '../submit/precheck.ts';
import type { SubmissionProblem } from '../../contract/submission-files/submission-problems.ts';
import { describeSize } from '../../evaluator/io/image-volume.ts';
import { errorNotice, pageTitle, phaseWindow, requireSignIn } from './common.ts';
import { ResumableSubmit } from './submit-resumable.ts';

const ACCEPT = '.nii,.nii.gz,.nrrd,.mha,.zip,.tar.gz,.tgz';

interface CheckedFiles {
  files: File[];
  problems: SubmissionProblem[];
  /** Per case: the file and what its header said ('checking' while being read). */
  rows: Array<{ caseName: string; file?: string; state: 'checking' | 'ok' | 'problem' | 'missing'; detail: string }>;
  archive: boolean;
}

export async function submitPage(context: PageContext): Promise<void> {
  const { root, params, signal, query } = context;
  if (!requireSignIn(root, 'submit')) return;
  const phaseId = Number(params.id);
  const settings = uploadSettings(query);
  const [{ phase }, quota] = await Promise.all([phaseDetail(phaseId), loadQuota(phaseId).catch(() => null)]);
  const header = [
    pageTitle(`Submit — ${phase.name}`),
    h('p', {}, h('a', { href: `#/challenges/${encodeURIComponent(phase.challengeSlug)}` }, 'Back to the challenge'), ' · window ', phaseWindow(phase)),
    quota ? quotaLine(quota) : null,
    phase.state !== 'open' ? h('p', { class: 'notice warn' }, `This phase is ${phase.state}: the server will refuse submissions until it opens.`) : null,
  ];
  if (phase.kind === 'model') {
    const { modelSubmitForm } = await import('./submit-model.ts');
    replace(root, ...header, await modelSubmitForm(context, phaseId));
    return;
  }
  const { cases } = await phaseCases(phaseId);

  const input = h('input', { type: 'file', multiple: true, accept: ACCEPT, name: 'files', 'data-testid': 'file-input' });
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 1000 });
  const checkArea = h('div', { 'data-testid': 'precheck', 'aria-live': 'polite' });
  const uploadButton = h('button', { type: 'submit', disabled: true, 'data-testid': 'upload' }, 'Upload');
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress', hidden: true });
  const progressLabel = h('span', { class: 'progress-label', 'data-testid': 'upload-progress' });
  const serverArea = h('div', { 'data-testid': 'server-result', 'aria-live': 'polite' });
  const dropzone = h(
    'div',
    { class: 'dropzone', 'data-testid': 'dropzone' },
    h('p', {}, 'Drop one mask per case here (named after its case, e.g. ', h('code', {}, `${cases[0]?.name ?? 'ATM_001'}.nii.gz`), '), or one .zip / .tar.gz of them.'),
    field('Or choose files', input),
  );
  let checked: CheckedFiles | undefined;
  let serial = 0;
  let uploading = false;

  const showProgress = (loaded: number, total: number) => {
    progress.value = total ? Math.round((100 * loaded) / total) : 100;
    progressLabel.textContent = `${formatBytes(loaded)} of ${formatBytes(total)} uploaded (${progress.value} %)`;
  };
  const form = h('form', { class: 'card', 'data-upload-state': 'idle' });
  const resumable = new ResumableSubmit(phaseId, settings, form, showProgress);
  context.onLeave(() => resumable.abort());

  async function choose(files: File[]): Promise<void> {
    if (uploading) return;
    const mine = ++serial;
    replace(serverArea);
    replace(resumable.prompt);
    uploadButton.disabled = true;
    checked = await precheck(files, cases, (partial) => {
      if (mine === serial && !signal.aborted) replace(checkArea, renderCheck(partial));
    });
    if (mine !== serial || signal.aborted) return;
    replace(checkArea, renderCheck(checked));
    const ready = checked.problems.length === 0 && files.length > 0;
    announce(checked.problems.length ? `${checked.problems.length} problems found before upload` : 'Files checked: ready to upload');
    // the same files partly uploaded before (a reload, a lost connection): offer to go on from there
    const offered = ready && sendsResumably(files, settings) && (await resumable.offerResume(files, () => (uploadButton.disabled = false)).catch(() => false));
    if (mine !== serial || signal.aborted) return;
    uploadButton.disabled = !ready || offered;
  }

  input.addEventListener('change', () => void choose([...(input.files ?? [])]));
  dropzone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropzone.classList.add('over');
  });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('over'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('over');
    void choose([...(event.dataTransfer?.files ?? [])]);
  });

  function accepted(reply: { submission: { id: number } }): void {
    progressLabel.textContent = 'Uploaded and accepted: opening its live status…';
    navigate(`/submissions/${reply.submission.id}`);
  }

  function refused(error: unknown): void {
    if (signal.aborted) return;
    uploading = false;
    progress.hidden = true;
    progressLabel.textContent = '';
    resumable.setState('idle');
    input.disabled = false;
    uploadButton.disabled = false;
    replace(serverArea, h('h3', {}, 'The server refused the submission'), errorNotice(error, 'server-errors'));
  }

  append(form, [
    dropzone,
    checkArea,
    resumable.prompt,
    field('Note (optional)', note, 'for your own records, e.g. the model version'),
    h('div', { class: 'actions' }, uploadButton, ' ', resumable.resumeButton),
    progress,
    progressLabel,
    resumable.statusLine,
    serverArea,
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checked || checked.problems.length || uploading) return;
    uploading = true;
    uploadButton.disabled = true;
    input.disabled = true;
    progress.hidden = false;
    replace(serverArea);
    showProgress(0, checked.files.reduce((sum, f) => sum + f.size, 0));
    if (sendsResumably(checked.files, settings)) {
      resumable.send<{ submission: { id: number } }>(checked.files, note.value).then(accepted, refused);
      return;
    }
    const upload = uploadForm<AcceptedSubmission>(`/api/phases/${phaseId}/submissions`, submissionForm(checked.files, note.value), ({ loaded, total }) => showProgress(loaded, total));
    context.onLeave(() => upload.abort());
    upload.done.then(accepted, refused);
  });

  replace(
    root,
    ...header,
    form,
    h('p', { class: 'muted small' }, 'Checked in your browser before upload: file names, one file per case, and each file\u2019s size, spacing, origin and direction against its CT. The server checks everything again (and the voxel values).'),
  );
}

function quotaLine(q: Quota): HTMLElement {
  const total = q.totalLimit === null ? '' : `, ${q.remainingTotal} of ${q.totalLimit} left in total`;
  const next = q.remainingToday === 0 && q.nextFreeAt ? ` — next one frees up at ${formatInstant(q.nextFreeAt)}` : '';
  return h('p', { class: q.remainingToday === 0 ? 'notice warn' : 'muted', 'data-testid': 'quota' }, `Submissions left: ${q.remainingToday} of ${q.dailyLimit} in the last 24 h${total}${next}.`);
}

/** Runs the pre-upload check, reporting each step (names at once, then each header as it is read). */
async function precheck(files: File[], cases: PhaseCase[], report: (partial: CheckedFiles) => void): Promise<CheckedFiles> {
  const archives = files.filter((f) => isArchive(f.name));
  if (archives.length) {
    const problems: SubmissionProblem[] =
      files.length > 1 ? [{ problem: `send either one archive or one file per case, not ${files.length} files with ${archives.length} archive(s) among them` }] : [];
    return { files, problems, rows: [], archive: true };
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const names = checkNames(cases, files.map((f) => f.name));
  const problems = [...names.problems];
  const rows: CheckedFiles['rows'] = cases.map((c) => {
    const file = names.fileOfCase.get(c.name);
    return file
      ? { caseName: c.name, file, state: 'checking' as const, detail: 'reading its header…' }
      : { caseName: c.name, state: 'missing' as const, detail: problems.find((p) => p.case === c.name)?.problem ?? 'no file' };
  });
  const result: CheckedFiles = { files, problems, rows, archive: false };
  report(result);
  if (rows.some((r) => r.state === 'checking')) {
    const { readHeader } = await import('../submit/read-header.ts');
    for (const row of rows) {
      if (row.state !== 'checking' || !row.file) continue;
      const c = cases.find((x) => x.name === row.caseName)!;
      const header: HeaderResult = await readHeader(byName.get(row.file)!);
      if (!c.geometry) continue; // a model phase's hidden grid: no mask is checked against it
      const found = checkHeader(c.name, c.geometry, row.file, header);
      problems.push(...found);
      row.state = found.length ? 'problem' : 'ok';
      row.detail = found.length ? found.map((p) => p.problem).join('; ') : `matches the CT (${describeSize(c.geometry.size)})`;
      report(result);
    }
  }
  return result;
}

function renderCheck(checked: CheckedFiles): HTMLElement {
  if (checked.archive) {
    return h(
      'div',
      {},
      checked.problems.length
        ? h('div', { class: 'notice error', role: 'alert', 'data-testid': 'precheck-problems' }, h('ul', { class: 'problems' }, checked.problems.map((p) => h('li', {}, p.problem))))
        : h('p', { class: 'notice' }, `Archive ${checked.files[0].name} (${formatBytes(checked.files[0].size)}): its contents are checked by the server after the upload.`),
    );
  }
  const general = checked.problems.filter((p) => !p.case);
  const checking = checked.rows.some((r) => r.state === 'checking');
  return h(
    'div',
    {},
    h('h3', {}, 'Check before upload'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'File'), h('th', {}, 'Check'))),
      h(
        'tbody',
        {},
        checked.rows.map((r) =>
          h(
            'tr',
            { 'data-case': r.caseName },
            h('td', {}, r.caseName),
            h('td', {}, r.file ?? '—'),
            h('td', { class: r.state === 'ok' ? '' : r.state === 'checking' ? 'muted' : 'error' }, r.state === 'ok' ? `✓ ${r.detail}` : r.detail),
          ),
        ),
      ),
    ),
    general.length ? h('ul', { class: 'problems error' }, general.map((p) => h('li', {}, p.problem))) : null,
    checking
      ? h('p', { class: 'muted' }, 'Checking…')
      : checked.problems.length
        ? h('p', { class: 'notice error', role: 'alert', 'data-testid': 'precheck-problems' }, `${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} found: fix ${checked.problems.length === 1 ? 'it' : 'them'} before uploading.`)
        : h('p', { class: 'notice ok', 'data-testid': 'precheck-ok' }, 'Every case has a file on its CT\u2019s grid: ready to upload.'),
  );
}
