/**
 * Organiser review of a phase: every submission with its per-case table, hide and disqualify with a reason, the
 * challenge's audit log; plus the re-evaluation runs and exports (their own routers, mounted here).
 */
import { Router, type Request, type Response } from 'express';
import { AuditQuery, DisqualifyBody, HideBody, type ModerationReply } from '../../contract/review.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { requireOrganiser } from '../challenges/access.ts';
import { challengeBySlug } from '../challenges/lookups.ts';
import { challengeAudit } from './audit.ts';
import { phaseForOrganiser, submissionForOrganiser } from './access.ts';
import { exportRouter } from './export-routes.ts';
import { moderateSubmission } from './moderation.ts';
import { runsRouter } from './runs-routes.ts';
import { reviewSubmissions, type ModerationFlag, type SubmissionRow } from './submissions-store.ts';
import { enqueueRankUncertainty } from '../jobs/enqueue.ts';
import { analysisRouter } from './analysis-routes.ts';

export function moderationJson(s: SubmissionRow): ModerationReply['submission'] {
  return {
    id: s.id,
    phaseId: s.phase_id,
    teamId: s.team_id,
    status: s.status,
    hidden: s.hidden,
    hiddenReason: s.hidden_reason,
    disqualified: s.disqualified,
    disqualifiedReason: s.disqualified_reason,
  };
}

export function reviewRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/submissions', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    const submissions = await reviewSubmissions(deps.db, phase.id);
    res.json({ phase: { id: phase.id, name: phase.name, challengeId: phase.challenge_id }, submissions });
  });

  for (const [flag, path, body] of [
    ['hidden', 'hide', HideBody],
    ['disqualified', 'disqualify', DisqualifyBody],
  ] as const) {
    router.post(`/api/submissions/:id/${path}`, async (req: Request, res: Response) => {
      const { user, submission, phase } = await submissionForOrganiser(deps.db, req);
      const parsed = body.parse(req.body) as { reason?: string } & Record<ModerationFlag, boolean>;
      const updated = await moderateSubmission(deps.db, {
        actorId: user.id,
        submissionId: submission.id,
        flag,
        value: parsed[flag],
        reason: parsed.reason || null,
      });
      await enqueueRankUncertainty(deps.queue, phase.id);
      res.json({ submission: moderationJson(updated) });
    });
  }

  router.get('/api/challenges/:slug/audit', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const challenge = await challengeBySlug(deps.db, String(req.params.slug));
    await requireOrganiser(deps.db, challenge.id, user);
    const query = AuditQuery.parse(req.query);
    const entries = await challengeAudit(deps.db, challenge.id, query.limit, query.before);
    res.json({ challenge: { id: challenge.id, slug: challenge.slug }, entries, next: entries.length === query.limit ? entries[entries.length - 1].id : null });
  });

  router.use(runsRouter(deps));
  router.use(exportRouter(deps));
  router.use(analysisRouter(deps));
  return router;
}
