-- Accounts, browser sessions, personal API tokens and login throttling.
create table users (
  id            bigserial primary key,
  email         text not null unique check (email = lower(email) and position('@' in email) > 1),
  display_name  text not null check (length(display_name) between 1 and 80),
  password_hash text not null,
  is_admin      boolean not null default false,
  created_at    timestamptz not null default now()
);

-- The cookie holds a random token; the table keeps only its sha256.
create table sessions (
  token_hash  text primary key,
  user_id     bigint not null references users on delete cascade,
  csrf_token  text not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id           bigserial primary key,
  user_id      bigint not null references users on delete cascade,
  name         text not null check (length(name) between 1 and 80),
  token_hash   text not null unique,
  prefix       text not null,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create index api_tokens_user on api_tokens (user_id);

create table login_attempts (
  key        text not null,
  at         timestamptz not null default now(),
  succeeded  boolean not null
);
create index login_attempts_key_at on login_attempts (key, at);
