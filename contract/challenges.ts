/** Challenges: create (platform admins), list and show (public), change and add organisers (organisers). */
import { z } from 'zod';
import { Id, Instant } from './common.ts';
import { Phase } from './phases.ts';

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit');
const title = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().max(20000);
export const ParticipationPolicy = z.enum(['auto', 'review'], { error: 'must be "auto" (teams accepted at once) or "review" (organisers accept each team)' });
const dataAgreement = z
  .string()
  .trim()
  .max(50000)
  .nullable()
  .transform((text) => text || null);

export const NewChallengeBody = z.strictObject({
  slug,
  title,
  description: description.default(''),
  participationPolicy: ParticipationPolicy,
  dataAgreement: dataAgreement.default(null),
});
export const ChallengeChangesBody = z.strictObject({ title, description, participationPolicy: ParticipationPolicy, dataAgreement }).partial();
export const OrganiserBody = z.strictObject({ email: z.string().trim().toLowerCase().email('must be an e-mail address') });
export const AgreementBody = z.strictObject({ accept: z.literal(true, { error: 'send { "accept": true } to accept the agreement' }) });

export const Challenge = z.strictObject({
  id: Id,
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  participationPolicy: z.enum(['auto', 'review']),
  dataAgreement: z.string().nullable(),
  createdAt: Instant,
});
export type Challenge = z.infer<typeof Challenge>;

export const Organiser = z.strictObject({ id: Id, email: z.string(), displayName: z.string() });
export type Organiser = z.infer<typeof Organiser>;

export const TeamStatus = z.enum(['pending', 'accepted', 'rejected']);
export type TeamStatus = z.infer<typeof TeamStatus>;

/** The caller's role in a challenge (signed-in callers only). */
export const ChallengeMe = z.strictObject({
  organiser: z.boolean(),
  team: z.strictObject({ id: Id, name: z.string(), status: TeamStatus, statusReason: z.string().nullable(), isCaptain: z.boolean() }).nullable(),
  agreementAccepted: z.boolean(),
});
export type ChallengeMe = z.infer<typeof ChallengeMe>;

export const ChallengeReply = z.strictObject({ challenge: Challenge });
export type ChallengeReply = z.infer<typeof ChallengeReply>;
export const ChallengesReply = z.strictObject({ challenges: z.array(Challenge) });
export type ChallengesReply = z.infer<typeof ChallengesReply>;
export const ChallengeDetail = z.strictObject({
  challenge: Challenge,
  phases: z.array(Phase),
  me: ChallengeMe.optional(),
  organisers: z.array(Organiser).optional(),
});
export type ChallengeDetail = z.infer<typeof ChallengeDetail>;
export const OrganisersReply = z.strictObject({ organisers: z.array(Organiser) });
export type OrganisersReply = z.infer<typeof OrganisersReply>;
/** A co-organiser invitation sent: the invitee accepts it from a verified account of that address. */
export const OrganiserInvitedReply = z.strictObject({ invitedEmail: z.string(), expiresAt: Instant });
export type OrganiserInvitedReply = z.infer<typeof OrganiserInvitedReply>;
export const AgreementReply = z.strictObject({ agreementAccepted: z.literal(true), acceptedAt: Instant });
export type AgreementReply = z.infer<typeof AgreementReply>;
