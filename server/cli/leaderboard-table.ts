/** A phase's leaderboard as a plain-text table for the terminal. */
interface Entry {
  rank: number | null;
  team: { name: string };
  score: number;
  mean: Record<string, number>;
  cases: number;
  submissionId: number;
  submittedAt: string;
}

export interface LeaderboardReply {
  phase: { id: number; name: string };
  explanation: string;
  entries: Entry[];
  /** The phase withholds its results from teams (server/challenges/results-visibility.ts). */
  withheld?: { visibility: string; visibleFrom: string | null };
}

const METRICS = ['TD', 'BD', 'DSC', 'Precision'] as const;

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

export function leaderboardTable(board: LeaderboardReply): string {
  const header = ['rank', 'team', 'score', ...METRICS, 'cases', 'submission', 'submitted'];
  const rows = board.entries.map((e) => [
    e.rank === null ? '-' : String(e.rank),
    oneLine(e.team.name),
    e.score.toFixed(4),
    ...METRICS.map((m) => (typeof e.mean[m] === 'number' ? e.mean[m].toFixed(4) : '')),
    String(e.cases),
    String(e.submissionId),
    e.submittedAt,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const title = `${oneLine(board.phase.name)} (phase ${board.phase.id})`;
  const withheld = board.withheld && (board.withheld.visibleFrom ? `(results are hidden until the phase closes, ${board.withheld.visibleFrom})` : '(results of this phase are not shown to teams)');
  const body = rows.length ? rows.map(line).join('\n') : (withheld || '(no evaluated submissions yet)');
  return `${title}\n${line(header)}\n${body}\n\n${board.explanation}\n`;
}
