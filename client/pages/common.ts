/** Small pieces every page uses: error notices, status badges, the sign-in prompt, the phase heading. */
import { ApiError } from '../api/http.ts';
import type { Phase } from '../api/types.ts';
import { weightedTerms } from '../lib/score-history.ts';
import { h, type Child } from '../dom.ts';
import { formatInstant, formatLocal } from '../lib/format.ts';
import { session } from '../session.ts';

/** An error as a notice: the server's message, and each per-case or per-field problem on its own line. */
export function errorNotice(error: unknown, testId = 'error'): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  const problems = error instanceof ApiError ? error.problems : [];
  const lines = problems.map((p) => p.problem ?? (p.field ? `${p.field}: ${p.message}` : p.message)).filter(Boolean) as string[];
  return h(
    'div',
    { class: 'notice error', role: 'alert', 'data-testid': testId },
    error instanceof ApiError && lines.length ? `${lines.length === 1 ? 'A problem' : `${lines.length} problems`} (${error.code}):` : message,
    lines.length ? h('ul', { class: 'problems' }, lines.map((line) => h('li', {}, line))) : null,
  );
}

export function badge(text: string, kind = text): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

/** When the page needs an account: a notice with links, and false. */
export function requireSignIn(root: HTMLElement, what: string): boolean {
  if (session.user) return true;
  root.replaceChildren(
    h('h1', {}, 'Please log in'),
    h('p', {}, `You need an account to ${what}. `, h('a', { href: '#/login' }, 'Log in'), ' or ', h('a', { href: '#/register' }, 'register'), '.'),
  );
  return false;
}

export function instant(iso: string | null | undefined, timeZone = 'UTC'): HTMLElement {
  return h('time', { datetime: iso ?? '', title: iso ? `your time: ${formatLocal(iso)}` : '' }, formatInstant(iso, timeZone));
}

export function phaseWindow(phase: Phase): Child[] {
  return [instant(phase.opensAt, phase.timeZone), ' → ', instant(phase.closesAt, phase.timeZone)];
}

export function limitsText(phase: Phase): string {
  const total = phase.totalLimit === null ? 'no total limit' : `${phase.totalLimit} in total`;
  return `${phase.dailyLimit} per team per 24 h, ${total}`;
}

export function rankingText(phase: Phase): string {
  const r = phase.ranking;
  const pick = phase.leaderboardPick === 'best' ? "each team's best submission" : "each team's latest submission";
  if (r.scheme === 'weighted') {
    return `score = ${weightedTerms(r.weights)} (higher is better), ${pick}`;
  }
  if (r.scheme === 'mean-rank') return `average rank over ${r.metrics.join(', ')} (lower is better), ${pick}`;
  const metrics = r.metrics.map((m) => `${m.name}${m.direction ? ` (${m.direction} is better)` : ''}${m.weight !== undefined && m.weight !== 1 ? ` × ${m.weight}` : ''}`).join(', ');
  const how = r.scheme === 'aggregate-then-rank' ? `${r.aggregate} per metric, then ranked` : r.scheme === 'rank-then-aggregate' ? 'ranked per case, then the mean rank' : 'share of the others beaten significantly (Wilcoxon)';
  return `${how} over ${metrics}; ties share the better rank, ${pick}`;
}

export function pageTitle(text: string): HTMLElement {
  document.title = `${text} — Carina`;
  return h('h1', {}, text);
}

/** Polls `tick` every `everyMs` until it returns true or the page is left. */
export function poll(signal: AbortSignal, everyMs: number, tick: () => Promise<boolean>): void {
  let timer: number | undefined;
  const run = async () => {
    if (signal.aborted) return;
    let finished = false;
    try {
      finished = await tick();
    } catch (error) {
      console.warn('poll failed', error);
    }
    if (!finished && !signal.aborted) timer = window.setTimeout(run, everyMs);
  };
  signal.addEventListener('abort', () => window.clearTimeout(timer));
  void run();
}
