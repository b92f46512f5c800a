-- Teams: the unit of participation, quotas and the leaderboard. One team per participant per challenge.
create table teams (
  id            bigserial primary key,
  challenge_id  bigint not null references challenges on delete cascade,
  name          text not null check (length(name) between 1 and 80),
  invite_code   text not null unique,
  captain_id    bigint not null references users,
  -- participation request: accepted at once under the 'auto' policy
  status        text not null default 'pending' check (status in ('pending', 'accepted', 'rejected')),
  status_reason text,
  created_at    timestamptz not null default now(),
  unique (challenge_id, name)
);

create table team_members (
  team_id               bigint not null references teams on delete cascade,
  user_id               bigint not null references users on delete cascade,
  challenge_id          bigint not null references challenges on delete cascade,
  agreement_accepted_at timestamptz,
  joined_at             timestamptz not null default now(),
  primary key (team_id, user_id),
  unique (challenge_id, user_id)
);
