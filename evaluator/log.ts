/** Structured logs: one JSON object per line on stderr, so stdout stays for results. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const threshold = (): number => RANK[(process.env.CARINA_LOG_LEVEL as LogLevel) ?? 'info'] ?? RANK.info;

export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold()) return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
}
