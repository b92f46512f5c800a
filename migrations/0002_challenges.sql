-- Challenges, their organisers, phases and cases with versioned gold standards.
create table challenges (
  id                   bigserial primary key,
  slug                 text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  title                text not null check (length(title) between 1 and 200),
  description          text not null default '',
  participation_policy text not null default 'auto' check (participation_policy in ('auto', 'review')),
  data_agreement       text,
  created_by           bigint references users,
  created_at           timestamptz not null default now()
);

create table challenge_organisers (
  challenge_id bigint not null references challenges on delete cascade,
  user_id      bigint not null references users on delete cascade,
  primary key (challenge_id, user_id)
);

create table phases (
  id                bigserial primary key,
  challenge_id      bigint not null references challenges on delete cascade,
  name              text not null check (length(name) between 1 and 100),
  kind              text not null default 'masks' check (kind in ('masks', 'model')),
  opens_at          timestamptz not null,
  closes_at         timestamptz not null check (closes_at > opens_at),
  daily_limit       integer not null default 5 check (daily_limit >= 1),
  total_limit       integer check (total_limit is null or total_limit >= 1),
  show_case_results boolean not null default true,
  -- {"scheme": "weighted", "weights": {"TD": 0.25, ...}} or {"scheme": "mean-rank", "metrics": ["TD", ...]}
  ranking           jsonb not null default '{"scheme": "weighted", "weights": {"TD": 0.25, "BD": 0.25, "DSC": 0.25, "Precision": 0.25}}',
  leaderboard_pick  text not null default 'best' check (leaderboard_pick in ('best', 'latest')),
  created_at        timestamptz not null default now(),
  unique (challenge_id, name)
);

-- Files are stored once, by content.
create table blobs (
  sha256      text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes  bigint not null,
  created_at  timestamptz not null default now()
);

create table cases (
  id           bigserial primary key,
  phase_id     bigint not null references phases on delete cascade,
  name         text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$'),
  ct_sha256    text not null references blobs,
  ct_file_name text not null,
  -- {"size": [x, y, z], "spacing": [...], "origin": [...], "direction": [...]} as read from the CT
  geometry     jsonb not null,
  created_at   timestamptz not null default now(),
  unique (phase_id, name)
);

create table gold_standards (
  id            bigserial primary key,
  case_id       bigint not null references cases on delete cascade,
  version       integer not null,
  sha256        text not null references blobs,
  file_name     text not null,
  status        text not null default 'queued' check (status in ('queued', 'running', 'ready', 'failed')),
  error_message text,
  -- storage key of the prepared form, and its summary (branch counts, timings)
  prepared_key  text,
  summary       jsonb,
  is_current    boolean not null default false,
  created_by    bigint references users,
  created_at    timestamptz not null default now(),
  prepared_at   timestamptz,
  unique (case_id, version)
);
create unique index gold_standards_one_current on gold_standards (case_id) where is_current;
