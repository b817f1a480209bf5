import type { SophiaDatabase } from '../db/database.js';
import { checkCollections, SearchInputError } from './collections.js';
import { chunksByIds } from './documents.js';
import type { Embedder } from './embedder/embedder.js';
import { fullTextSearch } from './full-text.js';
import { convexCombination } from './convex.js';
import { reciprocalRankFusion } from './rrf.js';
import { type SearchFilter, toVectorFilter } from './search-filter.js';
import { makeSnippet } from './snippet.js';
import type { VectorStore } from './vector-store/vector-store.js';

/**
 * Hybrid retrieval: PostgreSQL full-text ranking and vector similarity, each asked for `candidates` hits,
 * fused (by score or by rank: `Fusion`). Every result carries its snippet, its location (collection, document
 * path, heading, line range) and its score parts (fused score, full-text rank and score, vector rank and
 * cosine similarity). `mode` runs one side alone (fts or vector) for comparison and evaluation.
 */
export type RetrievalMode = 'hybrid' | 'fts' | 'vector';

export interface SearchRequest {
  query: string;
  collections: string[];
  mode?: RetrievalMode;
  limit?: number;
  filter?: SearchFilter;
  /** How many hits each side contributes before fusion (default max(50, 4 × limit)). */
  candidates?: number;
  /** How the two lists are fused (default: see `defaultFusion`). */
  fusion?: Fusion;
  /** Skip snippets (evaluation needs locations only). */
  idsOnly?: boolean;
  signal?: AbortSignal;
}

export interface ScoreParts {
  fused: number;
  ftsRank?: number;
  ftsScore?: number;
  vectorRank?: number;
  vectorScore?: number;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  collection: string;
  path: string;
  title: string | null;
  tags: string[];
  heading: string | null;
  startLine: number;
  endLine: number;
  snippet: string;
  /** Lines of the snippet within the document. */
  snippetLines: { start: number; end: number };
  content: string;
  context: string | null;
  score: ScoreParts;
}

export interface SearchResponse {
  mode: RetrievalMode;
  hits: SearchHit[];
  /** Candidates found by each side before fusion. */
  counts: { fts: number; vector: number };
  timings: { ftsMs: number; vectorMs: number; totalMs: number };
}

export const MAX_QUERY_CHARS = 2000;

/**
 * Fusion of the full-text and vector lists: reciprocal rank fusion (`rrf`, constant k, vector list weight
 * `vectorWeight`) or a convex combination of min-max normalised scores (`convex`, vector share `alpha`).
 */
export type Fusion = { method: 'rrf'; k: number; vectorWeight: number } | { method: 'convex'; alpha: number };

/**
 * The offline embedder is itself lexical (words and word pieces), so its ranking largely repeats BM25's and,
 * fused by rank, it pulls good BM25 rankings down. Fused by score with a small share (0.2) it only decides
 * close calls, and the hybrid no longer falls below BM25 (the share was chosen on held-out queries; README).
 * A semantic model (local ONNX or hosted) brings different evidence: equal-weight RRF (k = 60).
 */
export function defaultFusion(embedder: Pick<Embedder, 'kind'>): Fusion {
  return embedder.kind === 'offline'
    ? { method: 'convex', alpha: 0.2 }
    : { method: 'rrf', k: 60, vectorWeight: 1 };
}

export class HybridSearch {
  constructor(
    private readonly o: { database: SophiaDatabase; tenant: string; embedder: Embedder; store: VectorStore },
  ) {}

