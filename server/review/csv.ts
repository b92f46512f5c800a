/**
 * CSV as RFC 4180 writes it, through `csv-stringify`: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote, CR or LF, quotes inside doubled. Text cells that a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) get a leading `'` (OWASP "CSV injection"); numbers are written as numbers,
 * dates as ISO 8601, booleans as true/false, objects as JSON.
 */
import { stringify, type Options } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;
const guarded = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

const OPTIONS: Options = {
  record_delimiter: '\r\n',
  // csv-stringify quotes a field holding the whole record delimiter; RFC 4180 wants a lone CR or LF quoted too
  quoted_match: /[\r\n]/,
  cast: {
    string: guarded,
    number: (value) => (Number.isFinite(value) ? String(value) : ''),
    boolean: (value) => (value ? 'true' : 'false'),
    date: (value) => value.toISOString(),
    object: (value) => guarded(JSON.stringify(value)),
  },
};

export function csvLine(cells: readonly unknown[]): string {
  return stringify([cells as unknown[]], OPTIONS);
}

export function csvCell(value: unknown): string {
  return csvLine([value]).slice(0, -2);
}

/** A header row then one line per record, in the header's column order. */
export function csvTable(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  return stringify(records as Array<Record<string, unknown>>, { ...OPTIONS, header: true, columns: [...columns] });
}
