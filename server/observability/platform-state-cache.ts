/**
 * The database-derived metrics (counts by status over the evaluations and submissions tables, the scoring-time
 * histogram over every finished evaluation) are whole-table aggregates: read at most once per `ttlS` seconds,
 * and once for any number of scrapes arriving together, so neither a fast scraper nor many of them (or anyone who
 * reaches an unprotected /metrics) can make the database run them in a loop. A failed read is not cached.
 */
import type { PlatformState } from './platform-metrics.ts';

export class PlatformStateCache {
  private value?: { state: PlatformState; at: number };
  private pending?: Promise<PlatformState>;
  /** How many times the database was read (exported as carina_metrics_database_reads_total). */
  reads = 0;

  constructor(
    private readonly read: () => Promise<PlatformState>,
    private readonly ttlS: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Seconds since the state was read, for the scrape (0 right after a read). */
  ageS(): number {
    return this.value ? (this.now() - this.value.at) / 1000 : 0;
  }

  async get(): Promise<PlatformState> {
    if (this.value && this.now() - this.value.at < this.ttlS * 1000) return this.value.state;
    this.pending ??= this.read()
      .then((state) => {
        this.reads += 1;
        this.value = { state, at: this.now() };
        return state;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
