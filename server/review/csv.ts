/**
 * CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote, CR
 * or LF, quotes inside doubled. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab
 * or CR) get a leading `'` (OWASP "CSV injection"); numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A header row then one line per record, in the header's column order. */
export function csvTable(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  return csvLine(columns) + records.map((r) => csvLine(columns.map((c) => r[c]))).join('');
}
