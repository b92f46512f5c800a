/**
 * Per-stage wall and CPU time of one job, for the worker's "case scored" log line and `npm run bench:scale`:
 * CPU comes from process.cpuUsage (user + system of the whole process, so it also counts GC and the queue's own
 * work that ran during the stage).
 */
export interface StageTimes {
  /** stage → [wall ms, CPU ms] */
  readonly [stage: string]: readonly [number, number];
}

export class StageClock {
  private readonly times: Record<string, [number, number]> = {};
  private wall = performance.now();
  private cpu = process.cpuUsage();

  /** Closes the running stage under `name` and starts the next one. */
  lap(name: string): void {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const spent = this.times[name] ?? [0, 0];
    spent[0] += wall - this.wall;
    spent[1] += (cpu.user - this.cpu.user + cpu.system - this.cpu.system) / 1000;
    this.times[name] = spent;
    this.wall = wall;
    this.cpu = cpu;
  }

  report(): StageTimes {
    return Object.fromEntries(Object.entries(this.times).map(([k, [w, c]]) => [k, [Math.round(w), Math.round(c)] as const]));
  }
}
