/**
 * A phase's leaderboard: one row per team, sortable by any column (buttons in the headers, keyboard-usable,
 * `aria-sort` set), with the ranking scheme explained in the server's words. Organisers may include the hidden and
 * disqualified entries.
 */
import { phaseDetail } from '../api/challenges.ts';
import { leaderboard } from '../api/leaderboards.ts';
import { METRICS, type Leaderboard, type LeaderboardEntry } from '../api/types.ts';
import { h, replace } from '../dom.ts';
import { formatMetric } from '../lib/format.ts';
import { sortRows, type SortDirection } from '../lib/sort-entries.ts';
import type { PageContext } from '../router.ts';
import { session } from '../session.ts';
import { instant, pageTitle } from './common.ts';
import { digitsOf } from './submission.ts';

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  value: (e: LeaderboardEntry) => number | string | null;
  cell: (e: LeaderboardEntry) => Node | string;
  /** The direction a first click sorts in ("best first"). */
  first: SortDirection;
}

function columns(board: Leaderboard): Column[] {
  const scoreDigits = board.scheme.scheme === 'weighted' ? 4 : 2;
  return [
    { key: 'rank', label: 'Rank', numeric: true, value: (e) => e.rank, cell: (e) => (e.rank === null ? 'excluded' : String(e.rank)), first: 'ascending' },
    { key: 'team', label: 'Team', numeric: false, value: (e) => e.team.name, cell: (e) => e.team.name, first: 'ascending' },
    {
      key: 'score',
      label: board.scheme.scheme === 'weighted' ? 'Score' : 'Average rank',
      numeric: true,
      value: (e) => e.score,
      cell: (e) => formatMetric(e.score, scoreDigits),
      first: board.scheme.scheme === 'weighted' ? 'descending' : 'ascending',
    },
    ...METRICS.map<Column>((m) => ({
      key: m,
      label: m,
      numeric: true,
      value: (e) => e.mean[m],
      cell: (e) => h('span', { title: `± ${formatMetric(e.std[m], 3)} (SD over the cases)${e.metricRanks?.[m] ? `, rank ${e.metricRanks[m]}` : ''}` }, formatMetric(e.mean[m], digitsOf(m))),
      first: 'descending',
    })),
    { key: 'cases', label: 'Cases', numeric: true, value: (e) => e.cases, cell: (e) => String(e.cases), first: 'descending' },
    { key: 'submittedAt', label: 'Submitted', numeric: false, value: (e) => e.submittedAt, cell: (e) => instant(e.submittedAt), first: 'ascending' },
  ];
}

export async function leaderboardPage({ root, params, query }: PageContext): Promise<void> {
  const phaseId = Number(params.id);
  const all = query.get('all') === '1';
  const [{ phase }, board] = await Promise.all([phaseDetail(phaseId), leaderboard(phaseId, all)]);
  const cols = columns(board);
  let sortKey = 'rank';
  let direction: SortDirection = 'ascending';
  const table = h('table', { 'data-testid': 'leaderboard' });

  function draw(): void {
    const col = cols.find((c) => c.key === sortKey)!;
    const rows = sortRows(board.entries, col.value, direction);
    replace(
      table,
      h('caption', { class: 'visually-hidden' }, `Leaderboard of ${phase.name}, sorted by ${col.label} ${direction}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => {
            const button = h('button', { type: 'button', class: 'sort', 'data-sort': c.key }, c.label);
            button.addEventListener('click', () => {
              direction = sortKey === c.key ? (direction === 'ascending' ? 'descending' : 'ascending') : c.first;
              sortKey = c.key;
              draw();
              (table.querySelector(`button[data-sort="${c.key}"]`) as HTMLButtonElement | null)?.focus();
            });
            return h('th', { class: c.numeric ? 'num' : '', scope: 'col', 'aria-sort': c.key === sortKey ? direction : 'none' }, button);
          }),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((e) =>
          h(
            'tr',
            { class: e.rank === null ? 'excluded' : '', 'data-team': e.team.name },
            cols.map((c) => h('td', { class: c.numeric ? 'num' : '', 'data-col': c.key }, c.cell(e))),
          ),
        ),
      ),
    );
  }
  draw();

  const excluded = board.entries.filter((e) => e.rank === null);
  replace(
    root,
    pageTitle(`Leaderboard — ${phase.name}`),
    h('p', {}, h('a', { href: `#/challenges/${encodeURIComponent(phase.challengeSlug)}` }, 'Back to the challenge')),
    h('section', { class: 'card', 'data-testid': 'ranking-explanation' }, h('h2', {}, 'How teams are ranked'), h('p', {}, board.explanation), h('p', { class: 'muted small' }, 'Metrics are the ATM\u201922 official ones in percent, averaged over the cases; hover a value for its standard deviation. Click a column heading to sort by it.')),
    board.entries.length
      ? h('div', { class: 'table-scroll' }, table)
      : h('p', { class: 'muted' }, board.withheld ? (board.withheld.visibleFrom ? `Results are hidden until the phase closes (${board.withheld.visibleFrom}).` : 'The results of this phase are not shown to teams.') : 'No finished submission yet.'),
    all && excluded.length
      ? h('section', {}, h('h2', {}, 'Excluded entries'), h('ul', {}, excluded.map((e) => h('li', {}, `${e.team.name} (#${e.submissionId}): `, e.hidden ? `hidden — ${e.hiddenReason ?? ''} ` : '', e.disqualified ? `disqualified — ${e.disqualifiedReason ?? ''}` : ''))))
      : null,
    session.user ? h('p', { class: 'small' }, all ? h('a', { href: `#/phases/${phaseId}/leaderboard` }, 'Public view') : h('a', { href: `#/phases/${phaseId}/leaderboard?all=1` }, 'Organisers: include hidden and disqualified entries')) : null,
  );
}
