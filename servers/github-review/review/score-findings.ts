import type { Finding } from '../rules/rule-types.js';

/**
 * Scores rule findings against known, injected defects (the review-quality fixture set): a finding is a true
 * positive when an expected defect has the same rule, path, side and line (or the defect is file-level and
 * only rule and path must agree); each expected defect matches at most one finding. Everything else the
 * rules report is a false positive; expected defects nobody found are false negatives.
 */
export interface ExpectedDefect {
  ruleId: string;
  path: string;
  line: number | null;
  side: 'LEFT' | 'RIGHT';
}

export interface CaseResult {
  name: string;
  kind: 'defect' | 'clean';
  tp: number;
  fp: number;
  fn: number;
  falsePositives: Finding[];
  missed: ExpectedDefect[];
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function scoreCase(
  name: string,
  kind: 'defect' | 'clean',
  expected: ExpectedDefect[],
  findings: Finding[],
): CaseResult {
  const left = [...findings];
  const missed: ExpectedDefect[] = [];
  let tp = 0;
  for (const e of expected) {
    const i = left.findIndex(
      (f) =>
        f.ruleId === e.ruleId &&
        f.path === e.path &&
        (e.line === null ? true : f.line === e.line && f.side === e.side),
    );
    if (i >= 0) {
      tp++;
      left.splice(i, 1);
    } else missed.push(e);
  }
  return { name, kind, tp, fp: left.length, fn: missed.length, falsePositives: left, missed };
}

export function totals(results: Array<{ tp: number; fp: number; fn: number }>): Score {
  const tp = results.reduce((n, r) => n + r.tp, 0);
  const fp = results.reduce((n, r) => n + r.fp, 0);
  const fn = results.reduce((n, r) => n + r.fn, 0);
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/** Per-rule scores: true positives and misses by the expected rule, false positives by the reporting rule. */
export function perRule(
  results: CaseResult[],
  expectedByCase: Map<string, ExpectedDefect[]>,
): Map<string, Score> {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const get = (id: string) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  for (const r of results) {
    const expected = expectedByCase.get(r.name) ?? [];
    const missedKeys = new Set(r.missed);
    for (const e of expected) {
      if (missedKeys.has(e)) get(e.ruleId).fn++;
      else get(e.ruleId).tp++;
    }
    for (const f of r.falsePositives) get(f.ruleId).fp++;
  }
  return new Map(
    [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([id, c]) => [id, totals([c])]),
  );
}
