/**
 * A phase's leaderboard: one row per team, sortable by any column (buttons in the headers, keyboard-usable,
 * `aria-sort` set), with the ranking scheme explained in the server's words. Organisers may include the hidden and
 * disqualified entries.
 */
import { phaseDetail } from '../api/challenges.ts';
import { leaderboard } from '../api/leaderboards.ts';
import { type Leaderboard, type LeaderboardEntry } from '../api/types.ts';
import { metricsOfSuites, SUITE_IDS, type MetricInfo } from '../../contract/metric-suites.ts';

/** The metric columns of a leaderboard: the catalogue's metrics its entries carry (ATM'22's when it has none). */
function boardMetrics(board: Leaderboard): MetricInfo[] {
  const all = metricsOfSuites(SUITE_IDS);
  const present = all.filter((m) => board.entries.some((e) => typeof e.mean[m.name] === 'number'));
  return present.length ? present : metricsOfSuites(['atm22']);
}
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

const oneDecimal = (x: number) => String(Math.round(x * 10) / 10);

/**
 * The compact interval column: "1–2" and a bar over the ranks 1…n with the interval shaded and the rank marked;
 * the title says the share of bootstrap samples in which the entry keeps its rank.
 */
function intervalCell(e: LeaderboardEntry, ranked: number): Node | string {
  const interval = e.rankInterval;
  if (!interval || e.rank === null) return '';
  const span = Math.max(ranked, 1);
  const left = ((interval.low - 1) / span) * 100;
  const width = Math.max(((interval.high - interval.low + 1) / span) * 100, 3);
  const mark = ((e.rank - 0.5) / span) * 100;
  const label = interval.low === interval.high ? oneDecimal(interval.low) : `${oneDecimal(interval.low)}–${oneDecimal(interval.high)}`;
  return h(
    'span',
    { class: 'rank-interval', title: `95 % of bootstrap samples rank this entry between ${oneDecimal(interval.low)} and ${oneDecimal(interval.high)}; it keeps rank ${e.rank} in ${Math.round(interval.keepShare * 100)} % of them`, 'data-testid': 'rank-interval' },
    h('span', { class: 'rank-interval-bar', 'aria-hidden': 'true' }, h('span', { class: 'rank-interval-range', style: `left:${left}%;width:${width}%` }), h('span', { class: 'rank-interval-mark', style: `left:${mark}%` })),
    ` ${label} · ${Math.round(interval.keepShare * 100)} %`,
  );
}

function columns(board: Leaderboard): Column[] {
  const scoreDigits = board.scheme.scheme === 'weighted' ? 4 : 2;
  const ranked = board.entries.filter((e) => e.rank !== null).length;
  const withIntervals = board.uncertainty?.status === 'ready';
  const imputation = board.entries.some((e) => (e.imputedCases ?? 0) > 0);
  return [
    { key: 'rank', label: 'Rank', numeric: true, value: (e) => e.rank, cell: (e) => (e.rank === null ? 'excluded' : String(e.rank)), first: 'ascending' },
    ...(withIntervals
      ? [{ key: 'interval', label: 'Rank interval', numeric: false, value: (e: LeaderboardEntry) => e.rankInterval?.high ?? null, cell: (e: LeaderboardEntry) => intervalCell(e, ranked), first: 'ascending' as const }]
      : []),
    { key: 'team', label: 'Team', numeric: false, value: (e) => e.team.name, cell: (e) => e.team.name, first: 'ascending' },
    {
      key: 'score',
      label: board.scheme.scheme === 'weighted' ? 'Score' : board.scheme.scheme === 'mean-rank' ? 'Average rank' : 'Scheme score',
      numeric: true,
      value: (e) => e.score,
      cell: (e) => formatMetric(e.score, scoreDigits),
      first: board.scheme.scheme === 'weighted' ? 'descending' : 'ascending',
    },
    ...boardMetrics(board).map<Column>((m) => ({
      key: m.name,
      label: m.reportedAs === m.name ? m.name : `${m.reportedAs} (${m.name})`,
      numeric: true,
      value: (e) => e.mean[m.name] ?? null,
      cell: (e) => h('span', { title: `${m.label}: ± ${formatMetric(e.std[m.name], 3)} (SD over the cases)${e.metricRanks?.[m.name as keyof typeof e.metricRanks] ? `, rank ${e.metricRanks[m.name as keyof typeof e.metricRanks]}` : ''}` }, formatMetric(e.mean[m.name], digitsOf(m.name))),
      first: m.direction === 'lower' ? 'ascending' : 'descending',
    })),
    { key: 'cases', label: 'Cases', numeric: true, value: (e) => e.cases, cell: (e) => String(e.cases), first: 'descending' },
    ...(imputation
      ? [{ key: 'imputed', label: 'Imputed cases', numeric: true, value: (e: LeaderboardEntry) => e.imputedCases ?? 0, cell: (e: LeaderboardEntry) => String(e.imputedCases ?? 0), first: 'ascending' as const }]
      : []),
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
    uncertaintySummary(board),
    board.entries.length
      ? h('div', { class: 'table-scroll' }, table)
      : h('p', { class: 'muted' }, board.withheld ? (board.withheld.visibleFrom ? `Results are hidden until the phase closes (${board.withheld.visibleFrom}).` : 'The results of this phase are not shown to teams.') : 'No finished submission yet.'),
    all && excluded.length
      ? h('section', {}, h('h2', {}, 'Excluded entries'), h('ul', {}, excluded.map((e) => h('li', {}, `${e.team.name} (#${e.submissionId}): `, e.hidden ? `hidden — ${e.hiddenReason ?? ''} ` : '', e.disqualified ? `disqualified — ${e.disqualifiedReason ?? ''}` : ''))))
      : null,
    session.user ? h('p', { class: 'small' }, h('a', { href: `#/phases/${phaseId}/analysis`, 'data-testid': 'analysis-link' }, 'Organisers: ranking analysis and challenge report')) : null,
    session.user ? h('p', { class: 'small' }, all ? h('a', { href: `#/phases/${phaseId}/leaderboard` }, 'Public view') : h('a', { href: `#/phases/${phaseId}/leaderboard?all=1` }, 'Organisers: include hidden and disqualified entries')) : null,
  );
}

/** What the interval column means, and the note when the top places cannot be told apart. */
function uncertaintySummary(board: Leaderboard): Node | null {
  const u = board.uncertainty;
  if (!u) return null;
  if (u.status === 'pending') return h('p', { class: 'muted small', 'data-testid': 'uncertainty-status' }, 'Rank intervals are being computed for the current entries.');
  if (u.status === 'not-applicable') return null;
  return h(
    'section',
    { class: 'small', 'data-testid': 'uncertainty-status' },
    h('p', { class: 'muted' }, `Rank interval: where 95 % of ${u.samples} bootstrap samples of the ${u.cases} cases rank the entry (paired, seed ${u.seed}), and how often it keeps its rank.`),
    u.note ? h('p', { class: 'note', 'data-testid': 'uncertainty-note' }, u.note) : null,
  );
}
