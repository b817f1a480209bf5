import { createHash, randomBytes } from 'node:crypto';
import type { RetrievalMode, HybridSearch } from '../hybrid.js';
import type { DocumentInput, SearchIndex } from '../search-index.js';
import type { BeirDataset } from './beir.js';
import { Bm25Index } from './bm25.js';
import { mean, ndcgAt, percentile, recallAt } from './metrics.js';

/**
 * Evaluates retrievers on a BEIR dataset: indexes the corpus into a scratch collection (removed at the
 * end), runs every judged query, and reports nDCG@k, recall@100 and per-query latency (p50/p95), next to
 * an in-process BM25 baseline over the same texts and tokenisation.
 */
export type EvalRetriever = RetrievalMode | 'bm25';

export interface EvalResult {
  retriever: EvalRetriever;
  queries: number;
  ndcg: number;
  recall100: number;
  p50Ms: number;
  p95Ms: number;
}

export interface EvalReport {
  documents: number;
  chunks: number;
  indexSeconds: number;
  k: number;
  results: EvalResult[];
}

export interface EvalOptions {
  dataset: BeirDataset;
  retrievers: EvalRetriever[];
  k: number;
  index: SearchIndex;
  search: HybridSearch;
  maxQueries?: number;
  /** Characters per chunk for long documents (default 4000). */
  chunkChars?: number;
  progress?: (message: string) => void;
}

function chunkText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf('. ', max) + 1;
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut);
  }
  if (rest.trim()) out.push(rest.trim());
  return out;
}

export async function runEval(o: EvalOptions): Promise<EvalReport> {
  const collection = `eval_${randomBytes(5).toString('hex')}`;
  const chunkChars = o.chunkChars ?? 4000;
  const queries = o.dataset.queries
    .filter((q) => o.dataset.qrels.has(q.id))
    .slice(0, o.maxQueries ?? Infinity);
  const depth = Math.max(100, o.k);
  let chunks = 0;
  const t0 = performance.now();
  try {
    const needsIndex = o.retrievers.some((r) => r !== 'bm25');
    if (needsIndex) {
      const batch: DocumentInput[] = [];
      const flush = async () => {
        if (batch.length) await o.index.upsertDocuments(batch.splice(0));
      };
      let done = 0;
      for (const d of o.dataset.corpus) {
        const pieces = chunkText(d.text, chunkChars);
        chunks += pieces.length;
        batch.push({
          collection,
          path: d.id,
          title: d.title || null,
          contentHash: createHash('sha256').update(d.title).update('\0').update(d.text).digest('hex'),
          sizeBytes: Buffer.byteLength(d.text),
          chunks: pieces.map((content, i) => ({
            headingPath: null,
            startLine: i + 1,
            endLine: i + 1,
            content,
          })),
        });
        if (batch.length >= 200) {
          await flush();
          done += 200;
          o.progress?.(`indexed ${done}/${o.dataset.corpus.length} documents`);
        }
      }
      await flush();
    }
    const indexSeconds = (performance.now() - t0) / 1000;
    const results: EvalResult[] = [];
    for (const retriever of o.retrievers) {
      const ndcg: number[] = [];
      const recall: number[] = [];
      const lat: number[] = [];
      let bm25: Bm25Index | undefined;
      if (retriever === 'bm25') {
        bm25 = new Bm25Index();
        for (const d of o.dataset.corpus) bm25.add(d.id, `${d.title}\n${d.text}`);
      }
      for (const q of queries) {
        const t = performance.now();
        let ranked: string[];
        if (bm25) {
          ranked = bm25.search(q.text, depth).map((h) => h.id);
        } else {
          const res = await o.search.search({
            query: q.text,
            collections: [collection],
            mode: retriever as RetrievalMode,
            limit: Math.min(200, depth * 2),
            idsOnly: true,
          });
          ranked = [...new Set(res.hits.map((h) => h.path))].slice(0, depth);
        }
        lat.push(performance.now() - t);
        const judged = o.dataset.qrels.get(q.id)!;
        ndcg.push(ndcgAt(ranked, judged, o.k));
        recall.push(recallAt(ranked, judged, 100));
      }
      results.push({
        retriever,
        queries: queries.length,
        ndcg: mean(ndcg),
        recall100: mean(recall),
        p50Ms: percentile(lat, 50),
        p95Ms: percentile(lat, 95),
      });
      o.progress?.(`${retriever}: done`);
    }
    return { documents: o.dataset.corpus.length, chunks, indexSeconds, k: o.k, results };
  } finally {
    await o.index.removeCollection(collection).catch(() => undefined);
  }
}
