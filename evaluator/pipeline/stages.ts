/**
 * A pipeline is an ordered list of named stages; the runner records each stage's wall time and, when one
 * throws, which stage failed.
 */
export interface StageTiming {
  readonly stage: string;
  readonly ms: number;
}

export class StageFailure extends Error {
  readonly stage: string;
  override readonly cause: unknown;
  constructor(stage: string, cause: unknown) {
    super(`stage "${stage}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StageFailure';
    this.stage = stage;
    this.cause = cause;
  }
}

export class StageClock {
  readonly timings: StageTiming[] = [];
  /** Runs one stage (sync or async) and records its time. */
  async run<T>(stage: string, work: () => T | Promise<T>, onProgress?: (stage: string) => void): Promise<T> {
    onProgress?.(stage);
    const start = performance.now();
    try {
      return await work();
    } catch (error) {
      if (error instanceof StageFailure) throw error;
      // input errors keep their own type and message; the stage is still on record
      (error as { stage?: string }).stage ??= stage;
      throw error;
    } finally {
      this.timings.push({ stage, ms: Math.round((performance.now() - start) * 10) / 10 });
    }
  }
}
