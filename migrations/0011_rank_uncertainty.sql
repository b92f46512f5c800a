-- The leaderboard's rank uncertainty, cached per phase (server/leaderboards/uncertainty.ts): computed by the
-- `rank-uncertainty` job when a submission finishes, a run is published or an entry is hidden or disqualified,
-- never on a request. `submission_ids` are the leaderboard entries it was computed for (sorted): the leaderboard
-- shows it only while its entries are exactly those. `result` is null when the phase has fewer than 2 entries or
-- 5 cases (no interval is meaningful then). `scheme` is the phase's ranking it was computed under: after the
-- organisers change it, the leaderboard waits for the recomputation.
create table leaderboard_uncertainty (
  phase_id       bigint primary key references phases on delete cascade,
  submission_ids bigint[] not null,
  scheme         jsonb not null,
  result         jsonb,
  computed_at    timestamptz not null default now(),
  compute_ms     integer not null default 0
);
