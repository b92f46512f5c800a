/**
 * Holm's step-down adjustment of p-values, as R's `p.adjust(p, "holm")`: sort ascending, multiply the i-th
 * smallest (1-based) by m − i + 1, keep the running maximum, cap at 1, return in the input order. NaN entries
 * stay NaN and do not count in m (R drops NAs). Pure.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const present = p.map((value, index) => ({ value, index })).filter((e) => !Number.isNaN(e.value));
  present.sort((a, b) => a.value - b.value || a.index - b.index);
  const m = present.length;
  const adjusted = p.map(() => Number.NaN);
  let running = 0;
  present.forEach((entry, i) => {
    running = Math.max(running, Math.min(1, (m - i) * entry.value));
    adjusted[entry.index] = running;
  });
  return adjusted;
}
