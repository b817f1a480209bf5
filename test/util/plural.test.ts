import { describe, expect, it } from 'vitest';
import { countOf } from '../../shared/util/plural.js';

describe('countOf', () => {
  it('puts the noun in the number the count needs', () => {
    expect(countOf(1, 'row')).toBe('1 row');
    expect(countOf(0, 'row')).toBe('0 rows');
    expect(countOf(2, 'Slack message')).toBe('2 Slack messages');
    expect(countOf(3, 'query', 'queries')).toBe('3 queries');
  });
});
