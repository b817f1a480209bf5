import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../shared/config/secret.js';
import { WeaviateVectorStore } from '../../../shared/search/vector-store/weaviate.js';
import { type FakeWeaviate, startFakeWeaviate } from '../../support/fakes/weaviate-server.js';
import { DIMS, axis, vectorStoreContract } from './contract.js';

let fake: FakeWeaviate;
const stores: WeaviateVectorStore[] = [];
beforeAll(async () => {
  fake = await startFakeWeaviate({ apiKey: 'wv-test-key' });
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await fake?.close();
});

const make = (tenant = 'acme', key = 'wv-test-key') => {
  const s = new WeaviateVectorStore({
    url: fake.url,
    grpc: fake.grpc,
    apiKey: new Secret(key),
    tenant,
    model: 'test-model',
    dims: DIMS,
  });
  stores.push(s);
  return s;
};

vectorStoreContract('weaviate (local REST + gRPC server speaking the Weaviate 1.28 API)', async () => make());

describe('weaviate specifics', () => {
  it('creates one Weaviate collection per tenant, collection and model', async () => {
    const s = make('globex');
    await s.upsert('knowledge_base', [{ id: 'k1', vector: axis(1), metadata: { kind: 'doc' } }]);
    const names = [...fake.classes.keys()];
    expect(names.some((n) => /^Sophia_globex__knowledge_base__[0-9a-f]{8}$/.test(n))).toBe(true);
    expect(await make('acme').count('knowledge_base')).toBe(0);
  });

  it('reports a wrong key as a clear error without the key', async () => {
    const s = make('acme', 'wrong-weaviate-key');
    const err = await s.count('knowledge_base').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/Weaviate .* failed/);
    expect((err as Error).message).not.toContain('wrong-weaviate-key');
  });
});
