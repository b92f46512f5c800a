-- Release download throttling shared by every server process (server/releases/download-throttle.ts).
--
-- download_leases: one lease per running transfer, renewed while it runs and deleted when it ends; a crashed
-- server stops renewing, so its leases lapse by themselves. download_rate_limits: the per-minute request counters
-- (rate-limiter-flexible's PostgreSQL store, the shape of rate_limits; one row per team, reused minute after
-- minute). Both are unlogged: they are worth nothing after a crash of PostgreSQL (the transfers died with the
-- connections, a minute's count starts again), and without WAL a download request costs no disk flush.
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

create unlogged table download_rate_limits (
  key     varchar(255) primary key,
  points  integer not null default 0,
  expire  bigint
);

-- Takes a lease on one of a key's `max_running` slots, in one transaction serialized per key: the advisory lock
-- first, then (each statement of a plpgsql function sees what committed before it started, so every lease taken
-- under the lock before) the key's lapsed leases go, the live ones are counted, and a lease is inserted only below
-- the limit. Returns how many were running before, and whether this one was taken. One round trip per request.
create function take_download_lease(key text, lease uuid, instance text, max_running integer, expiry_s double precision)
returns table (running integer, taken boolean)
language plpgsql as $$
declare
  live integer;
begin
  perform pg_advisory_xact_lock(hashtextextended('download-slots:' || key, 0));
  delete from download_leases l where l.team_key = key and l.expires_at <= now();
  select count(*) into live from download_leases l where l.team_key = key;
  if live < max_running then
    insert into download_leases (lease_id, team_key, server_instance, expires_at)
      values (lease, key, instance, now() + make_interval(secs => expiry_s));
  end if;
  return query select live, live < max_running;
end;
$$;
