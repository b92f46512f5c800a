-- Blind phases: when teams see results (leaderboard, submission pages, exports, viewer, CLI status). 'live' (the
-- default, as before), 'after-close' (nothing until the phase closes) or 'never' (organisers only).
alter table phases add column results_visibility text not null default 'live'
  check (results_visibility in ('live', 'after-close', 'never'));

-- A model phase's CTs and gold standards never reach a team: the 3D inspection (which serves both) is off there,
-- whatever was stored before, and cannot be turned on again.
update phases set teams_inspect_in_3d = false where kind = 'model' and teams_inspect_in_3d;
alter table phases add constraint phases_no_inspection_of_model_phases check (kind <> 'model' or not teams_inspect_in_3d);

-- Uploads refused after they were received (too large, invalid): counted per team, so a team cannot make the
-- platform receive and check an unbounded number of bad uploads (server/intake/rejected-uploads.ts).
create table rejected_uploads (
  id          bigserial primary key,
  team_id     bigint not null references teams on delete cascade,
  phase_id    bigint not null references phases on delete cascade,
  code        text not null,
  rejected_at timestamptz not null default now()
);
create index rejected_uploads_team_time on rejected_uploads (team_id, rejected_at);
