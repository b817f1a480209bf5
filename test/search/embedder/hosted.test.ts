import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../shared/config/secret.js';
import { OpenAiEmbedder } from '../../../shared/search/embedder/openai.js';
import { VoyageEmbedder } from '../../../shared/search/embedder/voyage.js';
import {
  type FakeEmbeddings,
  fakeVector,
  startFakeEmbeddings,
} from '../../support/fakes/embeddings-server.js';

describe('Voyage AI client (local server speaking the Voyage embeddings API)', () => {
  let fake: FakeEmbeddings;
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ apiKey: 'voy-key', dims: 1024, style: 'voyage' });
  });
  afterAll(async () => fake?.close());

  it('sends model, input_type and the key, and returns vectors in input order', async () => {
    const e = new VoyageEmbedder({ apiKey: new Secret('voy-key'), baseUrl: fake.url, model: 'voyage-3.5' });
    const out = await e.embed(['first', 'second', 'third'], 'query');
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual(fakeVector('first', 1024, 'query'));
    expect(out[2]).toEqual(fakeVector('third', 1024, 'query'));
    expect(fake.bodies.at(-1)).toMatchObject({
      model: 'voyage-3.5',
      input_type: 'query',
      input: ['first', 'second', 'third'],
    });
    expect(e.id).toBe('voyage:voyage-3.5:1024');
  });

  it('asks for a smaller output dimension when configured', async () => {
    const e = new VoyageEmbedder({
      apiKey: new Secret('voy-key'),
      baseUrl: fake.url,
      model: 'voyage-3.5',
      dims: 256,
    });
    const [v] = await e.embed(['x'], 'document');
    expect(v).toHaveLength(256);
    expect(fake.bodies.at(-1)).toMatchObject({ output_dimension: 256, input_type: 'document' });
  });

  it('retries a rate limit (429 with Retry-After) and then succeeds', async () => {
    const e = new VoyageEmbedder({ apiKey: new Secret('voy-key'), baseUrl: fake.url });
    fake.failNext = 2;
    const before = fake.bodies.length;
    const out = await e.embed(['retry me'], 'document');
    expect(out[0]).toHaveLength(1024);
    expect(fake.bodies.length - before).toBe(3);
  });

  it('reports a bad key clearly, without the key', async () => {
    const e = new VoyageEmbedder({ apiKey: new Secret('wrong-voyage-key'), baseUrl: fake.url });
    const err = (await e.embed(['x'], 'query').catch((x: Error) => x)) as Error;
    expect(err.message).toMatch(/Voyage AI: HTTP 401: Provided API key is invalid.*check the API key/);
    expect(err.message).not.toContain('wrong-voyage-key');
  });

  it('reports an unreachable service after its retries', async () => {
    const e = new VoyageEmbedder({
      apiKey: new Secret('voy-key'),
      baseUrl: 'http://127.0.0.1:9',
      retries: 1,
    });
    await expect(e.embed(['x'], 'query')).rejects.toThrow(/Voyage AI: request failed/);
  });
});

describe('OpenAI-compatible client (local server speaking the embeddings API)', () => {
  let fake: FakeEmbeddings;
  beforeAll(async () => {
    fake = await startFakeEmbeddings({ apiKey: 'sk-test', dims: 1536, style: 'openai' });
  });
  afterAll(async () => fake?.close());

  it('posts to {base}/embeddings with encoding_format float and orders by index', async () => {
    const e = new OpenAiEmbedder({ apiKey: new Secret('sk-test'), baseUrl: `${fake.url}/v1` });
    const out = await e.embed(['alpha', 'beta'], 'document');
    expect(out[1]).toEqual(fakeVector('beta', 1536));
    expect(fake.bodies.at(-1)).toMatchObject({
      model: 'text-embedding-3-small',
      encoding_format: 'float',
      input: ['alpha', 'beta'],
    });
    expect(fake.bodies.at(-1)).not.toHaveProperty('dimensions');
  });

  it('adds a query prefix for open models and passes dimensions when shortened', async () => {
    const e = new OpenAiEmbedder({
      apiKey: new Secret('sk-test'),
      baseUrl: `${fake.url}/v1`,
      dims: 512,
      queryPrefix: 'query: ',
    });
    const [v] = await e.embed(['rent'], 'query');
    expect(v).toHaveLength(512);
    expect(fake.bodies.at(-1)).toMatchObject({ input: ['query: rent'], dimensions: 512 });
  });

  it('refuses a model whose dimension it cannot know', () => {
    expect(() => new OpenAiEmbedder({ apiKey: undefined, model: 'my-local-model' })).toThrow(
      /SOPHIA_EMBEDDER_DIMS/,
    );
  });

  it('rejects a response of the wrong dimension', async () => {
    const e = new OpenAiEmbedder({
      apiKey: new Secret('sk-test'),
      baseUrl: `${fake.url}/v1`,
      model: 'text-embedding-3-large',
    });
    await expect(e.embed(['x'], 'document')).rejects.toThrow(/returned 1536 dimensions, configured for 3072/);
  });
});
