/** The model runs of a model submission, one row per case: status, patches done, run time, error. */
import type { ModelRun } from '../api/types.ts';
import { h } from '../dom.ts';
import { formatRunTime, runProgress } from '../lib/model-format.ts';
import { badge } from './common.ts';

export function modelRunsTable(runs: ModelRun[]): HTMLElement {
  return h(
    'section',
    { 'data-testid': 'model-runs' },
    h('h2', {}, 'Model runs'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'Status'), h('th', {}, 'Patches'), h('th', { class: 'num' }, 'Run time'), h('th', {}, 'Error'))),
        h(
          'tbody',
          {},
          runs.map((r) =>
            h(
              'tr',
              { 'data-case': r.case, 'data-status': r.status },
              h('td', {}, r.case),
              h('td', {}, badge(r.status)),
              h('td', {}, runProgress(r.patchesDone, r.patchesTotal)),
              h('td', { class: 'num' }, formatRunTime(r.runMs)),
              h('td', { class: r.error ? 'error' : '' }, r.error ? `${r.error.code}${r.error.message ? `: ${r.error.message}` : ''}` : '—'),
            ),
          ),
        ),
      ),
    ),
  );
}
