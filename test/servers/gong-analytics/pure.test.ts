import { describe, expect, it } from 'vitest';
import { talkRatioOf } from '../../../servers/gong-analytics/call-view.js';
import {
  callCitation,
  formatOffset,
  maskEmail,
  median,
  pageCursor,
  readPageCursor,
  round,
  stageKey,
  takeWithin,
} from '../../../servers/gong-analytics/format.js';
import type { RepHandlingRow } from '../../../servers/gong-analytics/data/handling.js';
import { differences, medianRep, summarize } from '../../../servers/gong-analytics/handling.js';
import { dateRange, parsePeriod, periodOf, previousPeriod } from '../../../shared/time/period.js';
import { medianOfReps, statsOf, type RepSums } from '../../../servers/gong-analytics/stats.js';
import { normalCdf, rankChanges, termChange } from '../../../servers/gong-analytics/trend-math.js';

describe('gong-analytics pure helpers', () => {
  it('formats offsets and citations', () => {
    expect(formatOffset(0)).toBe('0:00');
    expect(formatOffset(6_500)).toBe('0:06');
    expect(formatOffset(754_000)).toBe('12:34');
    expect(formatOffset(3_723_000)).toBe('1:02:03');
    expect(callCitation('123', 6000, 'Dana Fox')).toBe('gong call 123 @ 0:06 (Dana Fox)');
    expect(callCitation('123')).toBe('gong call 123');
  });

  it('parses periods and date ranges (half-open, UTC, `to` inclusive)', () => {
    expect(parsePeriod('2025-Q3')).toEqual({
      from: new Date('2025-07-01T00:00:00Z'),
      to: new Date('2025-10-01T00:00:00Z'),
      label: '2025-Q3',
    });
    expect(parsePeriod('2025-12').to).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(parsePeriod('2025').label).toBe('2025');
    expect(() => parsePeriod('2025-13')).toThrow(/month must be 01-12/);
    expect(() => parsePeriod('Q3')).toThrow(/quarter/);
    const r = dateRange({ period: '2025-Q1', to: '2025-02-14' });
    expect(r.from).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(r.to).toEqual(new Date('2025-02-15T00:00:00Z'));
    expect(dateRange({}).label).toBe('all time');
    expect(() => dateRange({ from: '2025-03-01', to: '2025-01-01' })).toThrow(/empty/);
    expect(periodOf(new Date('2025-08-09T00:00:00Z'), 'quarter')).toBe('2025-Q3');
    expect(periodOf(new Date('2025-08-09T00:00:00Z'), 'month')).toBe('2025-08');
    expect(previousPeriod('2025-Q1')).toBe('2024-Q4');
    expect(previousPeriod('2025-01')).toBe('2024-12');
    expect(previousPeriod('2025')).toBe('2024');
  });

  it('computes medians, talk ratios and stage keys', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(
      talkRatioOf([
        { affiliation: 'Internal', talkTimeMs: 30 },
        { affiliation: 'External', talkTimeMs: 70 },
        { affiliation: 'External', talkTimeMs: null },
      ]),
    ).toBe(0.3);
    expect(talkRatioOf([{ affiliation: 'Internal', talkTimeMs: 0 }])).toBeNull();
    expect(stageKey('Closed Won')).toBe(stageKey('closedwon'));
  });

  it('masks emails for callers without the pii role', () => {
    expect(maskEmail('dana@harbor.com', false)).toBe('d***@harbor.com');
    expect(maskEmail('dana@harbor.com', true)).toBe('dana@harbor.com');
  });

  it('takes items within a token budget counting text and structured output, at least one', () => {
    const items = Array.from({ length: 100 }, (_, i) => 'x'.repeat(360) + i);
    const r = takeWithin(
      items,
      (s) => s,
      (s) => ({ s }),
      1000,
    );
    expect(r.taken.length).toBeGreaterThan(1);
    expect(r.taken.length).toBeLessThan(100);
    expect(r.omitted).toBe(100 - r.taken.length);
    expect(
      takeWithin(
        ['y'.repeat(100_000)],
        (s) => s,
        (s) => s,
        10,
      ).taken,
    ).toHaveLength(1);
  });

  it('binds cursors to their query', () => {
    const c = pageCursor({ rep: 'a' }, { offset: 10 });
    expect(readPageCursor<{ offset: number }>(c, { rep: 'a' })?.offset).toBe(10);
    expect(() => readPageCursor(c, { rep: 'b' })).toThrow(/different query/);
    expect(() => readPageCursor('%%%', { rep: 'a' })).toThrow(/cursor/);
    expect(readPageCursor(undefined, {})).toBeUndefined();
  });
});

