/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a few metric families per scrape do
 * not need a client library. https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly Sample[];
}

export interface HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  /** Upper bounds in increasing order, each with the cumulative count of observations ≤ it (+Inf is added). */
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly count: number }>;
  readonly count: number;
  readonly sum: number;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function line(name: string, labels: Labels | undefined, value: number): string {
  const pairs = Object.entries(labels ?? {}).map(([key, v]) => `${key}="${escapeLabel(v)}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`;
}

export function formatFamilies(families: ReadonlyArray<MetricFamily | HistogramFamily>): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const bucket of family.buckets) lines.push(line(`${family.name}_bucket`, { le: formatValue(bucket.le) }, bucket.count));
      lines.push(line(`${family.name}_bucket`, { le: '+Inf' }, family.count));
      lines.push(line(`${family.name}_sum`, undefined, family.sum), line(`${family.name}_count`, undefined, family.count));
    } else {
      for (const sample of family.samples) lines.push(line(family.name, sample.labels, sample.value));
    }
  }
  return lines.join('\n') + '\n';
}
