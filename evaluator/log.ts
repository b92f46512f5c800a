/** Structured logs: one JSON object per line on stderr, so stdout stays for results. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (level === 'debug' && !process.env.CARINA_DEBUG) return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
}