describe('gong-analytics statistics (pure)', () => {
  const sums = (key: string, team: string | null, calls: number, talk: number, mono: number): RepSums => ({
    key,
    name: key,
    team,
    calls,
    sums: {
      talkRatio: { sum: talk * calls, n: calls },
      longestMonologueSeconds: { sum: mono * calls, n: calls },
      longestCustomerStorySeconds: { sum: 0, n: 0 },
      interactivity: { sum: 0, n: 0 },
      patienceSeconds: { sum: 0, n: 0 },
      questionRate: { sum: 0, n: 0 },
    },
  });

  it('pools calls for a group and takes the median rep', () => {
    const reps = [sums('a', 'S', 10, 0.4, 20), sums('b', 'S', 30, 0.6, 40), sums('c', 'S', 1, 0.9, 100)];
    const pooled = statsOf(reps);
    expect(pooled.calls).toBe(41);
    expect(pooled.talkRatio).toBe(round((4 + 18 + 0.9) / 41, 3));
    expect(pooled.interactivity).toBeNull();
    const med = medianOfReps(reps);
    expect(med).toMatchObject({ calls: 3, talkRatio: 0.6, longestMonologueSeconds: 40 });
    expect(medianOfReps(reps, 5).talkRatio).toBe(0.5);
  });

  it('compares a rep with the median rep in plain words', () => {
    const row = (
      key: string,
      episodes: number,
      pauseMs: number,
      nextSteps: number,
      won: number,
      closed: number,
      handling: string,
    ): RepHandlingRow => ({
      key,
      name: key,
      team: 'S',
      calls: 10,
      episodes,
      episodeCalls: episodes,
      answered: episodes,
      pauseMs,
      episodeTalkRatio: 0.5,
      nextSteps,
      dealsClosed: closed,
      dealsWon: won,
      handling: { [handling]: episodes },
    });
    const rows = [
      row('kevin', 4, 4000, 4, 2, 2, 'value_reframe'),
      row('b', 4, 1000, 1, 0, 2, 'discount'),
      row('c', 4, 1200, 2, 1, 2, 'discount'),
    ];
    const kevin = summarize([rows[0]!], 'kevin');
    expect(kevin).toMatchObject({
      episodes: 4,
      perCall: 0.4,
      pauseSeconds: 4,
      nextStepRate: 1,
      dealWinRate: 1,
      topHandling: 'value_reframe',
    });
    const med = medianRep(rows);
    expect(med).toMatchObject({
      pauseSeconds: 1.2,
      nextStepRate: 0.5,
      dealWinRate: 0.5,
      topHandling: 'discount',
    });
    const diffs = differences(kevin, med).join('; ');
    expect(diffs).toContain('pauses 3.3x longer before answering (4 s vs 1.2 s)');
    expect(diffs).toContain('next step after the objection 50 points higher');
    expect(diffs).toContain('mostly answers with value_reframe (most reps: discount)');
    expect(differences(med, med)).toEqual([]);
  });

  it('tests term changes for significance (two-proportion z-test)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 4);
    const up = termChange(60, 1000, 20, 1000);
    expect(up.z).toBeGreaterThan(4);
    expect(up.pValue).toBeLessThan(0.001);
    expect(up.lift).toBeCloseTo(3);
    const flat = termChange(21, 1000, 20, 1000);
    expect(flat.pValue).toBeGreaterThan(0.5);
    const ranked = rankChanges([
      { t: 'up', change: up },
      { t: 'flat', change: flat },
      { t: 'down', change: termChange(5, 1000, 40, 1000) },
      { t: 'rare', change: termChange(1, 1000, 0, 1000) },
    ]);
    expect(ranked.rising.map((x) => x.t)).toEqual(['up']);
    expect(ranked.falling.map((x) => x.t)).toEqual(['down']);
    expect(termChange(3, 10, 0, 10).lift).toBe(Infinity);
  });
});
