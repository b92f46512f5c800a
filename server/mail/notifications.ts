/**
 * The mails people expect, through the one mail path (mailer.ts): a submission finished or failed (to the team's
 * members, with failure CODES and their catalogue hints, never an error's text, which may quote a model's output or
 * the hidden data; no scores, which a blind phase may hide), a team accepted or rejected (with the organisers'
 * reason), a phase opened (to the members of the challenge's accepted teams). Finished submissions and opened phases
 * are found by a periodic check in the server process; each row is claimed atomically (`for update skip locked`),
 * so several server processes never send the same mail twice.
 */
import { FAILURE_CODES } from '../../contract/error-codes.ts';
import { logEvent } from '../../evaluator/index.ts';
import type { Config } from '../config.ts';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { clientLink, queueMail } from './mailer.ts';
import type { Queryable } from './outbox-store.ts';

export const NOTIFY_EVERY_MS = 30_000;

/** Verified addresses of a team's members. */
async function memberEmails(db: Queryable, teamId: number): Promise<string[]> {
  const rows = await db.query<{ email: string }>(
    `select u.email from team_members m join users u on u.id = m.user_id where m.team_id = $1 and u.email_verified_at is not null order by u.id`,
    [teamId],
  );
  return rows.rows.map((r) => r.email);
}

function hintOf(code: string): string {
  return (FAILURE_CODES as Record<string, { hint: string }>)[code]?.hint ?? '';
}

/** Queues the mails of an organisers' decision on a team, in the decision's transaction (`client`). */
export async function notifyTeamDecision(config: Config, client: PoolClient, teamId: number, decision: 'accepted' | 'rejected', reason: string | null): Promise<void> {
  const team = (await client.query<{ name: string; slug: string; title: string }>(
    'select t.name, c.slug, c.title from teams t join challenges c on c.id = t.challenge_id where t.id = $1',
    [teamId],
  )).rows[0];
  if (!team) return;
  const link = clientLink(config, `/challenges/${team.slug}`);
  for (const to of await memberEmails(client, teamId)) {
    await queueMail(client, {
      kind: 'team-decision',
      to,
      subject: `Carina: team "${team.name}" ${decision} in "${team.title}"`,
      text:
        `The organisers of "${team.title}" ${decision} your team "${team.name}".` +
        (reason ? `\nTheir reason: ${reason}` : '') +
        (decision === 'accepted' ? `\n\nYour team can submit now: ${link}\n` : `\n\nSee ${link}\n`),
      links: { challenge: link },
    });
  }
}

/** Mails the teams of submissions that finished since the last check; how many submissions were notified. */
export async function notifyFinishedSubmissions(deps: { config: Config; db: Pool }): Promise<number> {
  return inTransaction(deps.db, (client) => notifyFinishedIn(deps.config, client));
}

async function notifyFinishedIn(config: Config, client: PoolClient): Promise<number> {
  const claimed = await client.query<{ id: number; team_id: number; status: string; phase_name: string; title: string }>(
    `update submissions s set notified_at = now()
     from phases p, challenges c
     where s.id in (select id from submissions where notified_at is null and finished_at is not null order by finished_at limit 100 for update skip locked)
       and p.id = s.phase_id and c.id = p.challenge_id
     returning s.id, s.team_id, s.status, p.name as phase_name, c.title`,
  );
  for (const row of claimed.rows) {
    const codes = row.status === 'failed'
      ? (await client.query<{ error_code: string; n: number }>(
          `select error_code, count(*)::int as n from evaluations where submission_id = $1 and run_id is null and status = 'failed'
           group by error_code order by error_code`,
          [row.id],
        )).rows
      : [];
    const link = clientLink(config, `/submissions/${row.id}`);
    const failures = codes.map((c) => `- ${c.error_code} (${c.n} case${c.n === 1 ? '' : 's'})${hintOf(c.error_code) ? `: ${hintOf(c.error_code)}` : ''}`).join('\n');
    for (const to of await memberEmails(client, row.team_id)) {
      await queueMail(client, {
        kind: 'submission-finished',
        to,
        subject: `Carina: submission #${row.id} to "${row.phase_name}" ${row.status === 'done' ? 'is scored' : 'failed'}`,
        text:
          row.status === 'done'
            ? `Your submission #${row.id} to "${row.phase_name}" of "${row.title}" has been scored.\nSee it at ${link}\n`
            : `Your submission #${row.id} to "${row.phase_name}" of "${row.title}" failed:\n${failures}\nSee it at ${link}\n`,
        links: { submission: link },
      });
    }
  }
  return claimed.rowCount ?? 0;
}

/** Mails the members of accepted teams when a phase of their challenge opens; how many phases were announced. */
export async function notifyOpenedPhases(deps: { config: Config; db: Pool }): Promise<number> {
  return inTransaction(deps.db, (client) => notifyOpenedIn(deps.config, client));
}

async function notifyOpenedIn(config: Config, client: PoolClient): Promise<number> {
  const claimed = await client.query<{ id: number; name: string; challenge_id: number; slug: string; title: string; closes_at: Date }>(
    `update phases p set opening_notified_at = now() from challenges c
     where p.id in (select id from phases where opening_notified_at is null and opens_at <= now() limit 20 for update skip locked)
       and c.id = p.challenge_id
     returning p.id, p.name, p.challenge_id, c.slug, c.title, p.closes_at`,
  );
  for (const phase of claimed.rows) {
    if (phase.closes_at <= new Date()) continue; // opened and closed while nobody checked: nothing to announce
    const members = await client.query<{ email: string }>(
      `select distinct u.email from team_members m join teams t on t.id = m.team_id join users u on u.id = m.user_id
       where t.challenge_id = $1 and t.status = 'accepted' and u.email_verified_at is not null`,
      [phase.challenge_id],
    );
    const link = clientLink(config, `/challenges/${phase.slug}`);
    for (const { email } of members.rows) {
      await queueMail(client, {
        kind: 'phase-opened',
        to: email,
        subject: `Carina: "${phase.name}" of "${phase.title}" is open`,
        text: `The phase "${phase.name}" of "${phase.title}" is open for submissions until ${phase.closes_at.toISOString()} (UTC).\n${link}\n`,
        links: { challenge: link },
      });
    }
  }
  return claimed.rowCount ?? 0;
}

/** Runs both periodic checks now and then every `everyMs`. */
export function startNotifier(deps: { config: Config; db: Pool }, everyMs = NOTIFY_EVERY_MS): NodeJS.Timeout {
  const run = () =>
    void Promise.all([notifyFinishedSubmissions(deps), notifyOpenedPhases(deps)]).catch((error) =>
      logEvent('warn', 'notifications check failed', { reason: (error as Error).message }),
    );
  run();
  return setInterval(run, everyMs).unref();
}
