import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEmbeddingCache } from '../../shared/search/embedder/cache.js';
import { CachedEmbedder } from '../../shared/search/embedder/cached-embedder.js';
import { OfflineEmbedder } from '../../shared/search/embedder/offline.js';
import { HybridSearch } from '../../shared/search/hybrid.js';
import { type DocumentInput, SearchIndex } from '../../shared/search/search-index.js';
import { PgVectorStore } from '../../shared/search/vector-store/pgvector.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

/** Documents where the right answer to each query is known. */
function doc(path: string, sections: Array<[string, string]>, tags: string[] = []): DocumentInput {
  let line = 1;
  const chunks = sections.map(([heading, content]) => {
    const n = content.split('\n').length;
    const c = { headingPath: heading, startLine: line, endLine: line + n - 1, content };
    line += n + 1;
    return c;
  });
  return {
    collection: 'knowledge_base',
    path,
    title: path,
    contentHash: createHash('sha256').update(JSON.stringify(sections)).digest('hex'),
    sizeBytes: 100,
    tags,
    chunks,
  };
}

const DOCS = [
  doc(
    'payments/late-fees.md',
    [
      [
        'Late fees',
        'A late fee is charged after the grace period ends.\nMost leases set a grace period of three to five days.',
      ],
      ['Late fees > Caps', 'Several states cap late fees at a percentage of monthly rent.'],
    ],
    ['payments'],
  ),
  doc(
    'payments/ach.md',
    [
      [
        'ACH returns',
        'Returned ACH payments for insufficient funds reverse the ledger entry and may add a fee.',
      ],
    ],
    ['payments'],
  ),
  doc(
    'compliance/calls.md',
    [
      ['Call hours', 'Collectors may call only between 8 a.m. and 9 p.m. local time.'],
      [
        'Call frequency',
        'More than seven calls in seven days about one debt is presumed harassment under Regulation F.',
      ],
    ],
    ['compliance'],
  ),
  doc(
    'compliance/fair-housing.md',
    [['Advertising', 'Describing a master bedroom is not a violation; "adults only" is.']],
    ['compliance'],
  ),
  doc(
    'industry/pms.md',
    [['Yardi', 'Yardi Voyager receives payments through real-time interfaces or nightly batch files.']],
    [],
  ),
  doc(
    'industry/metrics.md',
    [['Delinquency', 'Delinquency is reported in 30, 60 and 90 day buckets as a share of rent charged.']],
    [],
  ),
];

