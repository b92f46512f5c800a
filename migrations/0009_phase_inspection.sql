-- The 3D inspection shows the gold standard's shape (each branch coloured detected or missed). Teams see it for
-- their own submissions only where the organisers allow it (e.g. a validation phase), never by default.
alter table phases add column teams_inspect_in_3d boolean not null default false;
