import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseDiff } from '../diff/parse-diff.js';
import { parseReviewConfig } from './review-config.js';
import { runRules } from './run-rules.js';
import {
  perRule,
  scoreCase,
  totals,
  type CaseResult,
  type ExpectedDefect,
  type Score,
} from './score-findings.js';

/**
 * Runs the rule-based review over a review-quality fixture set (a folder with expected.json and diffs/*.diff,
 * built by bench/review-quality-build.ts) and scores it. Used by the bench script and the quality test.
 */
const Expected = z.array(
  z.object({
    name: z.string(),
    kind: z.enum(['defect', 'clean']),
    note: z.string(),
    source: z.string(),
    expected: z.array(
      z.object({
        ruleId: z.string(),
        path: z.string(),
        line: z.number().int().nullable(),
        side: z.enum(['LEFT', 'RIGHT']),
      }),
    ),
  }),
);

export interface QualityReport {
  cases: number;
  defectCases: number;
  cleanCases: number;
  injected: number;
  overall: Score;
  rules: Map<string, Score>;
  cleanCasesWithFindings: number;
  defectCasesFullyFound: number;
  results: CaseResult[];
  millisPerCase: number;
}

export function evaluateQualitySet(folder: string): QualityReport {
  const expected = Expected.parse(JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')));
  const config = parseReviewConfig(undefined);
  const results: CaseResult[] = [];
  const byCase = new Map<string, ExpectedDefect[]>();
  const t0 = performance.now();
  for (const c of expected) {
    const diff = readFileSync(join(folder, 'diffs', `${c.name}.diff`), 'utf8');
    const findings = runRules({ source: c.name, files: parseDiff(diff) }, config).findings;
    byCase.set(c.name, c.expected);
    results.push(scoreCase(c.name, c.kind, c.expected, findings));
  }
  const elapsed = performance.now() - t0;
  return {
    cases: expected.length,
    defectCases: expected.filter((c) => c.kind === 'defect').length,
    cleanCases: expected.filter((c) => c.kind === 'clean').length,
    injected: expected.reduce((n, c) => n + c.expected.length, 0),
    overall: totals(results),
    rules: perRule(results, byCase),
    cleanCasesWithFindings: results.filter((r) => r.kind === 'clean' && r.fp > 0).length,
    defectCasesFullyFound: results.filter((r) => r.kind === 'defect' && r.fn === 0).length,
    results,
    millisPerCase: elapsed / expected.length,
  };
}
