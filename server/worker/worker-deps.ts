/**
 * What every handler of a worker process shares: the platform's dependencies, the prepared-gold cache, and when
 * the process last worked on a job people wait for (viewer builds run only when it has been idle a while).
 */
import { hostname } from 'node:os';
import type { VolumeBuffer } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import type { PreparedGoldCache } from './prepared-gold-cache.ts';

export const WORKER_ID = `${hostname()}:${process.pid}`;

export class WorkerActivity {
  private running = 0;
  private lastBusy = performance.now();

  /** Runs a job people wait for (scoring, preparing, inferring), counted as busy. */
  async busy<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.lastBusy = performance.now();
    }
  }

  /** True when no such job has run for `ms`: the queue had nothing for this process to take meanwhile. */
  idleFor(ms: number): boolean {
    return this.running === 0 && performance.now() - this.lastBusy >= ms;
  }
}

export interface WorkerDeps extends AppDeps {
  readonly goldCache: PreparedGoldCache;
  readonly activity: WorkerActivity;
  /** The memory every prediction this process scores is inflated into (one case at a time per process). */
  readonly predictionBuffer: VolumeBuffer;
}
