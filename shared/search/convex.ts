import type { FusedItem } from './rrf.js';

/**
 * Convex combination of min-max normalised scores (Bruch, Gai & Ingber, "An Analysis of Fusion Functions for
 * Hybrid Retrieval", TOIS 2023): score(d) = Σ_lists weight × (s(d) − min) / (max − min), where min and max
 * are the list's own scores for this query and a document missing from a list scores 0 there. Unlike
 * reciprocal rank fusion it keeps how far apart the scores are, so a weak second signal nudges close calls
 * instead of reordering confident ones.
 */
export interface ScoredList {
  name: string;
  hits: Array<{ id: string; score: number }>;
  weight: number;
}

export function convexCombination(lists: ScoredList[]): FusedItem[] {
  const items = new Map<string, FusedItem>();
  for (const list of lists) {
    if (list.hits.length === 0) continue;
    let max = -Infinity;
    let min = Infinity;
    for (const h of list.hits) {
      if (h.score > max) max = h.score;
      if (h.score < min) min = h.score;
    }
    const span = max - min;
    const seen = new Set<string>();
    list.hits.forEach((h, i) => {
      if (seen.has(h.id)) return;
      seen.add(h.id);
      let item = items.get(h.id);
      if (!item) items.set(h.id, (item = { id: h.id, score: 0, ranks: {} }));
      item.score += list.weight * (span > 0 ? (h.score - min) / span : 1);
      item.ranks[list.name] = i + 1;
    });
  }
  return [...items.values()].sort(
    (a, b) =>
      b.score - a.score ||
      Math.min(...Object.values(a.ranks)) - Math.min(...Object.values(b.ranks)) ||
      a.id.localeCompare(b.id),
  );
}
