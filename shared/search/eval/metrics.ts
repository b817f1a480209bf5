/**
 * Retrieval metrics as BEIR computes them (pytrec_eval / trec_eval conventions): nDCG@k with linear gains
 * (gain = relevance grade), recall@k over documents judged relevant (grade > 0), and latency percentiles.
 */
export type Qrels = Map<string, Map<string, number>>;

/** nDCG@k of one ranked list against the judged grades of one query. */
export function ndcgAt(ranked: string[], judged: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const rel = judged.get(id) ?? 0;
    if (rel > 0) dcg += rel / Math.log2(i + 2);
  });
  const ideal = [...judged.values()]
    .filter((r) => r > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  let idcg = 0;
  ideal.forEach((rel, i) => (idcg += rel / Math.log2(i + 2)));
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Recall@k: the share of relevant documents found in the first k. */
export function recallAt(ranked: string[], judged: Map<string, number>, k: number): number {
  const relevant = [...judged.entries()].filter(([, r]) => r > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** The p-th percentile (0-100) by nearest rank; NaN for no samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
