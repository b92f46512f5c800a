-- Re-evaluation runs are read by run (progress, diff, publish) and listed per phase.
create index evaluations_run on evaluations (run_id) where run_id is not null;
create index evaluation_runs_phase on evaluation_runs (phase_id, id);
