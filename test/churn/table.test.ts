import { describe, expect, it } from 'vitest';
import { evaluateTable, TableError } from '../../shared/churn/table.js';

/**
 * A synthetic churn table with a known structure (deterministic, no randomness): churn rises with support
 * tickets and month-to-month contracts, falls with tenure; one column is noise, one is an id the caller may
 * forget to name, some tenure values are missing. The learner must find the signal and report honestly.
 */
function table(n = 600): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const tickets = (i * 7) % 11;
    const contract = ['month-to-month', 'one year', 'two year'][(i * 5) % 3]!;
    const tenure = (i * 13) % 72;
    const noise = (i * 31) % 17;
    const risk =
      tickets / 10 + (contract === 'month-to-month' ? 0.6 : 0) - tenure / 72 + (((i * 37) % 10) - 4.5) / 15;
    rows.push({
      customerID: `C-${String(i).padStart(5, '0')}`,
      signup: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      tickets: String(tickets),
      Contract: contract,
      tenure: i % 29 === 0 ? '' : String(tenure),
      noise: String(noise),
      Churn: risk > 0.45 ? 'Yes' : 'No',
    });
  }
  return rows;
}

describe('evaluateTable (sophia churn eval --csv)', () => {
  it('learns the signal: high test AUC, an honest split, categoricals one-hot, an unnamed id dropped', () => {
    const r = evaluateTable(table(), { label: 'Churn' });
    expect(r.test.auc).toBeGreaterThan(0.85);
    expect(r.trainRows + r.test.n).toBe(600);
    expect(Math.abs(r.test.n - 150)).toBeLessThanOrEqual(1); // 25% of each class, rounded
    // stratified: the test set's churn rate is the table's
    expect(Math.abs(r.test.positives / r.test.n - r.trainPositives / r.trainRows)).toBeLessThan(0.02);
    expect(r.features).toContain('Contract=month-to-month');
    expect(r.dropped.map((d) => d.column)).toEqual(expect.arrayContaining(['customerID', 'signup']));
    expect(r.test.calibration.length).toBeGreaterThan(1);
  });

  it('a time column splits by time: the test rows are the latest', () => {
    const r = evaluateTable(table(), { label: 'Churn', id: 'customerID', time: 'signup', testFraction: 0.2 });
    expect(r.split).toMatch(/^time split on signup/);
    expect(r.test.n).toBe(120);
    expect(r.features).not.toContain('customerID');
  });

  it('the same seed gives the same split and numbers; another seed another split', () => {
    const a = evaluateTable(table(), { label: 'Churn', id: 'customerID', seed: 'x' });
    const b = evaluateTable(table(), { label: 'Churn', id: 'customerID', seed: 'x' });
    const c = evaluateTable(table(), { label: 'Churn', id: 'customerID', seed: 'y' });
    expect(b.test).toEqual(a.test);
    expect(c.test.auc).not.toBe(a.test.auc);
  });

  it('says what is wrong with a table it cannot use', () => {
    expect(() => evaluateTable(table(), { label: 'churned' })).toThrow(
      /--label column 'churned' is not in the table/,
    );
    expect(() => evaluateTable(table(), { label: 'Churn', positive: ['maybe'] })).toThrow(TableError);
    expect(() => evaluateTable(table(), { label: 'Churn', positive: ['maybe'] })).toThrow(/set --positive/);
    expect(() => evaluateTable([], { label: 'Churn' })).toThrow(/no rows/);
    const bad = table(50).map((r, i) => (i === 3 ? { ...r, signup: 'soon' } : r));
    expect(() => evaluateTable(bad, { label: 'Churn', time: 'signup' })).toThrow(
      /row 5: not a date or number/,
    );
  });
});
