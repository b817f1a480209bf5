import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateQualitySet } from '../../../servers/github-review/review/quality-set.js';

/**
 * Review quality on the injected-defect fixture set (test/fixtures/github-review/quality, see its README).
 *
 * Floors: precision >= 0.90 and recall >= 0.90 overall, recall >= 0.60 for every rule with defects in the
 * set, and at most 2 of the clean diffs with any finding. Why these numbers: the first run of the rules on the
 * set, before any change made because of it, measured precision 0.96 and recall 0.98 (TP 48, FP 2, FN 1);
 * after fixing the two false positives it found it measures 1.00 / 0.98. The set was written by the rules'
 * author, so these are in-sample numbers and an upper bound for real code; the floors leave room for about
 * four more misses or false alarms as cases are added (not flaky), while a broken rule (a regex that no longer
 * matches loses all of that rule's 3-9 defects) pushes its recall to 0 and fails the per-rule floor.
 */
describe('review quality of the rule-based review', () => {
  const report = evaluateQualitySet(
    fileURLToPath(new URL('../../fixtures/github-review/quality/', import.meta.url)),
  );

  it('has at least 30 diffs with injected defects and at least as many clean ones', () => {
    expect(report.defectCases).toBeGreaterThanOrEqual(30);
    expect(report.cleanCases).toBeGreaterThanOrEqual(report.defectCases);
  });

  it('keeps precision and recall above the floors', () => {
    expect(report.overall.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.cleanCasesWithFindings).toBeLessThanOrEqual(2);
  });

  it('keeps every rule finding its injected defects', () => {
    expect([...report.rules.keys()].sort()).toEqual([
      'code/unsafe-exec',
      'compliance/fair-housing',
      'compliance/fdcpa-disclosure',
      'compliance/fdcpa-threat',
      'deps/lockfile-missing',
      'files/generated',
      'files/large',
      'pii/logged',
      'secrets/hardcoded',
      'sql/string-built',
      'tests/missing',
    ]);
    for (const [id, score] of report.rules)
      expect({ id, recall: score.recall >= 0.6 }).toEqual({ id, recall: true });
  });
});
