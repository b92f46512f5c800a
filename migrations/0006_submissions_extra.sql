-- A team's own note on a submission (e.g. which model or settings produced it), shown to the team and organisers.
alter table submissions add column note text check (note is null or length(note) between 1 and 1000);
