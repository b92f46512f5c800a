/** The list of challenges. */
import { listChallenges } from '../api/challenges.ts';
import { h, replace } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { pageTitle } from './common.ts';

export async function homePage({ root }: PageContext): Promise<void> {
  const { challenges } = await listChallenges();
  replace(
    root,
    pageTitle('Challenges'),
    challenges.length === 0
      ? h('p', { class: 'muted' }, 'No challenge yet.')
      : h(
          'ul',
          { class: 'card', 'data-testid': 'challenge-list' },
          challenges.map((c) =>
            h('li', {}, h('a', { href: `#/challenges/${encodeURIComponent(c.slug)}` }, c.title), ' ', h('span', { class: 'muted small' }, `(${c.slug})`)),
          ),
        ),
  );
}
