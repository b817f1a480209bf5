import { beforeAll, describe, expect, it } from 'vitest';
import type { VectorRecord, VectorStore } from '../../../shared/search/vector-store/vector-store.js';

/**
 * The VectorStore contract: every backend runs this same suite (pgvector on both engines, Pinecone and
 * Weaviate against local servers speaking their APIs). `make` returns a fresh, empty store of 8 dimensions.
 */
export const DIMS = 8;

/** A unit vector pointing mostly along axis `i`, tilted a little towards axis `j`. */
export function axis(i: number, tilt = 0, j = (i + 1) % DIMS): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[i] = 1;
  v[j] = (v[j] ?? 0) + tilt;
  return v;
}

const records: VectorRecord[] = [
  {
    id: 'a',
    vector: axis(0),
    metadata: { kind: 'doc', year: 2021, tags: ['lease', 'renewal'], draft: false },
  },
  { id: 'b', vector: axis(0, 0.3), metadata: { kind: 'doc', year: 2023, tags: ['pricing'] } },
  { id: 'c', vector: axis(0, 0.8), metadata: { kind: 'call', year: 2024, tags: ['lease'] } },
  { id: 'd', vector: axis(3), metadata: { kind: 'call', year: 2025 } },
  { id: 'e', vector: axis(5, 0.1), metadata: { kind: 'note', year: 2020, draft: true } },
];

export function vectorStoreContract(name: string, make: () => Promise<VectorStore>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let store: VectorStore;
    beforeAll(async () => {
      store = await make();
      await store.upsert('contract_main', records);
    });

    it('counts what was upserted', async () => {
      expect(await store.count('contract_main')).toBe(5);
      expect(await store.count('contract_empty')).toBe(0);
    });

    it('returns nearest records first, with cosine scores and metadata', async () => {
      const hits = await store.query('contract_main', { vector: axis(0), topK: 3 });
      expect(hits.map((h) => h.id)).toEqual(['a', 'b', 'c']);
      expect(hits[0]!.score).toBeCloseTo(1, 4);
      expect(hits[1]!.score).toBeCloseTo(1 / Math.sqrt(1.09), 3);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[0]!.namespace).toBe('contract_main');
      expect(hits[0]!.metadata).toMatchObject({ kind: 'doc', year: 2021, tags: ['lease', 'renewal'] });
    });

    it('filters on equality, list membership, ranges, $in/$nin/$ne and $and/$or', async () => {
      const ids = async (filter: object) =>
        (await store.query('contract_main', { vector: axis(0), topK: 10, filter: filter as never }))
          .map((h) => h.id)
          .sort();
      expect(await ids({ kind: 'call' })).toEqual(['c', 'd']);
      expect(await ids({ tags: 'lease' })).toEqual(['a', 'c']);
      expect(await ids({ year: { $gte: 2023, $lt: 2025 } })).toEqual(['b', 'c']);
      expect(await ids({ kind: { $in: ['note', 'doc'] } })).toEqual(['a', 'b', 'e']);
      expect(await ids({ kind: { $nin: ['doc', 'call'] } })).toEqual(['e']);
      expect(await ids({ draft: true })).toEqual(['e']);
      expect(await ids({ $or: [{ year: { $lte: 2020 } }, { tags: 'pricing' }] })).toEqual(['b', 'e']);
      expect(await ids({ $and: [{ kind: 'call' }, { year: { $gt: 2024 } }] })).toEqual(['d']);
    });

    it('replaces a record upserted again under the same id', async () => {
      await store.upsert('contract_replace', [{ id: 'x', vector: axis(1), metadata: { v: 1 } }]);
      await store.upsert('contract_replace', [{ id: 'x', vector: axis(6), metadata: { v: 2 } }]);
      expect(await store.count('contract_replace')).toBe(1);
      const [hit] = await store.query('contract_replace', { vector: axis(6), topK: 1 });
      expect(hit).toMatchObject({ id: 'x', metadata: { v: 2 } });
      expect(hit!.score).toBeCloseTo(1, 4);
    });

    it('deletes by id (unknown ids are ignored) and whole namespaces', async () => {
      await store.upsert('contract_delete', [
        { id: 'p', vector: axis(2) },
        { id: 'q', vector: axis(4) },
        { id: 'r', vector: axis(7) },
      ]);
      await store.delete('contract_delete', ['q', 'nope']);
      expect(await store.count('contract_delete')).toBe(2);
      const ids = (await store.query('contract_delete', { vector: axis(4), topK: 5 }))
        .map((h) => h.id)
        .sort();
      expect(ids).toEqual(['p', 'r']);
      await store.deleteNamespace('contract_delete');
      expect(await store.count('contract_delete')).toBe(0);
      expect(await store.query('contract_delete', { vector: axis(4), topK: 5 })).toEqual([]);
    });

    it('keeps namespaces apart and merges a query over several', async () => {
      await store.upsert('contract_other', [{ id: 'a', vector: axis(3, 0.05), metadata: { kind: 'other' } }]);
      const one = await store.query('contract_main', {
        vector: axis(3),
        topK: 10,
        filter: { kind: 'other' },
      });
      expect(one).toEqual([]);
      const both = await store.query(['contract_main', 'contract_other'], { vector: axis(3), topK: 2 });
      expect(both.map((h) => `${h.namespace}/${h.id}`)).toEqual(['contract_main/d', 'contract_other/a']);
    });

    it('refuses bad input with a clear message', async () => {
      await expect(store.upsert('contract_main', [{ id: 'bad', vector: [1, 2, 3] }])).rejects.toThrow(
        /3 dimensions.*expects 8/,
      );
      await expect(store.upsert('Bad Name', [{ id: 'x', vector: axis(1) }])).rejects.toThrow(
        /invalid namespace/,
      );
      await expect(
        store.query('contract_main', { vector: axis(1), topK: 5, filter: { year: { $near: 3 } } as never }),
      ).rejects.toThrow(/unknown filter operator '\$near'/);
      await expect(store.query('contract_main', { vector: axis(1), topK: 0 })).rejects.toThrow(/topK/);
      await expect(
        store.upsert('contract_main', [{ id: 'n', vector: axis(1).map(() => Number.NaN) }]),
      ).rejects.toThrow(/finite/);
    });

    it('describes itself', async () => {
      const info = await store.describe();
      expect(info.kind).toBe(store.kind);
      expect(info.note.length).toBeGreaterThan(10);
    });
  });
}
