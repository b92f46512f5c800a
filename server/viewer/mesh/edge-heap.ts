/**
 * A binary min-heap of candidate edge collapses (cost, u, v) with the version stamps of u and v when the entry was
 * made: entries whose vertices changed since are stale and skipped by the caller (lazy deletion).
 */
export class EdgeHeap {
  private cost = new Float64Array(1024);
  private ends = new Int32Array(2048);
  private stamps = new Uint32Array(2048);
  size = 0;

  push(cost: number, u: number, v: number, stampU: number, stampV: number): void {
    if (this.size === this.cost.length) this.grow();
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.cost[parent] <= cost) break;
      this.move(parent, at);
      at = parent;
    }
    this.cost[at] = cost;
    this.ends[2 * at] = u;
    this.ends[2 * at + 1] = v;
    this.stamps[2 * at] = stampU;
    this.stamps[2 * at + 1] = stampV;
  }

  /** Removes the cheapest entry into `out` = [cost, u, v, stampU, stampV]; false when empty. */
  pop(out: number[]): boolean {
    if (this.size === 0) return false;
    out[0] = this.cost[0];
    out[1] = this.ends[0];
    out[2] = this.ends[1];
    out[3] = this.stamps[0];
    out[4] = this.stamps[1];
    const last = --this.size;
    if (last === 0) return true;
    const cost = this.cost[last];
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= last) break;
      if (child + 1 < last && this.cost[child + 1] < this.cost[child]) child++;
      if (this.cost[child] >= cost) break;
      this.move(child, at);
      at = child;
    }
    this.move(last, at);
    return true;
  }

  private move(from: number, to: number): void {
    this.cost[to] = this.cost[from];
    this.ends[2 * to] = this.ends[2 * from];
    this.ends[2 * to + 1] = this.ends[2 * from + 1];
    this.stamps[2 * to] = this.stamps[2 * from];
    this.stamps[2 * to + 1] = this.stamps[2 * from + 1];
  }

  private grow(): void {
    const cost = new Float64Array(this.cost.length * 2);
    cost.set(this.cost);
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    const stamps = new Uint32Array(this.stamps.length * 2);
    stamps.set(this.stamps);
    this.cost = cost;
    this.ends = ends;
    this.stamps = stamps;
  }
}
