/** How a model phase's limits and a model run's progress are shown. Pure. */
import type { ModelLimits } from '../api/types.ts';
import { formatBytes } from './format.ts';

/** A phase's model limits (`phase.modelLimits`, or `limits` of its model rules). */
export type LimitsShown = ModelLimits;

/** "5 min 30 s", "45 s", "2 h 0 min": a duration in seconds, whole units. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "2048 MB" up to 10 GB, then GB with one decimal. */
export function formatMegabytes(mb: number): string {
  return mb >= 10_240 ? `${(mb / 1024).toFixed(1)} GB` : `${mb} MB`;
}

export function limitsLines(limits: LimitsShown): string[] {
  return [
    `Model file: at most ${formatBytes(limits.maxBytes)} (one .onnx, all weights inside)`,
    `Time per case: ${formatSeconds(limits.timeLimitPerCaseS)}`,
    `Memory per case: ${formatMegabytes(limits.memoryLimitPerCaseMb)}`,
  ];
}

/** "12 / 40 patches (30 %)", "— " when the run has not started counting. */
export function runProgress(done: number | null, total: number | null): string {
  if (total === null || total <= 0) return done ? `${done} patches` : '—';
  const d = Math.min(done ?? 0, total);
  return `${d} / ${total} patches (${Math.floor((100 * d) / total)} %)`;
}

/** Run time in ms as "850 ms", "12.3 s", "2 min 5 s"; "—" when unknown. */
export function formatRunTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatSeconds(ms / 1000);
}

/** A problem with the manifest text before upload (not JSON, not an object), or null when it parses to an object. */
export function manifestProblem(text: string): string | null {
  if (!text.trim()) return 'the manifest is empty: paste the JSON manifest (the example is a starting point)';
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : 'the manifest must be a JSON object ({ … })';
  } catch (error) {
    return `the manifest is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}
