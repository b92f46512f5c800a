-- The mail outbox (server/mail/): every mail is a row here first, written in the transaction of the change that
-- causes it, and a sender in each server process delivers it (SMTP_URL, or the .eml folder without it), retrying
-- with a doubling delay until it is sent, MAIL_MAX_ATTEMPTS attempts have failed, or give_up_at has passed.
-- The body (which may hold a single-use link) and the links are set to null once the mail is sent or given up.
create table mail_outbox (
  id               bigserial primary key,
  -- what the mail is about: verify, reset, already-registered, organiser-invitation, team-decision, ...
  kind             text not null,
  recipient        text not null,
  subject          text not null,
  body_text        text,
  body_html        text,
  -- the links the body carries, by purpose (logged in .eml mode for whoever runs the platform without SMTP)
  links            jsonb,
  created_at       timestamptz not null default now(),
  -- attempts started (a claim counts one); the next is due at next_attempt_at, which a claim moves forward by
  -- the sender's lease so that no other sender takes the row while it is being delivered
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default now(),
  -- a mail not delivered by then is given up (24 h, or the lifetime of the link it carries)
  give_up_at       timestamptz not null default now() + interval '24 hours',
  last_error       text,
  sent_at          timestamptz,
  failed_at        timestamptz,
  check (sent_at is null or failed_at is null),
  check ((sent_at is null and failed_at is null) or (body_text is null and body_html is null and links is null))
);
-- the senders' claim: due rows, oldest first
create index mail_outbox_due on mail_outbox (next_attempt_at, id) where sent_at is null and failed_at is null;
-- housekeeping: sent and failed rows are purged after some days
create index mail_outbox_sent on mail_outbox (sent_at) where sent_at is not null;
create index mail_outbox_failed on mail_outbox (failed_at) where failed_at is not null;

-- An insert wakes the senders at once (LISTEN mail_outbox); inside a transaction the notification is delivered
-- at its commit, so a sender never looks before the row is visible.
create function mail_outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('mail_outbox', '');
  return null;
end $$;
create trigger mail_outbox_inserted after insert on mail_outbox for each statement execute function mail_outbox_notify();
