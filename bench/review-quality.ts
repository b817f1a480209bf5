/**
 * Review quality of the rule-based github-review checks on the injected-defect fixture set
 * (test/fixtures/github-review/quality: small diffs with known defects and clean diffs; see its README).
 * Prints precision, recall and F1 overall and per rule, and lists every false positive and miss.
 * Run: npx tsx bench/review-quality.ts      (rebuild the diffs first with bench/review-quality-build.ts)
 */
import { fileURLToPath } from 'node:url';
import { evaluateQualitySet } from '../servers/github-review/review/quality-set.js';

const folder = fileURLToPath(new URL('../test/fixtures/github-review/quality/', import.meta.url));
const report = evaluateQualitySet(folder);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const out: string[] = [];
out.push(
  `review-quality: ${report.cases} diffs (${report.defectCases} with ${report.injected} injected defects, ${report.cleanCases} clean)`,
  `overall: precision ${pct(report.overall.precision)}  recall ${pct(report.overall.recall)}  F1 ${pct(report.overall.f1)}  (TP ${report.overall.tp}, FP ${report.overall.fp}, FN ${report.overall.fn})`,
  `clean diffs with any finding: ${report.cleanCasesWithFindings}/${report.cleanCases}; defect diffs fully caught: ${report.defectCasesFullyFound}/${report.defectCases}`,
  `time: ${report.millisPerCase.toFixed(2)} ms per diff (parse + all rules)`,
  '',
  'rule                           TP  FP  FN  precision  recall',
);
for (const [id, s] of report.rules) {
  out.push(
    `${id.padEnd(30)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}`,
  );
}
const fps = report.results.flatMap((r) =>
  r.falsePositives.map((f) => `  FP ${r.name}: [${f.ruleId}] ${f.path}:${f.line ?? '-'} ${f.evidence ?? ''}`),
);
const fns = report.results.flatMap((r) =>
  r.missed.map((m) => `  FN ${r.name}: [${m.ruleId}] ${m.path}:${m.line ?? '-'}`),
);
if (fps.length) out.push('', 'false positives:', ...fps);
if (fns.length) out.push('', 'missed defects:', ...fns);
process.stdout.write(`${out.join('\n')}\n`);