describe.each(testEngines())('hybrid retrieval on %s', (engine) => {
  let t: TestDatabase;
  let index: SearchIndex;
  let search: HybridSearch;
  let store: PgVectorStore;
  const embedder = new CachedEmbedder(new OfflineEmbedder({ dims: 256 }), new MemoryEmbeddingCache());

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex');
    store = new PgVectorStore({
      database: t.sophia,
      tenant: 'acme',
      model: embedder.id,
      dims: embedder.dims,
    });
    index = new SearchIndex({ database: t.sophia, tenant: 'acme', embedder, store });
    search = new HybridSearch({ database: t.sophia, tenant: 'acme', embedder, store });
    const results = await index.upsertDocuments(DOCS);
    expect(results.every((r) => r.status === 'indexed')).toBe(true);
  });
  afterAll(async () => t?.close());

  it('finds the known answer first in every mode, with location and score parts', async () => {
    for (const mode of ['hybrid', 'fts', 'vector'] as const) {
      const res = await search.search({
        query: 'is it harassment to place too many calls about one debt',
        collections: ['knowledge_base'],
        mode,
        limit: 3,
      });
      expect(res.hits[0], mode).toMatchObject({
        path: 'compliance/calls.md',
        heading: 'Call frequency',
        startLine: 3,
        endLine: 3,
      });
    }
    const res = await search.search({
      query: 'grace period before a late fee',
      collections: ['knowledge_base'],
      limit: 3,
    });
    const top = res.hits[0]!;
    expect(top).toMatchObject({
      path: 'payments/late-fees.md',
      heading: 'Late fees',
      startLine: 1,
      endLine: 2,
    });
    expect(top.snippet).toContain('grace period');
    expect(top.score.ftsRank).toBe(1);
    expect(top.score.vectorRank).toBeGreaterThanOrEqual(1);
    expect(top.score.fused).toBeGreaterThan(0);
    expect(res.counts.fts).toBeGreaterThan(0);
    expect(res.counts.vector).toBeGreaterThan(0);
  });

  it('ranks by BM25: rarer words weigh more than common ones', async () => {
    const res = await search.search({
      query: 'rent yardi',
      collections: ['knowledge_base'],
      mode: 'fts',
      limit: 5,
    });
    expect(res.hits[0]!.path).toBe('industry/pms.md');
  });

  it('lets the vector side rescue a misspelled query that full-text cannot match', async () => {
    const fts = await search.search({
      query: 'delinquncy bukets',
      collections: ['knowledge_base'],
      mode: 'fts',
      limit: 3,
    });
    expect(fts.hits).toHaveLength(0);
    const hybrid = await search.search({
      query: 'delinquncy bukets',
      collections: ['knowledge_base'],
      limit: 3,
    });
    expect(hybrid.hits[0]!.path).toBe('industry/metrics.md');
  });

  it('supports phrases and OR in web-search syntax', async () => {
    const res = await search.search({
      query: '"master bedroom" OR yardi',
      collections: ['knowledge_base'],
      mode: 'fts',
      limit: 5,
    });
    expect(res.hits.map((h) => h.path).sort()).toEqual(['compliance/fair-housing.md', 'industry/pms.md']);
  });

  it('filters by folder, exact path and tag on both sides', async () => {
    for (const mode of ['fts', 'vector', 'hybrid'] as const) {
      const inFolder = await search.search({
        query: 'fee',
        collections: ['knowledge_base'],
        mode,
        filter: { pathPrefix: 'compliance' },
      });
      expect(
        inFolder.hits.every((h) => h.path.startsWith('compliance/')),
        mode,
      ).toBe(true);
      const tagged = await search.search({
        query: 'payments fee',
        collections: ['knowledge_base'],
        mode,
        filter: { tags: ['payments'] },
      });
      expect(tagged.hits.length, mode).toBeGreaterThan(0);
      expect(
        tagged.hits.every((h) => h.tags.includes('payments')),
        mode,
      ).toBe(true);
      const exact = await search.search({
        query: 'payments',
        collections: ['knowledge_base'],
        mode,
        filter: { paths: ['payments/ach.md'] },
      });
      expect(
        exact.hits.map((h) => h.path),
        mode,
      ).toEqual(['payments/ach.md']);
    }
  });

  it('skips unchanged documents, replaces changed ones and removes deleted ones everywhere', async () => {
    const again = await index.upsertDocument(DOCS[4]!);
    expect(again.status).toBe('unchanged');
    const changed = doc('industry/pms.md', [
      ['Entrata', 'Entrata bundles payments with its resident portal.'],
    ]);
    expect((await index.upsertDocument(changed)).status).toBe('indexed');
    const old = await search.search({
      query: 'Yardi Voyager batch files',
      collections: ['knowledge_base'],
      limit: 5,
    });
    expect(old.hits.find((h) => h.path === 'industry/pms.md')).toBeUndefined();
    const fresh = await search.search({
      query: 'Entrata resident portal',
      collections: ['knowledge_base'],
      limit: 1,
    });
    expect(fresh.hits[0]!.path).toBe('industry/pms.md');
    expect(await index.removeDocument('knowledge_base', 'industry/pms.md')).toBe(true);
    for (const mode of ['fts', 'vector'] as const) {
      const gone = await search.search({
        query: 'Entrata resident portal',
        collections: ['knowledge_base'],
        mode,
        limit: 10,
      });
      expect(
        gone.hits.find((h) => h.path === 'industry/pms.md'),
        mode,
      ).toBeUndefined();
    }
    expect(await store.count('knowledge_base')).toBe(DOCS.reduce((n, d) => n + d.chunks.length, 0) - 1);
  });

  it('keeps tenants apart', async () => {
    const other = new HybridSearch({
      database: t.sophia,
      tenant: 'globex',
      embedder,
      store: new PgVectorStore({
        database: t.sophia,
        tenant: 'globex',
        model: embedder.id,
        dims: embedder.dims,
      }),
    });
    const res = await other.search({ query: 'late fee grace period', collections: ['knowledge_base'] });
    expect(res.hits).toEqual([]);
  });

  it('refuses bad input with a clear message', async () => {
    await expect(search.search({ query: '   ', collections: ['knowledge_base'] })).rejects.toThrow(
      /query is empty/,
    );
    await expect(search.search({ query: 'x', collections: ['recipes'] })).rejects.toThrow(
      /unknown collection 'recipes': use one of knowledge_base/,
    );
    await expect(search.search({ query: 'x'.repeat(2001), collections: ['knowledge_base'] })).rejects.toThrow(
      /at most 2000/,
    );
    await expect(search.search({ query: 'x', collections: ['knowledge_base'], limit: 0 })).rejects.toThrow(
      /limit must be/,
    );
  });
});
