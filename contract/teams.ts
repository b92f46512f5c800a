/** Teams: create, join, leave, captaincy, the organisers' review, listings. */
import { z } from 'zod';
import { Id, Instant } from './common.ts';
import { TeamStatus } from './challenges.ts';

export const NewTeamBody = z.strictObject({
  challenge: z.string({ error: 'give the challenge slug' }).trim().min(1),
  name: z.string({ error: 'give the team a name' }).trim().min(1, 'must not be empty').max(80, 'must have at most 80 characters'),
});
export const JoinTeamBody = z.strictObject({ inviteCode: z.string({ error: 'give the invite code your captain shared' }).trim().min(1).max(100) });
export const CaptainBody = z.strictObject({ userId: z.number({ error: 'give the new captain\'s user id' }).int().positive() });
export const TeamReviewBody = z.strictObject({
  decision: z.enum(['accepted', 'rejected'], { error: 'must be "accepted" or "rejected"' }),
  reason: z
    .string()
    .trim()
    .max(1000)
    .nullish()
    .transform((text) => text || null),
});

export const TeamMember = z.strictObject({
  id: Id,
  displayName: z.string(),
  /** Organisers only. */
  email: z.string().optional(),
  isCaptain: z.boolean(),
  joinedAt: Instant,
  agreementAccepted: z.boolean(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** Everyone sees id, name, status and challenge; members and organisers the rest; members the invite code. */
export const Team = z.strictObject({
  id: Id,
  name: z.string(),
  status: TeamStatus,
  challenge: z.string(),
  statusReason: z.string().nullable().optional(),
  captainId: Id.optional(),
  createdAt: Instant.optional(),
  inviteCode: z.string().optional(),
  members: z.array(TeamMember).optional(),
});
export type Team = z.infer<typeof Team>;

export const TeamReply = z.strictObject({ team: Team });
export type TeamReply = z.infer<typeof TeamReply>;
export const LeaveTeamReply = z.strictObject({ teamDeleted: z.boolean(), captainId: Id.nullable() });
export type LeaveTeamReply = z.infer<typeof LeaveTeamReply>;
export const TeamReviewReply = z.strictObject({ team: z.strictObject({ id: Id, name: z.string(), status: TeamStatus, statusReason: z.string().nullable() }) });
export type TeamReviewReply = z.infer<typeof TeamReviewReply>;

/** Everyone: accepted teams' id and name; organisers: every team with its status. */
export const ChallengeTeam = z.strictObject({
  id: Id,
  name: z.string(),
  status: TeamStatus.optional(),
  statusReason: z.string().nullable().optional(),
  memberCount: z.number().int().optional(),
  createdAt: Instant.optional(),
});
export type ChallengeTeam = z.infer<typeof ChallengeTeam>;
export const ChallengeTeamsReply = z.strictObject({ teams: z.array(ChallengeTeam) });
export type ChallengeTeamsReply = z.infer<typeof ChallengeTeamsReply>;
