-- Release downloads running now, shared by every server process (server/releases/download-leases.ts): one lease
-- per transfer, taken under a per-team advisory lock when at most DOWNLOADS_PER_TEAM live leases exist, renewed
-- while the transfer runs and deleted when it ends. A crashed server stops renewing, so its leases expire by
-- themselves. Unlogged: a lease is worth nothing after a crash of PostgreSQL (the transfers died with the
-- connections), and without WAL taking and freeing one costs no disk flush.
create unlogged table download_leases (
  lease_id        uuid primary key,
  -- "team:<id>", or "user:<id>" for an organiser
  team_key        text not null,
  -- which server process holds it (host:pid:random), for the operator reading this table
  server_instance text not null,
  started_at      timestamptz not null default now(),
  expires_at      timestamptz not null
);
create index download_leases_team_key on download_leases (team_key, expires_at);
