import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgVectorStore } from '../../../shared/search/vector-store/pgvector.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { DIMS, axis, vectorStoreContract } from './contract.js';

describe.each(testEngines())('pgvector store on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex');
  });
  afterAll(async () => t?.close());

  vectorStoreContract(
    engine,
    async () =>
      new PgVectorStore({ database: t.sophia, tenant: 'acme', model: 'contract-model', dims: DIMS }),
  );

  it('keeps tenants and models apart', async () => {
    const acme = new PgVectorStore({ database: t.sophia, tenant: 'acme', model: 'iso-model', dims: DIMS });
    const globex = new PgVectorStore({
      database: t.sophia,
      tenant: 'globex',
      model: 'iso-model',
      dims: DIMS,
    });
    const otherModel = new PgVectorStore({
      database: t.sophia,
      tenant: 'acme',
      model: 'iso-model-2',
      dims: DIMS,
    });
    await acme.upsert('iso', [{ id: 'secret', vector: axis(1) }]);
    expect(await globex.count('iso')).toBe(0);
    expect(await globex.query('iso', { vector: axis(1), topK: 5 })).toEqual([]);
    expect(await otherModel.query('iso', { vector: axis(1), topK: 5 })).toEqual([]);
    expect((await acme.query('iso', { vector: axis(1), topK: 5 })).map((h) => h.id)).toEqual(['secret']);
  });

  it('says whether it uses an HNSW index or an exact scan', async () => {
    const store = new PgVectorStore({
      database: t.sophia,
      tenant: 'acme',
      model: 'contract-model',
      dims: DIMS,
    });
    const info = await store.describe();
    const f = await t.sophia.features();
    if (f.pgvector) {
      expect(info).toMatchObject({ exact: false });
      expect(info.note).toMatch(/HNSW/);
      const { rows } = await sql<{ indexdef: string }>`
        select indexdef from pg_indexes where tablename = 'embeddings' and indexdef like '%hnsw%'`.execute(
        t.sophia.db,
      );
      expect(
        rows.some((r) => r.indexdef.includes('vector(8)') && r.indexdef.includes('contract-model')),
      ).toBe(true);
    } else {
      expect(info).toMatchObject({ exact: true });
      expect(info.note).toMatch(/pgvector is not installed.*exact scan/);
    }
  });

  it('finds the true nearest vectors among more vectors than one scan slice', async () => {
    const store = new PgVectorStore({ database: t.sophia, tenant: 'acme', model: 'many-model', dims: DIMS });
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const records = Array.from({ length: 5000 }, (_, i) => ({
      id: `v${i}`,
      vector: Array.from({ length: DIMS }, rnd),
    }));
    await store.upsert('many', records);
    const q = Array.from({ length: DIMS }, rnd);
    const cos = (v: number[]) =>
      v.reduce((s, x, j) => s + x * q[j]!, 0) / Math.hypot(...v) / Math.hypot(...q);
    const truth = records
      .map((r) => ({ id: r.id, score: cos(r.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 20)
      .map((r) => r.id);
    const got = (await store.query('many', { vector: q, topK: 20 })).map((h) => h.id);
    if ((await store.describe()).exact) expect(got).toEqual(truth);
    else expect(got.filter((id) => truth.includes(id)).length).toBeGreaterThanOrEqual(16);
  });

  it('sees writes made through another store instance (no stale scan cache)', async () => {
    const reader = new PgVectorStore({
      database: t.sophia,
      tenant: 'acme',
      model: 'cache-model',
      dims: DIMS,
    });
    const writer = new PgVectorStore({
      database: t.sophia,
      tenant: 'acme',
      model: 'cache-model',
      dims: DIMS,
    });
    await writer.upsert('cache', [{ id: 'one', vector: axis(2) }]);
    expect((await reader.query('cache', { vector: axis(2), topK: 5 })).map((h) => h.id)).toEqual(['one']);
    await writer.upsert('cache', [{ id: 'two', vector: axis(2, 0.1) }]);
    await writer.delete('cache', ['one']);
    expect((await reader.query('cache', { vector: axis(2), topK: 5 })).map((h) => h.id)).toEqual(['two']);
  });
});
