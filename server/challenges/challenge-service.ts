/** Challenges: creation by platform admins, changes by organisers, the public detail view (co-organisers: organiser-invitations.ts). */
import type { ChallengeDetail, Organiser } from '../../contract/challenges.ts';
import type { AppDeps } from '../app-deps.ts';
import type { UserRow } from '../auth/store.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { insertAuditEntry } from './audit-entry.ts';
import { isOrganiser, requireOrganiser } from './access.ts';
import { clearAgreements, recordAgreement } from './agreement-store.ts';
import { challengeBySlug, teamOfUser } from './lookups.ts';
import type { ChallengeRow } from './rows.ts';
import { insertChallenge, insertOrganiser, listOrganisers, updateChallenge, type ChallengeFields, type OrganiserRow } from './challenge-store.ts';
import { phasesOfChallenge } from './phase-store.ts';
import { challengeView, phaseView } from './views.ts';

export async function createChallenge(deps: AppDeps, user: UserRow, fields: ChallengeFields): Promise<ChallengeRow> {
  if (!user.is_admin) throw new AppError('FORBIDDEN', 'only platform admins may create challenges');
  return inTransaction(deps.db, async (client) => {
    const challenge = await insertChallenge(client, fields, user.id);
    if (!challenge) throw new AppError('CONFLICT', `a challenge "${fields.slug}" exists already; choose another slug`);
    await insertOrganiser(client, challenge.id, user.id);
    await insertAuditEntry(client, { actorId: user.id, action: 'challenge.create', targetType: 'challenge', targetId: challenge.id });
    return challenge;
  });
}

/**
 * Changes a challenge. A changed data-use agreement text voids earlier acceptances: members accept the new one
 * before they submit again.
 */
export async function changeChallenge(
  deps: AppDeps,
  user: UserRow,
  slug: string,
  changes: Partial<Omit<ChallengeFields, 'slug'>>,
): Promise<ChallengeRow> {
  const challenge = await challengeBySlug(deps.db, slug);
  await requireOrganiser(deps.db, challenge.id, user);
  return inTransaction(deps.db, async (client) => {
    const updated = await updateChallenge(client, challenge.id, changes);
    const agreementChanged = changes.dataAgreement !== undefined && changes.dataAgreement !== challenge.data_agreement;
    if (agreementChanged) await clearAgreements(client, challenge.id);
    await insertAuditEntry(client, {
      actorId: user.id,
      action: 'challenge.update',
      targetType: 'challenge',
      targetId: challenge.id,
      details: { fields: Object.keys(changes), agreementAcceptancesCleared: agreementChanged },
    });
    return updated;
  });
}

export async function acceptAgreement(deps: AppDeps, user: UserRow, slug: string): Promise<Date> {
  const challenge = await challengeBySlug(deps.db, slug);
  if (!challenge.data_agreement) throw new AppError('CONFLICT', `"${slug}" has no data-use agreement to accept`);
  const acceptedAt = await recordAgreement(deps.db, challenge.id, user.id);
  if (!acceptedAt) throw new AppError('FORBIDDEN', `join or create a team in "${slug}" first; the agreement is accepted as a team member`);
  return acceptedAt;
}

/** The public view of a challenge and its phases; a signed-in caller also learns their own role in it. */
export async function challengeDetail(deps: AppDeps, slug: string, user: UserRow | undefined): Promise<ChallengeDetail> {
  const challenge = await challengeBySlug(deps.db, slug);
  const phases = await phasesOfChallenge(deps.db, challenge.id);
  const view = { challenge: challengeView(challenge), phases: phases.map((p) => phaseView(p, p.case_count)) };
  if (!user) return view;
  const team = await teamOfUser(deps.db, challenge.id, user.id);
  const organiser = await isOrganiser(deps.db, challenge.id, user);
  return {
    ...view,
    me: {
      organiser,
      team: team
        ? { id: team.id, name: team.name, status: team.status, statusReason: team.status_reason, isCaptain: team.captain_id === user.id }
        : null,
      agreementAccepted: Boolean(team?.agreement_accepted_at),
    },
    ...(organiser ? { organisers: (await listOrganisers(deps.db, challenge.id)).map(organiserView) } : {}),
  };
}

export function organiserView(row: OrganiserRow): Organiser {
  return { id: row.id, email: row.email, displayName: row.display_name };
}
