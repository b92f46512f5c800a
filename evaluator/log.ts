/**
 * Structured logs through pino: one JSON object per line on stderr (`{"level":"info","time":"<ISO>",…fields,
 * "msg":…}`), so stdout stays for results. CARINA_LOG_LEVEL (debug, info, warn, error; default info) is read at
 * each call, as entry points and tests may set it after this module loaded.
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(['debug', 'info', 'warn', 'error']);
const configuredLevel = (): LogLevel => {
  const level = process.env.CARINA_LOG_LEVEL;
  return level && LEVELS.has(level) ? (level as LogLevel) : 'info';
};

const logger = pino(
  {
    level: configuredLevel(),
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  // synchronous: lines keep their order with other stderr output and none is lost when a process exits
  pino.destination({ fd: 2, sync: true }),
);

export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const wanted = configuredLevel();
  if (logger.level !== wanted) logger.level = wanted;
  logger[level](fields, msg);
}
