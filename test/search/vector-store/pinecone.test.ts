import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../shared/config/secret.js';
import { PineconeVectorStore } from '../../../shared/search/vector-store/pinecone.js';
import { type FakePinecone, startFakePinecone } from '../../support/fakes/pinecone-server.js';
import { DIMS, axis, vectorStoreContract } from './contract.js';

let fake: FakePinecone;
beforeAll(async () => {
  fake = await startFakePinecone({ apiKey: 'pc-test-key', index: 'sophia', dimension: DIMS });
});
afterAll(async () => fake?.close());

// Through the control plane (index name -> host lookup), as production does with PINECONE_INDEX.
vectorStoreContract('pinecone (local server speaking the Pinecone REST API)', async () => {
  return new PineconeVectorStore({
    apiKey: new Secret('pc-test-key'),
    index: 'sophia',
    controllerHostUrl: fake.url,
    tenant: 'acme',
    model: 'test-model',
    dims: DIMS,
  });
});

describe('pinecone specifics', () => {
  it('names namespaces per tenant, collection and model, and sends the key as Api-Key', async () => {
    const store = new PineconeVectorStore({
      apiKey: new Secret('pc-test-key'),
      indexHost: fake.url,
      tenant: 'globex',
      model: 'm2',
      dims: DIMS,
    });
    await store.upsert('knowledge_base', [{ id: 'z', vector: axis(2) }]);
    expect([...fake.namespaces.keys()].some((n) => n.startsWith('globex__knowledge_base__'))).toBe(true);
    const upsert = fake.requests.find((r) => r.path === '/vectors/upsert');
    expect(upsert?.headers['api-key']).toBe('pc-test-key');
  });

  it('reports a wrong key as a clear error without the key', async () => {
    const store = new PineconeVectorStore({
      apiKey: new Secret('wrong-key-123'),
      indexHost: fake.url,
      tenant: 'acme',
      model: 'm',
      dims: DIMS,
    });
    const err = await store.query('knowledge_base', { vector: axis(1), topK: 1 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Pinecone query failed/);
    expect((err as Error).message).not.toContain('wrong-key-123');
  });
});
