/**
 * Co-organisers by invitation: an organiser invites an address (a mail goes there, 14 days to accept); the invitee
 * accepts from a signed-in account of that address whose address is VERIFIED. Naming an address never grants
 * anything by itself, so registering someone else's address first gains nothing.
 */
import type { Invitation } from '../../contract/auth.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireVerified } from '../auth/authenticate.ts';
import type { UserRow } from '../auth/store.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { clientLink, queueMail } from '../mail/mailer.ts';
import { requireOrganiser } from './access.ts';
import { insertAuditEntry } from './audit-entry.ts';
import { insertOrganiser, listOrganisers } from './challenge-store.ts';
import { challengeBySlug } from './lookups.ts';

const INVITATION_DAYS = 14;

export async function inviteOrganiser(deps: AppDeps, user: UserRow, slug: string, email: string): Promise<{ invitedEmail: string; expiresAt: Date }> {
  const challenge = await challengeBySlug(deps.db, slug);
  await requireOrganiser(deps.db, challenge.id, user);
  if ((await listOrganisers(deps.db, challenge.id)).some((o) => o.email === email)) {
    throw new AppError('CONFLICT', `${email} is an organiser of "${slug}" already`);
  }
  const link = clientLink(deps.config, '/invitations');
  const row = await inTransaction(deps.db, async (client) => {
    // a new invitation to the same address replaces an open one (a fresh expiry)
    await client.query('delete from organiser_invitations where challenge_id = $1 and email = $2 and accepted_at is null', [challenge.id, email]);
    const inserted = await client.query<{ id: number; expires_at: Date }>(
      `insert into organiser_invitations (challenge_id, email, invited_by, expires_at)
       values ($1, $2, $3, now() + make_interval(days => $4)) returning id, expires_at`,
      [challenge.id, email, user.id, INVITATION_DAYS],
    );
    await insertAuditEntry(client, { actorId: user.id, action: 'challenge.invite_organiser', targetType: 'challenge', targetId: challenge.id, details: { email } });
    await queueMail(client, {
      kind: 'organiser-invitation',
      to: email,
      subject: `Carina: you are invited to co-organise "${challenge.title}"`,
      text:
        `${user.display_name} (${user.email}) invites you to co-organise the challenge "${challenge.title}" on Carina.\n\n` +
        `To accept, log in with an account of this address (register it first if you have none, and confirm the ` +
        `address) and open:\n\n${link}\n\nThe invitation expires in ${INVITATION_DAYS} days.\n`,
      links: { invitations: link },
    });
    return inserted.rows[0];
  });
  return { invitedEmail: email, expiresAt: row.expires_at };
}

/** Open invitations to the caller's address (none until it is verified). */
export async function invitationsOf(deps: AppDeps, user: UserRow): Promise<Invitation[]> {
  if (user.email_verified_at === null) return [];
  const rows = await deps.db.query<{ id: number; slug: string; title: string; created_at: Date; expires_at: Date }>(
    `select i.id, c.slug, c.title, i.created_at, i.expires_at from organiser_invitations i join challenges c on c.id = i.challenge_id
     where i.email = $1 and i.accepted_at is null and i.expires_at > now() order by i.id`,
    [user.email],
  );
  return rows.rows.map((r) => ({ id: r.id, challengeSlug: r.slug, challengeTitle: r.title, invitedAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString() }));
}

export async function acceptInvitation(deps: AppDeps, user: UserRow, id: number): Promise<string> {
  requireVerified(user);
  return inTransaction(deps.db, async (client) => {
    const row = (
      await client.query<{ challenge_id: number; slug: string; invited_by: number | null }>(
        `update organiser_invitations i set accepted_at = now() from challenges c
         where i.id = $1 and i.email = $2 and i.accepted_at is null and i.expires_at > now() and c.id = i.challenge_id
         returning i.challenge_id, c.slug, i.invited_by`,
        [id, user.email],
      )
    ).rows[0];
    if (!row) throw new AppError('NOT_FOUND', `no open invitation ${id} to ${user.email}`);
    await insertOrganiser(client, row.challenge_id, user.id);
    await insertAuditEntry(client, {
      actorId: user.id,
      action: 'challenge.add_organiser',
      targetType: 'challenge',
      targetId: row.challenge_id,
      details: { userId: user.id, email: user.email, invitationId: id, invitedBy: row.invited_by },
    });
    return row.slug;
  });
}
