import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../shared/search/embedder/transformers.js';
import { cosine } from '../../../shared/search/vector-store/vector-store.js';
import { writeTinyModel } from '../../support/tiny-onnx-model.js';

describe('transformers.js embedder with a local ONNX model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sophia-tiny-model-'));
  const model = writeTinyModel(join(dir, 'tiny-bert'), {
    topics: [
      ['lease', 'rent', 'tenant', 'landlord', 'renewal'],
      ['pizza', 'pasta', 'cheese', 'dinner'],
      ['invoice', 'payment', 'collections', 'balance'],
    ],
  });
  const e = new TransformersEmbedder({ modelDir: model });
  afterAll(async () => {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the model folder offline and embeds with mean pooling, normalised', async () => {
    expect(e.dims).toBe(16);
    expect(e.id).toBe('transformers:tiny-bert:mean:16');
    const [a, b, c] = await e.embed(
      ['the tenant signed a lease renewal', 'landlord and rent', 'pizza with cheese for dinner'],
      'document',
    );
    expect(a).toHaveLength(16);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(0.9);
    expect(cosine(a!, c!)).toBeLessThan(0.5);
  });

  it('applies query and document prefixes', async () => {
    const p = new TransformersEmbedder({ modelDir: model, queryPrefix: 'pizza ' });
    const [plain] = await e.embed(['rent'], 'query');
    const [prefixed] = await p.embed(['rent'], 'query');
    expect(cosine(plain!, prefixed!)).toBeLessThan(0.99);
    await p.close();
  });

  it('refuses a folder that is not a model, and never reaches for the hub', () => {
    expect(() => new TransformersEmbedder({ modelDir: join(dir, 'missing') })).toThrow(
      /config.json is missing/,
    );
    expect(() => new TransformersEmbedder({ modelDir: 'Xenova/all-MiniLM-L6-v2' })).toThrow(/no model at/);
  });
});
