/** The client's entry point: session, header, routes. */
import { renderNav } from './nav.ts';
import { route, startRouter } from './router.ts';
import { session } from './session.ts';

route('/', async () => (await import('./pages/home.ts')).homePage);
route('/login', async () => (await import('./pages/login.ts')).loginPage);
route('/register', async () => (await import('./pages/register.ts')).registerPage);
route('/check-email', async () => (await import('./pages/account-links.ts')).checkEmailPage);
route('/verify', async () => (await import('./pages/account-links.ts')).verifyPage);
route('/forgot-password', async () => (await import('./pages/account-links.ts')).forgotPasswordPage);
route('/reset-password', async () => (await import('./pages/account-links.ts')).resetPasswordPage);
route('/invitations', async () => (await import('./pages/account-links.ts')).invitationsPage);
route('/account', async () => (await import('./pages/account.ts')).accountPage);
route('/challenges/:slug', async () => (await import('./pages/challenge.ts')).challengePage);
route('/challenges/:slug/data', async () => (await import('./pages/data.ts')).dataPage);
route('/phases/:id/submit', async () => (await import('./pages/submit.ts')).submitPage);
route('/phases/:id/submissions', async () => (await import('./pages/my-submissions.ts')).mySubmissionsPage);
route('/phases/:id/leaderboard', async () => (await import('./pages/leaderboard.ts')).leaderboardPage);
route('/phases/:id/analysis', async () => (await import('./pages/analysis.ts')).analysisPage, { wide: true });
route('/phases/:id/review', async () => (await import('./pages/review.ts')).reviewPage, { wide: true });
route('/phases/:id/cases', async () => (await import('./pages/cases.ts')).casesPage);
route('/submissions/:id', async () => (await import('./pages/submission.ts')).submissionPage);
route('/evaluations/:id', async () => (await import('./viewer/pages/viewer-page.ts')).viewerPage, { wide: true });
route('/cases/:id/viewer', async () => (await import('./viewer/pages/viewer-page.ts')).caseViewerPage, { wide: true });
route('/compare', async () => (await import('./viewer/pages/compare-page.ts')).comparePage, { wide: true });

document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
});

session.subscribe(renderNav);
renderNav(null);
session
  .load()
  .catch(() => session.set(null))
  .finally(startRouter);
