/** /api/challenges: create (platform admins), list and show (public), change and add organisers (organisers). */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { listChallenges } from './challenge-store.ts';
import { acceptAgreement, addOrganiser, changeChallenge, challengeDetail, createChallenge, organiserView } from './challenge-service.ts';
import { challengeView } from './views.ts';

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit');
const title = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().max(20000);
const participationPolicy = z.enum(['auto', 'review'], { error: 'must be "auto" (teams accepted at once) or "review" (organisers accept each team)' });
const dataAgreement = z
  .string()
  .trim()
  .max(50000)
  .nullable()
  .transform((text) => text || null);

const newChallengeBody = z.strictObject({
  slug,
  title,
  description: description.default(''),
  participationPolicy,
  dataAgreement: dataAgreement.default(null),
});
const challengeChangesBody = z.strictObject({ title, description, participationPolicy, dataAgreement }).partial();
const organiserBody = z.strictObject({ email: z.string().trim().toLowerCase().email('must be an e-mail address') });
const agreementBody = z.strictObject({ accept: z.literal(true, { error: 'send { "accept": true } to accept the agreement' }) });

export function challengeRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/challenges', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const fields = newChallengeBody.parse(req.body ?? {});
    const challenge = await createChallenge(deps, user, fields);
    res.status(201).json({ challenge: challengeView(challenge) });
  });

  router.get('/api/challenges', async (_req: Request, res: Response) => {
    res.json({ challenges: (await listChallenges(deps.db)).map(challengeView) });
  });

  router.get('/api/challenges/:slug', async (req: Request, res: Response) => {
    res.json(await challengeDetail(deps, String(req.params.slug), req.auth?.user));
  });

  router.patch('/api/challenges/:slug', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const changes = challengeChangesBody.parse(req.body ?? {});
    const challenge = await changeChallenge(deps, user, String(req.params.slug), changes);
    res.json({ challenge: challengeView(challenge) });
  });

  router.post('/api/challenges/:slug/organisers', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { email } = organiserBody.parse(req.body ?? {});
    const organisers = await addOrganiser(deps, user, String(req.params.slug), email);
    res.status(201).json({ organisers: organisers.map(organiserView) });
  });

  router.post('/api/challenges/:slug/agreement', async (req: Request, res: Response) => {
    const user = requireUser(req);
    agreementBody.parse(req.body ?? {});
    const acceptedAt = await acceptAgreement(deps, user, String(req.params.slug));
    res.json({ agreementAccepted: true, acceptedAt: acceptedAt.toISOString() });
  });

  return router;
}
