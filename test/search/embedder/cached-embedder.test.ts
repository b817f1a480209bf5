import { describe, expect, it } from 'vitest';
import { MemoryEmbeddingCache } from '../../../shared/search/embedder/cache.js';
import { CachedEmbedder } from '../../../shared/search/embedder/cached-embedder.js';
import type { Embedder, InputType } from '../../../shared/search/embedder/embedder.js';

class CountingEmbedder implements Embedder {
  readonly kind = 'openai' as const;
  readonly id = 'counting:1';
  readonly dims = 3;
  readonly maxBatch = 4;
  calls: Array<{ texts: string[]; inputType: InputType }> = [];
  async embed(texts: string[], inputType: InputType) {
    this.calls.push({ texts, inputType });
    return texts.map((t) => [t.length, inputType === 'query' ? 1 : 0, 1]);
  }
}

describe('CachedEmbedder', () => {
  it('splits into batches of at most maxBatch and keeps the order', async () => {
    const inner = new CountingEmbedder();
    const e = new CachedEmbedder(inner, new MemoryEmbeddingCache(), { maxBatch: 3 });
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const out = await e.embed(texts, 'document');
    expect(out.map((v) => v[0])).toEqual([1, 2, 3, 4, 5, 6, 1]);
    expect(inner.calls.map((c) => c.texts.length)).toEqual([3, 3, 1]);
    expect(e.stats).toMatchObject({ requested: 7, embedded: 7, batches: 3, cacheHits: 0 });
  });

  it("never exceeds the inner embedder's own batch limit", async () => {
    const inner = new CountingEmbedder();
    const e = new CachedEmbedder(inner, new MemoryEmbeddingCache(), { maxBatch: 100 });
    await e.embed(['1', '2', '3', '4', '5', '6'], 'document');
    expect(inner.calls.map((c) => c.texts.length)).toEqual([4, 2]);
  });

  it('serves repeated texts from the cache by content hash, per input type', async () => {
    const inner = new CountingEmbedder();
    const e = new CachedEmbedder(inner, new MemoryEmbeddingCache());
    await e.embed(['alpha', 'beta'], 'document');
    const again = await e.embed(['beta', 'alpha', 'gamma', 'gamma'], 'document');
    expect(again.map((v) => v[0])).toEqual([4, 5, 5, 5]);
    expect(inner.calls.map((c) => c.texts)).toEqual([['alpha', 'beta'], ['gamma']]);
    expect(e.stats.cacheHits).toBe(2);
    await e.embed(['alpha'], 'query');
    expect(inner.calls.at(-1)).toEqual({ texts: ['alpha'], inputType: 'query' });
  });

  it('rejects vectors of the wrong size from a backend', async () => {
    const inner = new CountingEmbedder();
    inner.embed = async (texts) => texts.map(() => [1, 2]);
    const e = new CachedEmbedder(inner, new MemoryEmbeddingCache());
    await expect(e.embed(['x'], 'document')).rejects.toThrow(/2 dimensions, expected 3/);
  });
});
