import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  estimateTokens,
  takeWithinBudget,
  takeWithinBudgets,
  truncateText,
} from '../../shared/runtime/budget.js';
import { ToolInputError } from '../../shared/runtime/define-tool.js';

describe('response budget', () => {
  it('estimates tokens conservatively', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('x'.repeat(3600))).toBe(1000);
  });

  it('takes items while they fit and counts the rest', () => {
    const items = Array.from({ length: 10 }, (_, i) => 'y'.repeat(360) + i);
    const r = takeWithinBudget(items, (s) => s, 350);
    expect(r.taken).toHaveLength(3);
    expect(r.omitted).toBe(7);
    expect(r.tokens).toBeLessThanOrEqual(350);
  });

  it('takes items while every rendering (text and structured) fits, and always at least one', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const short = () => 'x'.repeat(36); // 10 tokens
    const long = () => 'y'.repeat(360); // 100 tokens
    expect(takeWithinBudgets(items, [short, long], 350)).toEqual({ taken: [0, 1, 2], omitted: 7 });
    expect(takeWithinBudgets(items, [long, short], 350)).toEqual({ taken: [0, 1, 2], omitted: 7 });
    expect(takeWithinBudgets(items, [short], 350).taken).toHaveLength(10);
    expect(takeWithinBudgets(items, [long], 50)).toEqual({ taken: [0], omitted: 9 });
  });

  it('truncates at a line boundary with a notice', () => {
    const text = Array.from({ length: 500 }, (_, i) => `line ${i} ${'z'.repeat(50)}`).join('\n');
    const r = truncateText(text, 1000);
    expect(r.truncated).toBe(true);
    expect(estimateTokens(r.text)).toBeLessThanOrEqual(1000);
    expect(r.text).toMatch(/\[truncated: \d+ more characters not shown/);
    expect(truncateText('short', 1000)).toEqual({ text: 'short', truncated: false });
  });

  it('round-trips cursors and rejects garbage with a clear error', () => {
    expect(decodeCursor(encodeCursor({ offset: 30 }))).toEqual({ offset: 30 });
    expect(() => decodeCursor('%%%')).toThrow(ToolInputError);
  });
});
