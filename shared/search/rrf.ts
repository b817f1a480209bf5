/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): score(d) = Σ_lists weight / (k + rank(d)),
 * rank from 1. Robust to the incomparable score scales of full-text ranking and cosine similarity.
 */
export interface RankedList {
  name: string;
  ids: string[];
  weight?: number;
}

export interface FusedItem {
  id: string;
  score: number;
  /** 1-based rank of the item in each list it appeared in. */
  ranks: Record<string, number>;
}

export function reciprocalRankFusion(lists: RankedList[], k = 60): FusedItem[] {
  const items = new Map<string, FusedItem>();
  for (const list of lists) {
    const w = list.weight ?? 1;
    const seen = new Set<string>();
    list.ids.forEach((id, i) => {
      if (seen.has(id)) return;
      seen.add(id);
      let item = items.get(id);
      if (!item) items.set(id, (item = { id, score: 0, ranks: {} }));
      item.score += w / (k + i + 1);
      item.ranks[list.name] = i + 1;
    });
  }
  return [...items.values()].sort(
    (a, b) => b.score - a.score || bestRank(a) - bestRank(b) || a.id.localeCompare(b.id),
  );
}

function bestRank(item: FusedItem): number {
  return Math.min(...Object.values(item.ranks));
}
