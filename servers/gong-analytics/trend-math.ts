/**
 * Pure significance of a change in how often a term comes up: the share of calls mentioning it in the
 * current period against the previous period, a two-proportion z-test (pooled standard error) and its
 * two-sided p-value. No I/O.
 */
export interface TermChange {
  current: number;
  previous: number;
  currentShare: number;
  previousShare: number;
  /** current share / previous share (Infinity when new). */
  lift: number;
  z: number;
  pValue: number;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export function termChange(
  current: number,
  currentTotal: number,
  previous: number,
  previousTotal: number,
): TermChange {
  const p1 = currentTotal > 0 ? current / currentTotal : 0;
  const p0 = previousTotal > 0 ? previous / previousTotal : 0;
  const pooled = currentTotal + previousTotal > 0 ? (current + previous) / (currentTotal + previousTotal) : 0;
  const se = Math.sqrt(
    pooled * (1 - pooled) * (1 / Math.max(currentTotal, 1) + 1 / Math.max(previousTotal, 1)),
  );
  const z = se > 0 ? (p1 - p0) / se : 0;
  return {
    current,
    previous,
    currentShare: p1,
    previousShare: p0,
    lift: p0 > 0 ? p1 / p0 : p1 > 0 ? Infinity : 1,
    z,
    pValue: 2 * (1 - normalCdf(Math.abs(z))),
  };
}

/** Rising and falling terms significant at `alpha`, strongest first. */
export function rankChanges<T extends { change: TermChange }>(
  items: readonly T[],
  alpha = 0.05,
  minCalls = 2,
): { rising: T[]; falling: T[] } {
  const sig = items.filter(
    (i) => i.change.pValue < alpha && Math.max(i.change.current, i.change.previous) >= minCalls,
  );
  return {
    rising: sig.filter((i) => i.change.z > 0).sort((a, b) => b.change.z - a.change.z),
    falling: sig.filter((i) => i.change.z < 0).sort((a, b) => a.change.z - b.change.z),
  };
}
