import { counts, terms } from '../text/tokenize.js';

/**
 * An in-memory Okapi BM25 index (Lucene's formula: idf = ln(1 + (N - df + 0.5) / (df + 0.5)); k1 = 1.2,
 * b = 0.75 as in Elasticsearch, which produced BEIR's BM25 numbers). It is the baseline `sophia kb eval`
 * compares the other retrievers with, on the same documents and the same tokenisation.
 */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  readonly #k1: number;
  readonly #b: number;
  readonly #postings = new Map<string, Array<{ doc: number; tf: number }>>();
  readonly #ids: string[] = [];
  readonly #lengths: number[] = [];
  #totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
  }

  get size(): number {
    return this.#ids.length;
  }

  add(id: string, text: string): void {
    const doc = this.#ids.length;
    const t = terms(text);
    this.#ids.push(id);
    this.#lengths.push(t.length);
    this.#totalLength += t.length;
    for (const [term, tf] of counts(t)) {
      let list = this.#postings.get(term);
      if (!list) this.#postings.set(term, (list = []));
      list.push({ doc, tf });
    }
  }

  /** The ids of the best `k` documents for `query`, best first, with their scores. */
  search(query: string, k: number): Array<{ id: string; score: number }> {
    const n = this.#ids.length;
    if (n === 0) return [];
    const avgdl = this.#totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(terms(query))) {
      const list = this.#postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        const norm = this.#k1 * (1 - this.#b + (this.#b * this.#lengths[doc]!) / avgdl);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (this.#k1 + 1)) / (tf + norm));
      }
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([doc, score]) => ({ id: this.#ids[doc]!, score }));
  }
}