  async search(req: SearchRequest): Promise<SearchResponse> {
    const t0 = performance.now();
    const query = req.query.trim();
    if (!query) throw new SearchInputError('the query is empty: say what to look for');
    if (query.length > MAX_QUERY_CHARS)
      throw new SearchInputError(`the query is ${query.length} characters; at most ${MAX_QUERY_CHARS}`);
    const collections = checkCollections(req.collections);
    if (collections.length === 0) throw new SearchInputError('no collection to search');
    const mode = req.mode ?? 'hybrid';
    const limit = req.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new SearchInputError(`limit must be a whole number from 1 to 200, got ${limit}`);
    const candidates = req.candidates ?? Math.max(50, limit * 4);

    let ftsMs = 0;
    let vectorMs = 0;
    const fts = async () => {
      const t = performance.now();
      const hits = await this.o.database.withTenant(
        this.o.tenant,
        (trx) =>
          fullTextSearch(trx, {
            query,
            collections,
            filter: req.filter,
            limit: candidates,
            tenant: this.o.tenant,
          }),
        { readOnly: true },
      );
      ftsMs = performance.now() - t;
      return hits;
    };
    const vec = async () => {
      const t = performance.now();
      const [vector] = await this.o.embedder.embed([query], 'query', req.signal);
      const hits = await this.o.store.query(collections, {
        vector: vector!,
        topK: Math.min(1000, candidates),
        filter: toVectorFilter(req.filter),
      });
      vectorMs = performance.now() - t;
      return hits;
    };
    const [ftsHits, vecHits] = await Promise.all([
      mode === 'vector' ? Promise.resolve([]) : fts(),
      mode === 'fts' ? Promise.resolve([]) : vec(),
    ]);

    const ftsScore = new Map(ftsHits.map((h) => [h.chunkId, h.score]));
    const vecScore = new Map(vecHits.map((h) => [h.id, h.score]));
    const fusion = req.fusion ?? defaultFusion(this.o.embedder);
    const fused =
      fusion.method === 'rrf'
        ? reciprocalRankFusion(
            [
              { name: 'fts', ids: ftsHits.map((h) => h.chunkId) },
              { name: 'vector', ids: vecHits.map((h) => h.id), weight: fusion.vectorWeight },
            ],
            fusion.k,
          )
        : convexCombination([
            {
              name: 'fts',
              hits: ftsHits.map((h) => ({ id: h.chunkId, score: h.score })),
              weight: 1 - fusion.alpha,
            },
            { name: 'vector', hits: vecHits, weight: fusion.alpha },
          ]);
    // Vector hits may name chunks deleted since (stale ids): resolve a few more than asked, keep those found.
    const wanted = fused.slice(0, limit * 2 + 10);
    const rows = await this.o.database.withTenant(
      this.o.tenant,
      (trx) =>
        chunksByIds(
          trx,
          wanted.map((f) => f.id),
        ),
      { readOnly: true },
    );
    const hits: SearchHit[] = [];
    for (const f of wanted) {
      const r = rows.get(f.id);
      if (!r) continue;
      const snip = req.idsOnly ? undefined : makeSnippet(r.content, query);
      hits.push({
        chunkId: r.chunkId,
        documentId: r.documentId,
        collection: r.collection,
        path: r.path,
        title: r.title,
        tags: r.tags,
        heading: r.headingPath,
        startLine: r.startLine,
        endLine: r.endLine,
        snippet: snip?.text ?? '',
        snippetLines: snip
          ? {
              start: r.startLine + snip.lineOffset,
              end: Math.min(r.endLine, r.startLine + snip.lineOffset + snip.lineCount - 1),
            }
          : { start: r.startLine, end: r.endLine },
        content: r.content,
        context: r.context,
        score: {
          fused: f.score,
          ...(f.ranks.fts ? { ftsRank: f.ranks.fts, ftsScore: ftsScore.get(f.id)! } : {}),
          ...(f.ranks.vector ? { vectorRank: f.ranks.vector, vectorScore: vecScore.get(f.id)! } : {}),
        },
      });
      if (hits.length === limit) break;
    }
    return {
      mode,
      hits,
      counts: { fts: ftsHits.length, vector: vecHits.length },
      timings: { ftsMs, vectorMs, totalMs: performance.now() - t0 },
    };
  }
}
