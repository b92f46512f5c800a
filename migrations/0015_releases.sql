-- Data releases (server/releases/): what an organiser gives teams to download — a training set, the inputs of a
-- mask phase, documents, or a link to data kept elsewhere — with its files (stored blobs, never copied), the teams
-- whose access was revoked, single-use download tokens and an append-only log of every access.
create table releases (
  id           bigserial primary key,
  challenge_id bigint not null references challenges on delete cascade,
  -- the phase a release belongs to (the inputs of a mask phase; optional for the other kinds)
  phase_id     bigint references phases on delete cascade,
  kind         text not null check (kind in ('training', 'phase-inputs', 'documents', 'external')),
  name         text not null check (length(name) between 1 and 120),
  description  text not null default '' check (length(description) <= 4000),
  version      text not null default '1' check (version ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  -- a DOI or URL, for kind 'external' only
  external_url text check (external_url is null or external_url ~ '^(https?://|doi:)'),
  opens_at     timestamptz not null,
  closes_at    timestamptz check (closes_at is null or closes_at > opens_at),
  created_by   bigint references users,
  created_at   timestamptz not null default now(),
  unique (challenge_id, name, version),
  check ((kind = 'external') = (external_url is not null)),
  check (kind <> 'phase-inputs' or phase_id is not null)
);

create table release_files (
  id             bigserial primary key,
  release_id     bigint not null references releases on delete cascade,
  name           text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.() -]{0,199}$'),
  sha256         text not null references blobs,
  size_bytes     bigint not null check (size_bytes >= 0),
  role           text not null check (role in ('ct', 'gold', 'document', 'other')),
  -- set when the file was picked from a phase's cases: the rules on model phases and open phases follow it
  source_case_id bigint references cases on delete set null,
  added_by       bigint references users,
  added_at       timestamptz not null default now(),
  unique (release_id, name)
);
create index release_files_sha256 on release_files (sha256);

create table release_revocations (
  release_id bigint not null references releases on delete cascade,
  team_id    bigint not null references teams on delete cascade,
  reason     text,
  revoked_by bigint references users,
  revoked_at timestamptz not null default now(),
  primary key (release_id, team_id)
);

-- single-use download URLs of a release's manifest: only the token's sha256 is kept
create table release_download_tokens (
  token_sha256 text primary key check (token_sha256 ~ '^[0-9a-f]{64}$'),
  file_id      bigint not null references release_files on delete cascade,
  user_id      bigint not null references users on delete cascade,
  expires_at   timestamptz not null,
  used_at      timestamptz
);

-- every access: a file (or part of it), a whole-release archive, a manifest, a link shown. Insert only; the ids
-- are plain numbers (no foreign keys) so the record outlives a deleted challenge, and the names are copied.
create table release_access_log (
  id           bigserial primary key,
  challenge_id bigint not null,
  release_id   bigint not null,
  file_id      bigint,
  file_name    text,
  user_id      bigint,
  user_email   text,
  team_id      bigint,
  team_name    text,
  action       text not null check (action in ('file', 'archive', 'manifest', 'link')),
  -- bytes of the body handed to the connection (a dropped download logs what was sent before the drop)
  bytes_sent   bigint not null default 0 check (bytes_sent >= 0),
  -- the Range the caller asked for, as sent ("bytes=100-")
  range        text,
  address      text,
  at           timestamptz not null default now()
);
create index release_access_log_release on release_access_log (release_id, at);
create index release_access_log_team on release_access_log (team_id, at);

create function release_access_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'release_access_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger release_access_log_append_only before update or delete on release_access_log
  for each row execute function release_access_log_is_append_only();
create trigger release_access_log_no_truncate before truncate on release_access_log
  for each statement execute function release_access_log_is_append_only();
