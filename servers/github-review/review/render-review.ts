import { takeWithinBudget } from '../../../shared/runtime/budget.js';
import type { Finding } from '../rules/rule-types.js';
import { describeOmitted } from './diff-budget.js';
import type { ReviewResult } from './review-changes.js';

/** A concise text rendering of a review for the host's model (the structured answer has everything). */
export function renderFinding(f: Finding): string {
  const where =
    f.line !== undefined
      ? `${f.path}:${f.line}${f.endLine && f.endLine !== f.line ? `-${f.endLine}` : ''}${f.side === 'LEFT' ? ' (removed line)' : ''}`
      : `${f.path} (file)`;
  return `- ${f.severity.toUpperCase()} [${f.ruleId}] ${where}: ${f.message}${f.evidence ? ` — \`${f.evidence}\`` : ''}${f.cite ? ` (${f.cite})` : ''}`;
}

export function renderReview(
  review: ReviewResult,
  maxTokens: number,
): { text: string; shownFindings: number } {
  const s = review.stats;
  const lines: string[] = [
    `Review of ${review.source}: ${s.files} file(s), +${s.additions} −${s.deletions}. Effort ${review.effort}/5 (${review.effortSource}).`,
    review.model.note,
    `Summary: ${review.summary}`,
  ];
  const errors = review.findings.filter((f) => f.severity === 'error').length;
  const warnings = review.findings.filter((f) => f.severity === 'warning').length;
  const head = lines.join('\n');
  const tail: string[] = [];
  const anchored = review.issues.filter((i) => i.anchored);
  const general = review.issues.filter((i) => !i.anchored);
  if (anchored.length) {
    tail.push(
      `Model issues (${anchored.length}):`,
      ...anchored.map(
        (i) =>
          `- ${i.severity.toUpperCase()} ${i.kind === 'security' ? '[security] ' : ''}${i.path}:${i.startLine}${i.endLine !== i.startLine ? `-${i.endLine}` : ''}: ${i.title}${i.detail ? ` — ${i.detail}` : ''}`,
      ),
    );
  }
  if (general.length)
    tail.push(
      `General notes (not on a changed line):`,
      ...general.map((i) => `- ${i.title}${i.detail ? ` — ${i.detail}` : ''} (${i.path}:${i.startLine})`),
    );
  tail.push(`Tests: ${review.testAssessment}`);
  if (review.diff.omitted.length && review.model.used)
    tail.push(`Not shown to the model:\n${describeOmitted(review.diff.omitted, 15)}`);
  if (review.ignoredFiles.length)
    tail.push(
      `Ignored by ${review.configOrigin}: ${review.ignoredFiles.slice(0, 10).join(', ')}${review.ignoredFiles.length > 10 ? ', …' : ''}`,
    );
  const tailText = tail.join('\n');
  const budget = Math.max(500, maxTokens - Math.ceil((head.length + tailText.length) / 3.6) - 100);
  const { taken, omitted } = takeWithinBudget(review.findings, renderFinding, budget);
  const findingsText = review.findings.length
    ? [
        `Rule findings (${errors} error(s), ${warnings} warning(s), ${review.findings.length - errors - warnings} info):`,
        ...taken.map(renderFinding),
        ...(omitted ? [`- … ${omitted} more in the structured result`] : []),
      ].join('\n')
    : 'Rule findings: none.';
  return { text: [head, findingsText, tailText].join('\n'), shownFindings: taken.length };
}
