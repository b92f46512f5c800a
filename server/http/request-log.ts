/** One JSON line per request: method, path, status, duration. */
import type { RequestHandler } from 'express';
import { logEvent } from '../../evaluator/index.ts';

export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logEvent(res.statusCode >= 500 ? 'error' : 'debug', 'request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    next();
  };
}
