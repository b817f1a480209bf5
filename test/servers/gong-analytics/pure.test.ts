import { describe, expect, it } from 'vitest';
import { talkRatioOf } from '../../../servers/gong-analytics/call-view.js';
import {
  callCitation,
  formatOffset,
  maskEmail,
  median,
  pageCursor,
  readPageCursor,
  stageKey,
  takeWithin,
} from '../../../servers/gong-analytics/format.js';
import { dateRange, parsePeriod, periodOf, previousPeriod } from '../../../servers/gong-analytics/period.js';

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
