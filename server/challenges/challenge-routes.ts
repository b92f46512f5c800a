/**
 * /api/challenges: create (platform admins), list and show (public), change and invite co-organisers (organisers);
 * /api/invitations: the invitations to the caller's verified address, and accepting one.
 */
import { Router, type Request, type Response } from 'express';
import { AgreementBody, ChallengeChangesBody, NewChallengeBody, OrganiserBody } from '../../contract/challenges.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { listChallenges } from './challenge-store.ts';
import { acceptAgreement, changeChallenge, challengeDetail, createChallenge } from './challenge-service.ts';
import { acceptInvitation, invitationsOf, inviteOrganiser } from './organiser-invitations.ts';
import { idParam } from '../http/path-id.ts';
import { challengeView } from './views.ts';

export function challengeRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/challenges', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const fields = NewChallengeBody.parse(req.body ?? {});
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
    const changes = ChallengeChangesBody.parse(req.body ?? {});
    const challenge = await changeChallenge(deps, user, String(req.params.slug), changes);
    res.json({ challenge: challengeView(challenge) });
  });

  router.post('/api/challenges/:slug/organisers', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { email } = OrganiserBody.parse(req.body ?? {});
    const invited = await inviteOrganiser(deps, user, String(req.params.slug), email);
    res.status(202).json({ invitedEmail: invited.invitedEmail, expiresAt: invited.expiresAt.toISOString() });
  });

  router.get('/api/invitations', async (req: Request, res: Response) => {
    res.json({ invitations: await invitationsOf(deps, requireUser(req)) });
  });

  router.post('/api/invitations/:id/accept', async (req: Request, res: Response) => {
    const user = requireUser(req);
    res.json({ challengeSlug: await acceptInvitation(deps, user, idParam(req.params.id, 'invitation')) });
  });

  router.post('/api/challenges/:slug/agreement', async (req: Request, res: Response) => {
    const user = requireUser(req);
    AgreementBody.parse(req.body ?? {});
    const acceptedAt = await acceptAgreement(deps, user, String(req.params.slug));
    res.json({ agreementAccepted: true, acceptedAt: acceptedAt.toISOString() });
  });

  return router;
}
