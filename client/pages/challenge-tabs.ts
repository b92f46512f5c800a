/** The tabs of a challenge page: its overview (phases, team) and its data (releases). */
import { h } from '../dom.ts';

export function challengeTabs(slug: string, current: 'overview' | 'data'): HTMLElement {
  const tab = (key: 'overview' | 'data', label: string, href: string) =>
    h('a', { href, class: key === current ? 'tab current' : 'tab', 'aria-current': key === current ? 'page' : null, 'data-testid': `tab-${key}` }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Challenge sections' }, tab('overview', 'Overview', `#/challenges/${slug}`), tab('data', 'Data', `#/challenges/${slug}/data`));
}
