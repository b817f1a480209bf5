import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../shared/search/eval/bm25.js';
import { ndcgAt, percentile, recallAt } from '../../shared/search/eval/metrics.js';
import { isWebSearchSyntax } from '../../shared/search/full-text.js';
import { convexCombination } from '../../shared/search/convex.js';
import { reciprocalRankFusion } from '../../shared/search/rrf.js';
import { ancestors, toVectorFilter } from '../../shared/search/search-filter.js';
import { makeSnippet } from '../../shared/search/snippet.js';
import { matches, parseFilter } from '../../shared/search/vector-store/filter.js';

describe('reciprocal rank fusion', () => {
  it('scores 1/(k+rank) summed over lists and records each rank', () => {
    const fused = reciprocalRankFusion([
      { name: 'fts', ids: ['a', 'b', 'c'] },
      { name: 'vector', ids: ['c', 'a', 'd'] },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 10);
    expect(fused[0]!.ranks).toEqual({ fts: 1, vector: 2 });
    expect(fused[3]!.ranks).toEqual({ vector: 3 });
  });

  it('honours list weights', () => {
    const fused = reciprocalRankFusion([
      { name: 'fts', ids: ['a', 'b'] },
      { name: 'vector', ids: ['b', 'a'], weight: 0.3 },
    ]);
    expect(fused[0]!.id).toBe('a');
  });
});

describe('convex combination fusion', () => {
  it('normalises each list to 0-1 by its own min and max and sums the weighted scores', () => {
    const fused = convexCombination([
      {
        name: 'fts',
        weight: 0.8,
        hits: [
          { id: 'a', score: 12 },
          { id: 'b', score: 11 },
          { id: 'c', score: 2 },
        ],
      },
      {
        name: 'vector',
        weight: 0.2,
        hits: [
          { id: 'b', score: 0.9 },
          { id: 'd', score: 0.5 },
          { id: 'a', score: 0.1 },
        ],
      },
    ]);
    // a: 0.8·1 + 0.2·0 = 0.8; b: 0.8·0.9 + 0.2·1 = 0.92; d: 0.2·0.5 = 0.1; c: 0.
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0]!.score).toBeCloseTo(0.92, 10);
    expect(fused[0]!.ranks).toEqual({ fts: 2, vector: 1 });
    expect(fused[3]!.ranks).toEqual({ fts: 3 });
  });

  it('keeps a confident lead that rank fusion would give away to a weak second list', () => {
    const lists = [
      {
        name: 'fts',
        ids: ['a', 'b'],
        hits: [
          { id: 'a', score: 10 },
          { id: 'b', score: 1 },
          { id: 'z', score: 0 },
        ],
      },
      {
        name: 'vector',
        ids: ['b', 'a'],
        hits: [
          { id: 'b', score: 0.31 },
          { id: 'a', score: 0.3 },
          { id: 'z', score: 0 },
        ],
      },
    ];
    expect(convexCombination(lists.map((l, i) => ({ ...l, weight: i ? 0.2 : 0.8 })))[0]!.id).toBe('a');
    expect(
      reciprocalRankFusion(lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })))[0]!.ranks,
    ).toEqual({ fts: 1, vector: 2 });
  });

  it('gives every hit of a list with one score value full marks, and skips empty lists', () => {
    const fused = convexCombination([
      {
        name: 'fts',
        weight: 0.5,
        hits: [
          { id: 'a', score: 3 },
          { id: 'b', score: 3 },
        ],
      },
      { name: 'vector', weight: 0.5, hits: [] },
    ]);
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
  });
});

describe('metrics', () => {
  const judged = new Map([
    ['d1', 2],
    ['d2', 1],
  ]);
  it('computes nDCG@k with linear gains like trec_eval', () => {
    expect(ndcgAt(['d1', 'd2'], judged, 10)).toBeCloseTo(1, 10);
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(3);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(['d2', 'd1'], judged, 10)).toBeCloseTo(dcg / idcg, 10);
    expect(ndcgAt(['x', 'y'], judged, 10)).toBe(0);
    expect(ndcgAt(['x', 'd1'], judged, 1)).toBe(0);
  });
  it('computes recall and nearest-rank percentiles', () => {
    expect(recallAt(['d2', 'x'], judged, 100)).toBe(0.5);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });
});

describe('BM25 baseline', () => {
  it('ranks by idf-weighted saturated term frequency', () => {
    const idx = new Bm25Index();
    idx.add('a', 'late fee late fee grace period');
    idx.add('b', 'the pool opens in summer');
    idx.add('c', 'a late fee applies');
    const hits = idx.search('late fees', 10);
    expect(hits.map((h) => h.id)).toEqual(['a', 'c']);
    expect(idx.search('nothing matches this', 5)).toEqual([]);
  });
});

describe('snippets', () => {
  it('picks the lines with the most query terms and reports their offset', () => {
    const content = [
      '# Fees',
      '',
      'Pets are welcome.',
      'A late fee applies after the grace period.',
      'Parking is free.',
    ].join('\n');
    const s = makeSnippet(content, 'late fee grace', 60);
    expect(s.text).toContain('late fee applies after the grace period');
    expect(s.lineOffset).toBe(3);
    expect(s.matched.sort()).toEqual(['fee', 'grace', 'late']);
  });
});

describe('filters', () => {
  it('validates and evaluates filters', () => {
    const f = parseFilter({ tags: 'a', year: { $gte: 2020 } });
    expect(matches(f, { tags: ['a', 'b'], year: 2021 })).toBe(true);
    expect(matches(f, { tags: ['b'], year: 2021 })).toBe(false);
    expect(() => parseFilter({ 'bad field': 1 })).toThrow(/invalid filter field/);
    expect(() => parseFilter({ x: { $in: [] } })).toThrow(/non-empty list/);
    expect(() => parseFilter({ x: { $gt: 'a' } })).toThrow(/needs a number/);
  });
  it('maps search filters to vector filters (folder prefixes through ancestor lists)', () => {
    expect(ancestors('a/b/c.md')).toEqual(['a', 'a/b']);
    expect(toVectorFilter({ pathPrefix: '/compliance/', tags: ['x'] })).toEqual({
      $and: [{ dirs: 'compliance' }, { tags: { $in: ['x'] } }],
    });
    expect(toVectorFilter({})).toBeUndefined();
  });
  it('recognises web-search syntax only for phrases and OR', () => {
    expect(isWebSearchSyntax('"late fee" policy')).toBe(true);
    expect(isWebSearchSyntax('yardi OR realpage')).toBe(true);
    expect(isWebSearchSyntax('print machine name (uname -m)')).toBe(false);
  });
});
