import type { RepHandlingRow } from './data/handling.js';
import { median, round } from './format.js';

/**
 * Pure comparison of how reps handle objections: per-rep rates, the pooled "everyone else" and the median
 * rep, and the named rep's differences from the median. No I/O.
 */
export interface HandlingSummary {
  name: string;
  team: string | null;
  calls: number;
  episodes: number;
  perCall: number | null;
  answeredRate: number | null;
  pauseSeconds: number | null;
  episodeTalkRatio: number | null;
  nextStepRate: number | null;
  dealWinRate: number | null;
  dealsClosed: number;
  handling: Record<string, number>;
  topHandling: string | null;
}

export function summarize(rows: readonly RepHandlingRow[], name: string): HandlingSummary {
  const sum = (f: (r: RepHandlingRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const episodes = sum((r) => r.episodes);
  const calls = sum((r) => r.calls);
  const weighted = (f: (r: RepHandlingRow) => number | null) => {
    let s = 0;
    let n = 0;
    for (const r of rows) {
      const v = f(r);
      if (v === null || !Number.isFinite(v)) continue;
      s += v * r.episodes;
      n += r.episodes;
    }
    return n ? s / n : null;
  };
  const handling: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.handling)) handling[k] = (handling[k] ?? 0) + v;
  const top = Object.entries(handling).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const closed = sum((r) => r.dealsClosed);
  return {
    name,
    team: rows.length === 1 ? rows[0]!.team : null,
    calls,
    episodes,
    perCall: calls ? round(episodes / calls, 3) : null,
    answeredRate: episodes ? round(sum((r) => r.answered) / episodes, 3) : null,
    pauseSeconds: round(
      weighted((r) => (r.pauseMs === null ? null : r.pauseMs / 1000)),
      2,
    ),
    episodeTalkRatio: round(
      weighted((r) => r.episodeTalkRatio),
      3,
    ),
    nextStepRate: episodes ? round(sum((r) => r.nextSteps) / episodes, 3) : null,
    dealWinRate: closed ? round(sum((r) => r.dealsWon) / closed, 3) : null,
    dealsClosed: closed,
    handling,
    topHandling: top ? top[0] : null,
  };
}

/** The median rep, field by field (reps with at least `minEpisodes` episodes). */
export function medianRep(rows: readonly RepHandlingRow[], minEpisodes = 1): HandlingSummary {
  const reps = rows.filter((r) => r.episodes >= minEpisodes).map((r) => summarize([r], r.name));
  const med = (f: (s: HandlingSummary) => number | null) =>
    median(reps.map(f).filter((v): v is number => v !== null));
  const handling: Record<string, number> = {};
  for (const r of reps) if (r.topHandling) handling[r.topHandling] = (handling[r.topHandling] ?? 0) + 1;
  const top = Object.entries(handling).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return {
    name: `median of ${reps.length} reps`,
    team: null,
    calls: Math.round(med((s) => s.calls) ?? 0),
    episodes: Math.round(med((s) => s.episodes) ?? 0),
    perCall: round(
      med((s) => s.perCall),
      3,
    ),
    answeredRate: round(
      med((s) => s.answeredRate),
      3,
    ),
    pauseSeconds: round(
      med((s) => s.pauseSeconds),
      2,
    ),
    episodeTalkRatio: round(
      med((s) => s.episodeTalkRatio),
      3,
    ),
    nextStepRate: round(
      med((s) => s.nextStepRate),
      3,
    ),
    dealWinRate: round(
      med((s) => s.dealWinRate),
      3,
    ),
    dealsClosed: Math.round(med((s) => s.dealsClosed) ?? 0),
    handling: {},
    topHandling: top ? top[0] : null,
  };
}

/** Plain-language differences of a rep from the median rep (only the notable ones). */
export function differences(rep: HandlingSummary, med: HandlingSummary): string[] {
  const out: string[] = [];
  const rel = (a: number | null, b: number | null) => (a !== null && b !== null && b !== 0 ? a / b : null);
  const pause = rel(rep.pauseSeconds, med.pauseSeconds);
  if (pause !== null && (pause >= 1.5 || pause <= 0.67))
    out.push(
      `pauses ${pause >= 1 ? `${pause.toFixed(1)}x longer` : `${(1 / pause).toFixed(1)}x shorter`} before answering (${rep.pauseSeconds} s vs ${med.pauseSeconds} s)`,
    );
  const pts = (a: number | null, b: number | null, what: string) => {
    if (a === null || b === null) return;
    const d = Math.round((a - b) * 100);
    if (Math.abs(d) >= 10)
      out.push(
        `${what} ${d > 0 ? `${d} points higher` : `${-d} points lower`} (${Math.round(a * 100)}% vs ${Math.round(b * 100)}%)`,
      );
  };
  pts(rep.nextStepRate, med.nextStepRate, 'next step after the objection');
  pts(rep.dealWinRate, med.dealWinRate, 'deal win rate');
  pts(rep.episodeTalkRatio, med.episodeTalkRatio, 'talk share in the episode');
  const freq = rel(rep.perCall, med.perCall);
  if (freq !== null && (freq >= 1.5 || freq <= 0.67))
    out.push(`meets these objections ${freq.toFixed(1)}x as often per call`);
  if (rep.topHandling && med.topHandling && rep.topHandling !== med.topHandling)
    out.push(`mostly answers with ${rep.topHandling} (most reps: ${med.topHandling})`);
  return out;
}
