/**
 * CSV as RFC 4180 writes it, through `csv-stringify`: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote, CR or LF, quotes inside doubled. Text cells that a spreadsheet could run as a formula
 * get a leading `'` and are always quoted (OWASP "CSV injection"): a cell starting with = + - @, tab or CR, and a
 * cell where such a character follows a separator a spreadsheet may split on (`,` `;` tab `|`, e.g.
 * `x;=HYPERLINK(…)`, which Excel in a semicolon locale splits into a cell `=HYPERLINK(…)` when unquoted). Numbers
 * are written as numbers, dates as ISO 8601, booleans as true/false, objects as JSON.
 */
import { stringify, type Options } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;
/** A formula character after a separator, optionally behind spaces or quotes, in any locale's list separator. */
const FORMULA_AFTER_SEPARATOR = /[,;\t|]\s*["']*\s*[=+\-@]/;
const guarded = (text: string): string | { value: string; quoted: boolean } =>
  FORMULA_START.test(text) || FORMULA_AFTER_SEPARATOR.test(text) ? { value: `'${text}`, quoted: true } : text;

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
