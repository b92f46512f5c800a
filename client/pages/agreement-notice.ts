/**
 * A challenge's data-use agreement for the signed-in user to accept: its text, what accepting it is for, and the
 * button that accepts it (then refreshes the page, or says why it failed). The Data tab shows it before the
 * downloads, the team panel before submitting.
 */
import { acceptAgreement } from '../api/challenges.ts';
import { h, replace } from '../dom.ts';
import { errorNotice } from './common.ts';

export interface AgreementNoticeOptions {
  slug: string;
  /** The agreement as the organisers wrote it (shown as written, line breaks kept). */
  text: string;
  /** What accepting it unlocks, and who must accept it. */
  purpose: string;
  /** The heading's level where the notice stands: h2 on a page, h3 inside a card. */
  heading: 'h2' | 'h3';
  refresh: () => Promise<void>;
}

export function agreementNotice({ slug, text, purpose, heading, refresh }: AgreementNoticeOptions): HTMLElement {
  const accept = h('button', { type: 'button', 'data-testid': 'accept-agreement' }, 'I accept the data-use agreement');
  const status = h('div', { 'aria-live': 'polite' });
  accept.addEventListener('click', async () => {
    accept.disabled = true;
    try {
      await acceptAgreement(slug);
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error));
      accept.disabled = false;
    }
  });
  return h(
    'div',
    { class: 'notice warn', 'data-testid': 'agreement' },
    h(heading, {}, 'Data-use agreement'),
    h('p', {}, purpose),
    h('p', { style: 'white-space: pre-wrap' }, text),
    accept,
    status,
  );
}
