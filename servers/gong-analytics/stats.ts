import { median, round } from './format.js';

/**
 * Pure aggregation of interaction statistics (Gong's definitions, domain-notes.md): per rep from sums over
 * calls, per team and tenant by pooling the reps' calls, and the team median (the median rep of the team).
 */
export const METRICS = [
  'talkRatio',
  'longestMonologueSeconds',
  'longestCustomerStorySeconds',
  'interactivity',
  'patienceSeconds',
  'questionRate',
] as const;
export type MetricName = (typeof METRICS)[number];
export type Stats = Record<MetricName, number | null> & { calls: number };

/** Sums over a rep's calls: for each metric the sum and the number of calls where it is known. */
export interface RepSums {
  key: string;
  name: string;
  team: string | null;
  calls: number;
  sums: Record<MetricName, { sum: number; n: number }>;
}

export function statsOf(groups: readonly RepSums[]): Stats {
  const out = { calls: 0 } as Stats;
  for (const m of METRICS) {
    let sum = 0;
    let n = 0;
    for (const g of groups) {
      sum += g.sums[m].sum;
      n += g.sums[m].n;
    }
    out[m] = n > 0 ? round(sum / n, m === 'talkRatio' ? 3 : 2) : null;
  }
  out.calls = groups.reduce((a, g) => a + g.calls, 0);
  return out;
}

/** The median of the reps' averages, metric by metric (reps with at least `minCalls` calls). */
export function medianOfReps(groups: readonly RepSums[], minCalls = 1): Stats {
  const reps = groups.filter((g) => g.calls >= minCalls).map((g) => statsOf([g]));
  const out = { calls: reps.length } as Stats;
  for (const m of METRICS) {
    const v = median(reps.map((r) => r[m]).filter((x): x is number => x !== null));
    out[m] = round(v, m === 'talkRatio' ? 3 : 2);
  }
  return out;
}

const LABEL: Record<MetricName, string> = {
  talkRatio: 'talk ratio',
  longestMonologueSeconds: 'longest monologue s',
  longestCustomerStorySeconds: 'longest customer story s',
  interactivity: 'interactivity',
  patienceSeconds: 'patience s',
  questionRate: 'questions/h',
};

export function renderStatsTable(rows: ReadonlyArray<{ label: string; stats: Stats }>): string {
  const fmt = (m: MetricName, v: number | null) =>
    v === null ? 'n/a' : m === 'talkRatio' ? `${Math.round(v * 100)}%` : String(round(v, 1));
  const head = `| | calls | ${METRICS.map((m) => LABEL[m]).join(' | ')} |`;
  const sep = `|---|---|${METRICS.map(() => '---').join('|')}|`;
  const body = rows.map(
    (r) => `| ${r.label} | ${r.stats.calls} | ${METRICS.map((m) => fmt(m, r.stats[m])).join(' | ')} |`,
  );
  return [head, sep, ...body].join('\n');
}
