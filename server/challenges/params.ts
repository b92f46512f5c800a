/** Route parameters that name rows by id: anything but a positive integer names nothing. */
import { AppError } from '../errors.ts';

export function idParam(raw: unknown, what: string): number {
  const text = String(raw ?? '');
  const id = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError('NOT_FOUND', `no ${what} ${text}`);
  return id;
}
