-- Resumable uploads (tus 1.0.0, server/uploads/): one row per upload a participant opened for a phase. The bytes
-- live in the storage's scratch folder (<scratchDir>/resumable/<id>.part); the part file's size is the offset,
-- this row says whose upload it is, how long it will be and until when it is kept.
create table resumable_uploads (
  -- random and unguessable: the id is in the upload's URL
  id             text primary key check (id ~ '^[0-9a-f]{32}$'),
  user_id        bigint not null references users on delete cascade,
  team_id        bigint not null references teams on delete cascade,
  phase_id       bigint not null references phases on delete cascade,
  file_name      text not null check (length(file_name) between 1 and 255),
  length_bytes   bigint not null check (length_bytes >= 0),
  -- bytes received as of the last PATCH: lets a new upload be refused at once when the disk cannot hold it
  -- together with the bytes already promised to unfinished uploads
  offset_bytes   bigint not null default 0 check (offset_bytes between 0 and length_bytes),
  -- the metadata the client sent at creation (decoded), given back on HEAD as Upload-Metadata
  metadata       jsonb not null default '{}',
  created_at     timestamptz not null default now(),
  -- pushed forward by every PATCH; past it, the upload and its bytes are removed (tus expiration)
  expires_at     timestamptz not null,
  completed_at   timestamptz,
  -- set while a submission is being made from this upload, so two requests cannot use it at once
  claimed_until  timestamptz
);
create index resumable_uploads_team_phase on resumable_uploads (team_id, phase_id);
create index resumable_uploads_expires on resumable_uploads (expires_at);
