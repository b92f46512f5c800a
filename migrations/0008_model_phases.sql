-- Model phases: a team uploads an ONNX model and a manifest; the platform runs it on each hidden case (a model
-- run writes the case's mask as a submission file), then scores the masks like any submission.

-- Per-phase limits for models: upload size, and run time and memory of the inference of one case.
alter table phases
  add column model_max_bytes       bigint  not null default 209715200 check (model_max_bytes between 1024 and 4294967296),
  add column model_time_limit_s    integer not null default 1800 check (model_time_limit_s between 10 and 14400),
  add column model_memory_limit_mb integer not null default 4096 check (model_memory_limit_mb between 256 and 65536);

-- The model of a submission in a model phase (stored content-addressed like masks) and what upload validation found.
create table submission_models (
  submission_id bigint primary key references submissions on delete cascade,
  sha256        text not null references blobs,
  original_name text not null,
  manifest      jsonb not null,
  -- opsets, node and parameter counts, declared inputs and outputs, the validation run's time
  summary       jsonb not null
);

-- One inference of a submission's model on one case, feeding that case's evaluation.
create table model_runs (
  id             bigserial primary key,
  evaluation_id  bigint not null unique references evaluations on delete cascade,
  status         text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  attempts       integer not null default 0,
  patches_done   integer,
  patches_total  integer,
  provider       text,
  run_ms         integer,
  peak_memory_mb integer,
  mask_sha256    text references blobs,
  error_code     text,
  error_message  text,
  created_at     timestamptz not null default now(),
  started_at     timestamptz,
  finished_at    timestamptz
);
