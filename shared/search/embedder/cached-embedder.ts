import { type EmbeddingCache, cacheKey } from './cache.js';
import { type Embedder, EmbedderError, type InputType } from './embedder.js';

/**
 * Wraps an embedder with the content-hash cache and batching: texts already embedded (same embedder id,
 * input type and text) come from the cache; the rest go to the embedder in batches of at most
 * `maxBatch` texts (and of the embedder's own limit), in order; duplicates in one call are embedded once.
 */
export interface CachedEmbedderStats {
  requested: number;
  cacheHits: number;
  embedded: number;
  batches: number;
}

export class CachedEmbedder implements Embedder {
  readonly kind: Embedder['kind'];
  readonly id: string;
  readonly dims: number;
  readonly maxBatch: number;
  readonly stats: CachedEmbedderStats = { requested: 0, cacheHits: 0, embedded: 0, batches: 0 };
  readonly #inner: Embedder;
  readonly #cache: EmbeddingCache;

  constructor(inner: Embedder, cache: EmbeddingCache, options: { maxBatch?: number } = {}) {
    this.#inner = inner;
    this.#cache = cache;
    this.kind = inner.kind;
    this.id = inner.id;
    this.dims = inner.dims;
    this.maxBatch = Math.max(1, Math.min(options.maxBatch ?? inner.maxBatch, inner.maxBatch));
  }

  get inner(): Embedder {
    return this.#inner;
  }

  get cache(): EmbeddingCache {
    return this.#cache;
  }

  async embed(texts: string[], inputType: InputType, signal?: AbortSignal): Promise<number[][]> {
    this.stats.requested += texts.length;
    const keys = texts.map((t) => cacheKey(this.id, inputType, t));
    const found = await this.#cache.getMany([...new Set(keys)]);
    const vectors = new Map<string, number[]>();
    for (const [k, v] of found) if (v.length === this.dims) vectors.set(k, v);
    const missing = new Map<string, string>();
    keys.forEach((k, i) => {
      if (vectors.has(k)) this.stats.cacheHits++;
      else missing.set(k, texts[i]!);
    });
    const todo = [...missing.entries()];
    for (let i = 0; i < todo.length; i += this.maxBatch) {
      signal?.throwIfAborted();
      const batch = todo.slice(i, i + this.maxBatch);
      const out = await this.#inner.embed(
        batch.map(([, t]) => t),
        inputType,
        signal,
      );
      if (out.length !== batch.length)
        throw new EmbedderError(`${this.id} returned ${out.length} vectors for ${batch.length} texts`);
      this.stats.batches++;
      this.stats.embedded += batch.length;
      const entries: Array<[string, number[]]> = [];
      batch.forEach(([k], j) => {
        const v = out[j]!;
        if (v.length !== this.dims)
          throw new EmbedderError(
            `${this.id} returned a vector of ${v.length} dimensions, expected ${this.dims}`,
          );
        vectors.set(k, v);
        entries.push([k, v]);
      });
      await this.#cache.setMany(entries);
    }
    return keys.map((k) => vectors.get(k)!);
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
    await this.#cache.close();
  }
}
