/**
 * A positive integer id from a path parameter (leaderboards, the organisers' review); anything else names no
 * resource. (server/challenges/params.ts has the older spelling of the same check, with a shorter message.)
 */
import { AppError } from '../errors.ts';

export function idParam(value: unknown, what: string): number {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no ${what} "${String(value)}"; ids are positive integers`);
  return id;
}
