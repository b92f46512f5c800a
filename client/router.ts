/**
 * Hash routes (`#/challenges/atm22`, `#/evaluations/12`): each route names a page module, loaded on demand so the
 * vtk.js viewer is fetched only when a viewer page opens. Leaving a page aborts its signal and runs its clean-ups
 * (polling timers, vtk.js objects), so nothing keeps running in the background.
 */
import { h, replace } from './dom.ts';

export interface PageContext {
  readonly root: HTMLElement;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** Aborted when the page is left. */
  readonly signal: AbortSignal;
  /** Registers something to undo when the page is left. */
  onLeave(cleanup: () => void): void;
}

export type Page = (context: PageContext) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  names: string[];
  load: () => Promise<Page>;
  wide?: boolean;
}

const routes: Route[] = [];

/** `path` like "/phases/:id/submit". */
export function route(path: string, load: () => Promise<Page>, options: { wide?: boolean } = {}): void {
  const names: string[] = [];
  const source = path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ pattern: new RegExp(`^${source}$`), names, load, wide: options.wide });
}

export function navigate(path: string): void {
  if (window.location.hash === `#${path}`) void render();
  else window.location.hash = path;
}

let current: { controller: AbortController; cleanups: Array<() => void> } | undefined;
let renderSerial = 0;

function leaveCurrent(): void {
  if (!current) return;
  current.controller.abort();
  for (const cleanup of current.cleanups.reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error('page clean-up failed', error);
    }
  }
  current = undefined;
}

export async function render(): Promise<void> {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  if (!hash.startsWith('/')) return; // an in-page anchor, not a route
  const [path, queryString = ''] = hash.split('?');
  const main = document.getElementById('main') as HTMLElement;
  leaveCurrent();
  const serial = ++renderSerial;
  const found = routes.map((r) => ({ r, match: r.pattern.exec(path) })).find((x) => x.match);
  main.classList.toggle('wide', Boolean(found?.r.wide));
  // each visit renders into its own element: a page left while still loading writes into a detached one
  const root = h('div', { class: 'page' });
  replace(main, root);
  if (!found || !found.match) {
    replace(root, h('h1', {}, 'Page not found'), h('p', {}, 'No page at ', h('code', {}, path), '. ', h('a', { href: '#/' }, 'Go to the challenges.')));
    return;
  }
  const params = Object.fromEntries(found.r.names.map((name, i) => [name, decodeURIComponent(found.match![i + 1])]));
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  current = { controller, cleanups };
  const context: PageContext = {
    root,
    params,
    query: new URLSearchParams(queryString),
    signal: controller.signal,
    onLeave: (cleanup) => cleanups.push(cleanup),
  };
  replace(root, h('p', { class: 'loading muted' }, 'Loading…'));
  try {
    const page = await found.r.load();
    if (serial !== renderSerial) return;
    await page(context);
  } catch (error) {
    if (controller.signal.aborted) return;
    console.error(error);
    const code = (error as { code?: string }).code;
    const heading = code === 'NOT_FOUND' ? 'Not available' : code === 'UNAUTHENTICATED' ? 'Please log in' : 'This page cannot be shown';
    replace(
      root,
      h('h1', {}, heading),
      h('p', { class: 'notice error', role: 'alert', 'data-testid': 'page-error' }, error instanceof Error ? error.message : String(error)),
      h('p', {}, h('a', { href: '#/' }, 'Go to the challenges'), code === 'UNAUTHENTICATED' ? [' or ', h('a', { href: '#/login' }, 'log in')] : null, '.'),
    );
  }
}

export function startRouter(): void {
  window.addEventListener('hashchange', () => void render());
  void render();
}
