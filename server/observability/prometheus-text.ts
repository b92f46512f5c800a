/**
 * The one metric family `prom-client` cannot hold: a histogram aggregated by SQL over every worker's results
 * (prom-client's histograms count observations made in this process), written in the Prometheus text format
 * (version 0.0.4) after the registry's own. https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { AggregatedHistogram } from './platform-metrics.ts';

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function formatHistogram(name: string, help: string, histogram: AggregatedHistogram): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} histogram`];
  for (const bucket of histogram.buckets) lines.push(`${name}_bucket{le="${formatValue(bucket.le)}"} ${formatValue(bucket.count)}`);
  lines.push(`${name}_bucket{le="+Inf"} ${formatValue(histogram.count)}`);
  lines.push(`${name}_sum ${formatValue(histogram.sum)}`, `${name}_count ${formatValue(histogram.count)}`);
  return lines.join('\n') + '\n';
}
