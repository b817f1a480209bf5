import { isCommentableLine, type DiffFile } from '../diff/diff-types.js';
import type { ReviewComment } from '../github/reviews.js';
import type { ReviewResult } from './review-changes.js';

/**
 * Line comments a reviewer could post, built from the review: rule findings on a line and model issues that
 * are anchored to a changed line. One comment per line (findings on the same line are merged). They are
 * suggestions: nothing is posted until the caller passes them to create_pending_review.
 */
export function suggestedComments(review: ReviewResult, files: DiffFile[], max = 30): ReviewComment[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const byLine = new Map<string, ReviewComment>();
  const add = (c: ReviewComment) => {
    const file = byPath.get(c.path);
    if (!file || !isCommentableLine(file, c.line, c.side)) return;
    if (c.startLine !== undefined && !isCommentableLine(file, c.startLine, c.side)) delete c.startLine;
    const key = `${c.path}:${c.side}:${c.line}`;
    const existing = byLine.get(key);
    if (existing) existing.body += `\n\n${c.body}`;
    else byLine.set(key, c);
  };
  for (const f of review.findings) {
    if (f.line === undefined || f.severity === 'info') continue;
    add({
      path: f.path,
      line: f.endLine ?? f.line,
      side: f.side,
      ...(f.endLine && f.endLine > f.line ? { startLine: f.line } : {}),
      body: `**${f.severity === 'error' ? 'Error' : 'Warning'} (${f.ruleId})**: ${f.message}${f.cite ? `\n\n_Ref: ${f.cite}_` : ''}`,
    });
  }
  for (const i of review.issues) {
    if (!i.anchored) continue;
    add({
      path: i.path,
      line: i.endLine,
      side: 'RIGHT',
      ...(i.endLine > i.startLine ? { startLine: i.startLine } : {}),
      body: `**${i.title}**${i.detail ? `: ${i.detail}` : ''}`,
    });
  }
  return [...byLine.values()].slice(0, max);
}
