-- The metric suites a phase scores with (contract/metric-suites.ts: 'atm22', 'aiib23'), in the order its pages show
-- them; every existing phase keeps ATM'22 alone. A re-evaluation run may carry the suites it scores with: publishing
-- it gives them to the phase (a phase's suites change only through a reviewed run once it has results).
alter table phases add column metric_suites text[] not null default '{atm22}';
alter table evaluation_runs add column metric_suites text[];
