-- Verified e-mail addresses, single-use account links (verification, password reset), co-organiser invitations,
-- expiring API tokens and atomic throttling counters (server/auth/, server/mail/).

-- When the owner of the address proved it by following a link sent there; null until then. An unverified account
-- may log in but cannot join or create a team, submit, or be made an organiser. Accounts made before this
-- migration are unverified (their owners verify on their next log-in), except platform admins.
alter table users add column email_verified_at timestamptz;
update users set email_verified_at = now() where is_admin;

-- The links mailed for verification and password reset: only a sha256 of the random token is stored; each is
-- used once (used_at) and expires.
create table account_tokens (
  token_hash  text primary key,
  user_id     bigint not null references users on delete cascade,
  purpose     text not null check (purpose in ('verify', 'reset')),
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz
);
create index account_tokens_user on account_tokens (user_id, purpose);
create index account_tokens_expires on account_tokens (expires_at);

-- Co-organisers are invited by address; the invitation is accepted from a signed-in, verified account of that
-- address (the invitation names the address, not an account, so a pre-registered account gains nothing).
create table organiser_invitations (
  id            bigserial primary key,
  challenge_id  bigint not null references challenges on delete cascade,
  email         text not null check (email = lower(email)),
  invited_by    bigint references users on delete set null,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  accepted_at   timestamptz
);
create unique index organiser_invitations_open on organiser_invitations (challenge_id, email) where accepted_at is null;
create index organiser_invitations_email on organiser_invitations (email);

-- API tokens expire (API_TOKEN_TTL_DAYS); tokens made before this migration get the default lifetime from now.
alter table api_tokens add column expires_at timestamptz;
update api_tokens set expires_at = now() + interval '90 days';
alter table api_tokens alter column expires_at set not null;

-- rate-limiter-flexible's Postgres store (one atomic upsert per attempt): key, points used, expiry in ms since
-- the epoch. Keys are hashed (no e-mail addresses in this table).
create table rate_limits (
  key     varchar(255) primary key,
  points  integer not null default 0,
  expire  bigint
);
create index rate_limits_expire on rate_limits (expire);

-- Throttling moved to rate_limits: the old per-attempt log (never purged) goes.
drop table login_attempts;

-- Notifications by mail (server/mail/notifications.ts): when a finished submission's team and an opened phase's
-- participants were told; rows finished or opened before this migration count as told (no mail storm on upgrade).
alter table submissions add column notified_at timestamptz;
update submissions set notified_at = now() where finished_at is not null;
create index submissions_to_notify on submissions (finished_at) where notified_at is null and finished_at is not null;
alter table phases add column opening_notified_at timestamptz;
update phases set opening_notified_at = now() where opens_at <= now();
