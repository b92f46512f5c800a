/** SQL for challenges and their organisers (tables of migrations/0002_challenges.sql). */
import type { ChallengeRow } from './rows.ts';
import type { Queryable } from './queryable.ts';

export interface ChallengeFields {
  slug: string;
  title: string;
  description: string;
  participationPolicy: 'auto' | 'review';
  dataAgreement: string | null;
}

/** Inserts a challenge; undefined when the slug is taken. */
export async function insertChallenge(db: Queryable, fields: ChallengeFields, createdBy: number): Promise<ChallengeRow | undefined> {
  const result = await db.query<ChallengeRow>(
    `insert into challenges (slug, title, description, participation_policy, data_agreement, created_by)
     values ($1, $2, $3, $4, $5, $6) on conflict (slug) do nothing returning *`,
    [fields.slug, fields.title, fields.description, fields.participationPolicy, fields.dataAgreement, createdBy],
  );
  return result.rows[0];
}

export async function listChallenges(db: Queryable): Promise<ChallengeRow[]> {
  return (await db.query<ChallengeRow>('select * from challenges order by created_at desc, id desc')).rows;
}

/** Applies the given changes (absent keys keep their value) and returns the row. */
export async function updateChallenge(
  db: Queryable,
  id: number,
  changes: Partial<Omit<ChallengeFields, 'slug'>>,
): Promise<ChallengeRow> {
  const result = await db.query<ChallengeRow>(
    `update challenges set
       title = coalesce($2, title),
       description = coalesce($3, description),
       participation_policy = coalesce($4, participation_policy),
       data_agreement = case when $5::boolean then $6 else data_agreement end
     where id = $1 returning *`,
    [
      id,
      changes.title ?? null,
      changes.description ?? null,
      changes.participationPolicy ?? null,
      changes.dataAgreement !== undefined,
      changes.dataAgreement ?? null,
    ],
  );
  return result.rows[0];
}

/** Adds an organiser; false when they were one already. */
export async function insertOrganiser(db: Queryable, challengeId: number, userId: number): Promise<boolean> {
  const result = await db.query(
    'insert into challenge_organisers (challenge_id, user_id) values ($1, $2) on conflict do nothing',
    [challengeId, userId],
  );
  return (result.rowCount ?? 0) > 0;
}

export interface OrganiserRow {
  id: number;
  email: string;
  display_name: string;
}

export async function listOrganisers(db: Queryable, challengeId: number): Promise<OrganiserRow[]> {
  const result = await db.query<OrganiserRow>(
    `select u.id, u.email, u.display_name from challenge_organisers o join users u on u.id = o.user_id
     where o.challenge_id = $1 order by u.id`,
    [challengeId],
  );
  return result.rows;
}

export async function challengeCount(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from challenges')).rows[0].n;
}

export async function challengeIdBySlug(db: Queryable, slug: string): Promise<number | undefined> {
  return (await db.query<{ id: number }>('select id from challenges where slug = $1', [slug])).rows[0]?.id;
}

/** Deletes the challenge with everything in it (phases, cases, teams, submissions cascade); accounts stay. */
export async function deleteChallenge(db: Queryable, challengeId: number): Promise<void> {
  await db.query('delete from challenges where id = $1', [challengeId]);
}
