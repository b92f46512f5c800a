/**
 * The submit form of a model phase: the .onnx file, its manifest (prefilled with the phase's example), the
 * phase's limits, an optional note; uploaded with progress to POST /api/phases/:id/models. On 202 the live
 * status page of the submission; on a refusal the server's message and each problem (file, code) in an alert.
 */
import { ApiError } from '../api/http.ts';
import { modelRules, uploadModel } from '../api/models.ts';
import type { ModelRules } from '../api/types.ts';
import { announce, field, h, replace } from '../dom.ts';
import { formatBytes } from '../lib/format.ts';
import { limitsLines, manifestProblem } from '../lib/model-format.ts';
import { navigate, type PageContext } from '../router.ts';

interface ModelProblem {
  file?: string;
  code?: string;
  problem?: string;
  message?: string;
}

export async function modelSubmitForm(context: PageContext, phaseId: number): Promise<HTMLElement> {
  const rules: ModelRules = await modelRules(phaseId);
  const input = h('input', { type: 'file', accept: '.onnx', name: 'model', required: true, 'data-testid': 'model-input' });
  const manifest = h('textarea', { name: 'manifest', rows: 14, spellcheck: false, class: 'mono', 'data-testid': 'manifest' });
  manifest.value = JSON.stringify(rules.exampleManifest, null, 2);
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 1000 });
  const uploadButton = h('button', { type: 'submit', 'data-testid': 'upload' }, 'Upload');
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress', hidden: true });
  const progressLabel = h('span', { class: 'progress-label', 'data-testid': 'upload-progress' });
  const serverArea = h('div', { 'data-testid': 'server-result', 'aria-live': 'polite' });
  let uploading = false;

  const showProgress = (loaded: number, total: number) => {
    progress.value = total ? Math.round((100 * loaded) / total) : 100;
    progressLabel.textContent = `${formatBytes(loaded)} of ${formatBytes(total)} uploaded (${progress.value} %)`;
  };
  const stop = () => {
    uploading = false;
    uploadButton.disabled = false;
    input.disabled = false;
    progress.hidden = true;
    progressLabel.textContent = '';
  };

  const form = h(
    'form',
    { class: 'card', 'data-testid': 'model-form' },
    h('h2', {}, 'Limits of this phase'),
    h('ul', { 'data-testid': 'model-limits' }, limitsLines(rules.limits).map((line) => h('li', {}, line))),
    h('p', { class: 'muted small' }, rules.contract),
    field('Model (.onnx)', input, 'one ONNX file with all weights inside'),
    field('Manifest (JSON)', manifest, 'input layout and channels, patch size, overlap, intensity window, output type and threshold'),
    field('Note (optional)', note, 'for your own records, e.g. the model version'),
    h('div', { class: 'actions' }, uploadButton),
    progress,
    progressLabel,
    serverArea,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (uploading) return;
    const file = input.files?.[0];
    const problem = !file ? 'choose the .onnx file of your model' : manifestProblem(manifest.value);
    if (problem) {
      replace(serverArea, refusal(new ApiError(0, 'BAD_REQUEST', problem)));
      return;
    }
    uploading = true;
    uploadButton.disabled = true;
    input.disabled = true;
    progress.hidden = false;
    replace(serverArea);
    showProgress(0, file!.size);
    const upload = uploadModel(phaseId, file!, manifest.value, note.value, ({ loaded, total }) => showProgress(loaded, total));
    context.onLeave(() => upload.abort());
    upload.done.then(
      (reply) => {
        progressLabel.textContent = 'Uploaded and accepted: opening its live status…';
        navigate(`/submissions/${reply.submission.id}`);
      },
      (error: unknown) => {
        if (context.signal.aborted) return;
        stop();
        replace(serverArea, h('h3', {}, 'The server refused the model'), refusal(error));
        announce('The server refused the model');
      },
    );
  });
  return form;
}

/** The server's message, then each problem it listed ("model.onnx — WRONG_INPUT_RANK: …"). */
function refusal(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const details = error instanceof ApiError && Array.isArray(error.details) ? (error.details as ModelProblem[]) : [];
  return h(
    'div',
    { class: 'notice error', role: 'alert', 'data-testid': 'server-errors' },
    h('p', {}, `${code}: ${message}`),
    details.length
      ? h(
          'ul',
          { class: 'problems' },
          details.map((d) => h('li', { 'data-code': d.code ?? '' }, [d.file, d.code].filter(Boolean).join(' — '), d.file || d.code ? ': ' : '', d.problem ?? d.message ?? '')),
        )
      : null,
  );
}
