/** This process's memory and CPU, under the metric names Prometheus client libraries use. */
import type { MetricFamily } from './prometheus-text.ts';

const startTimeS = Math.round(Date.now() / 1000 - process.uptime());

export function processMetrics(): MetricFamily[] {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ value: memory.rss }] },
    { name: 'nodejs_heap_size_total_bytes', help: 'V8 heap size in bytes.', type: 'gauge', samples: [{ value: memory.heapTotal }] },
    { name: 'nodejs_heap_size_used_bytes', help: 'V8 heap used in bytes.', type: 'gauge', samples: [{ value: memory.heapUsed }] },
    { name: 'nodejs_external_memory_bytes', help: 'Memory of C++ objects bound to JavaScript (buffers, typed arrays).', type: 'gauge', samples: [{ value: memory.external }] },
    { name: 'process_cpu_seconds_total', help: 'User and system CPU time spent, in seconds.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch, in seconds.', type: 'gauge', samples: [{ value: startTimeS }] },
  ];
}
