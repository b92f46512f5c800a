/**
 * Reading a submitted volume to validate it holds its voxels in memory (a 512×512×600 mask is 150 MB). Uploads
 * stream to disk however many arrive together; their validation takes one of a few slots, so the server's memory
 * stays bounded by the slot count, not by the number of concurrent uploads. Validation is CPU-bound, so more slots
 * than cores would not finish sooner anyway.
 */
import { availableParallelism } from 'node:os';

export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(count: number) {
    this.free = count;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** One process-wide set of validation slots. */
export const validationSlots = new Slots(Math.max(1, Math.min(2, availableParallelism())));
