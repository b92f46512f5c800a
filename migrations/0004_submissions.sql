-- Submissions, their files, per-case evaluations (one row per submission, case and run), re-evaluation runs and
-- the organisers' audit log.
create table submissions (
  id                  bigserial primary key,
  phase_id            bigint not null references phases on delete cascade,
  team_id             bigint not null references teams on delete cascade,
  submitted_by        bigint not null references users,
  status              text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  -- a failure caused by the platform does not use up the team's quota
  counts_toward_quota boolean not null default true,
  warnings            jsonb not null default '[]',
  hidden              boolean not null default false,
  hidden_reason       text,
  disqualified        boolean not null default false,
  disqualified_reason text,
  -- mean and standard deviation per metric over the cases, set when the last case lands
  aggregate           jsonb,
  created_at          timestamptz not null default now(),
  finished_at         timestamptz
);
create index submissions_phase_team on submissions (phase_id, team_id, created_at);

create table submission_files (
  submission_id bigint not null references submissions on delete cascade,
  case_id       bigint not null references cases on delete cascade,
  sha256        text not null references blobs,
  original_name text not null,
  primary key (submission_id, case_id)
);

-- A re-evaluation runs as a candidate: its results are reviewed before they replace the published ones.
create table evaluation_runs (
  id           bigserial primary key,
  phase_id     bigint not null references phases on delete cascade,
  submission_id bigint references submissions on delete cascade,
  reason       text not null,
  status       text not null default 'running' check (status in ('running', 'ready', 'published', 'discarded')),
  created_by   bigint references users,
  created_at   timestamptz not null default now(),
  decided_at   timestamptz
);

create table evaluations (
  id               bigserial primary key,
  submission_id    bigint not null references submissions on delete cascade,
  case_id          bigint not null references cases on delete cascade,
  run_id           bigint references evaluation_runs on delete cascade,
  gold_standard_id bigint references gold_standards,
  status           text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  attempts         integer not null default 0,
  progress         jsonb,
  heartbeat_at     timestamptz,
  worker           text,
  error_code       text,
  error_message    text,
  error_owner      text check (error_owner in ('team', 'platform')),
  metrics          jsonb,
  provenance       jsonb,
  queued_at        timestamptz not null default now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
create unique index evaluations_published on evaluations (submission_id, case_id) where run_id is null;
create unique index evaluations_candidate on evaluations (submission_id, case_id, run_id) where run_id is not null;
create index evaluations_queued on evaluations (status, queued_at);

create table audit_log (
  id          bigserial primary key,
  actor_id    bigint references users,
  action      text not null,
  target_type text not null,
  target_id   bigint,
  reason      text,
  details     jsonb,
  at          timestamptz not null default now()
);
create index audit_log_target on audit_log (target_type, target_id);
