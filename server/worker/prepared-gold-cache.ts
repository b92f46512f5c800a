/**
 * Prepared gold standards are decoded once per worker process and kept in a small LRU: a phase's cases are
 * scored again and again, and decoding costs ~100 ms and a few hundred MB at most.
 *
 * A cached file this evaluator cannot read (an older prepared-gold format, e.g. version 1 from before the AIIB23
 * suite, or a damaged file) is never misread: `rebuild` prepares the gold standard again from its uploaded file
 * and the new file replaces the old one under the same key.
 */
import { decodePreparedGold, EvaluatorError, logEvent, type PreparedGold } from '../../evaluator/index.ts';
import type { Storage } from '../storage/storage.ts';

export type PreparedGoldRebuild = () => Promise<PreparedGold>;

export class PreparedGoldCache {
  private readonly entries = new Map<string, PreparedGold>();
  constructor(
    private readonly storage: Storage,
    private readonly capacity = 4,
  ) {}

  async get(key: string, rebuild?: PreparedGoldRebuild): Promise<PreparedGold> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let gold: PreparedGold;
    try {
      gold = decodePreparedGold(await this.storage.getObject(key), key);
    } catch (error) {
      if (!(error instanceof EvaluatorError && error.code === 'BAD_PREPARED_GOLD') || !rebuild) throw error;
      logEvent('warn', 'prepared gold standard unreadable: preparing it again', { key, reason: error.message });
      gold = await rebuild();
    }
    this.entries.set(key, gold);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return gold;
  }
}
