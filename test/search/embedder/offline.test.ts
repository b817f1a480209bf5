import { describe, expect, it } from 'vitest';
import { OfflineEmbedder } from '../../../shared/search/embedder/offline.js';
import { cosine } from '../../../shared/search/vector-store/vector-store.js';

describe('offline embedder', () => {
  const e = new OfflineEmbedder();

  it('is deterministic, unit length and of the configured size', async () => {
    const [a, b] = await e.embed(['Lease renewal reminders', 'Lease renewal reminders'], 'document');
    expect(a).toHaveLength(1024);
    expect(a).toEqual(b);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(new OfflineEmbedder({ dims: 256 }).id).toBe('offline:sophia-lexical-v1:256');
  });

  it('puts texts sharing words and word forms closer than unrelated texts', async () => {
    const [q, related, unrelated] = await e.embed(
      [
        'late rent payment reminders',
        'Residents receive reminders before rent payments are late.',
        'The quarterly board meeting approved a new logo.',
      ],
      'document',
    );
    expect(cosine(q!, related!)).toBeGreaterThan(cosine(q!, unrelated!) + 0.2);
  });

  it('tolerates typos and inflections through character n-grams', async () => {
    const [doc, typo, other] = await e
      .embed(['delinquency reporting for collections'], 'document')
      .then(async (d) => [
        d[0]!,
        ...(await e.embed(['delinquncy reportng', 'swimming pool hours'], 'query')),
      ]);
    expect(cosine(doc!, typo!)).toBeGreaterThan(0.05);
    expect(cosine(doc!, typo!)).toBeGreaterThan(cosine(doc!, other!) + 0.05);
    const words = new OfflineEmbedder({ charWeight: 0 });
    const [d2, t2] = [
      words.vector('delinquency reporting for collections'),
      words.vector('delinquncy reportng'),
    ];
    expect(cosine(d2, t2)).toBeLessThan(cosine(doc!, typo!));
  });

  it('refuses a nonsensical size', () => {
    expect(() => new OfflineEmbedder({ dims: 3 })).toThrow(/dims must be/);
  });
});
