import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  estimateTokens,
  takeWithinBudget,
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
