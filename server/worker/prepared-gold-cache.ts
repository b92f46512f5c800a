/**
 * Prepared gold standards are decoded once per worker process and kept in a small LRU: a phase's cases are
 * scored again and again, and decoding costs ~100 ms and a few hundred MB at most.
 */
import { decodePreparedGold, type PreparedGold } from '../../evaluator/index.ts';
import type { Storage } from '../storage/storage.ts';

export class PreparedGoldCache {
  private readonly entries = new Map<string, PreparedGold>();
  constructor(
    private readonly storage: Storage,
    private readonly capacity = 4,
  ) {}

  async get(key: string): Promise<PreparedGold> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const gold = decodePreparedGold(await this.storage.getObject(key), key);
    this.entries.set(key, gold);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return gold;
  }
}
