/**
 * The `Range` header of a download (RFC 9110 §14): which bytes of a file of `size` bytes to send. One
 * `bytes=` range is served as a 206; several ranges are answered with the whole file (a server may ignore
 * Range, and no download tool needs multipart/byteranges); a range wholly past the end is unsatisfiable (416);
 * a malformed header or another unit is ignored, as the RFC asks.
 *
 * `If-Range` (§13.1.5): the range applies only when the validator names the current representation — here the
 * strong ETag `"<sha256>"`; a date or another ETag gets the whole file.
 */
export type RangeDecision =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (!header) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const specs = match[1].split(',');
  if (specs.length !== 1) return { kind: 'whole' };
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0]);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'whole' };
  if (spec[1] === '') {
    // suffix range: the last N bytes
    const suffix = Number(spec[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const last = spec[2] === '' ? size - 1 : Number(spec[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last)) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  if (last < start) return { kind: 'whole' };
  return { kind: 'partial', start, end: Math.min(last, size - 1) };
}

/** Whether an If-Range validator still names the file whose strong ETag is `etag` (absent: the range applies). */
export function ifRangeHolds(ifRange: string | undefined, etag: string): boolean {
  if (ifRange === undefined) return true;
  return ifRange.trim() === etag;
}
