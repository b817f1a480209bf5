import { estimateTokens } from '../../../shared/runtime/budget.js';
import type { DiffFile, DiffHunk } from '../diff/diff-types.js';
import { redactSecrets } from '../rules/secrets.js';
import {
  isDocPath,
  isGeneratedPath,
  isLockfile,
  isSourcePath,
  isTestPath,
  isUserFacingPath,
} from '../diff/file-kinds.js';

/**
 * Fits a change set into a token budget for a model (or a reader), the way pr-agent does: files in order of
 * relevance (files with findings, then source, user-facing text, configuration, tests, docs) and, within a
 * class, by size (bigger changes first); hunks that only delete are dropped (nothing to review on the new
 * side); lockfiles, generated and binary files are left out; files that do not fit are skipped (smaller
 * ones may still fit) and listed by name with the reason.
 */
export type OmitReason =
  'budget' | 'deleted' | 'deletion-only' | 'binary' | 'generated' | 'lockfile' | 'no-patch';

export interface OmittedFile {
  path: string;
  reason: OmitReason;
  additions: number;
  deletions: number;
}

export interface BudgetedDiff {
  text: string;
  included: string[];
  omitted: OmittedFile[];
  droppedDeletionHunks: number;
  tokens: number;
}

export function relevanceClass(path: string, flagged: boolean): number {
  if (flagged) return 0;
  if (isSourcePath(path) && !isTestPath(path)) return 1;
  if (isUserFacingPath(path)) return 2;
  if (isTestPath(path)) return 4;
  if (isDocPath(path)) return 5;
  return 3; // configuration, manifests, other
}

/**
 * A hunk with line numbers on the new side, so a reader can anchor comments: `+  12| text`. Secrets in the
 * lines are redacted (see redactSecrets).
 */
export function renderHunk(h: DiffHunk): string {
  const out = [
    `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${h.section ? ` ${h.section}` : ''}`,
  ];
  for (const l of h.lines) {
    if (l.kind === 'add') out.push(`+${String(l.newLine).padStart(5)}| ${redactSecrets(l.text)}`);
    else if (l.kind === 'del') out.push(`-${' '.repeat(5)}| ${redactSecrets(l.text)}`);
    else out.push(` ${String(l.newLine).padStart(5)}| ${redactSecrets(l.text)}`);
  }
  return out.join('\n');
}

export function renderFileHeader(f: DiffFile): string {
  const rename = f.oldPath ? ` (from ${f.oldPath})` : '';
  return `### ${f.path}${rename} — ${f.status}, +${f.additions} −${f.deletions}`;
}

export function budgetDiff(
  files: DiffFile[],
  maxTokens: number,
  flaggedPaths: Set<string> = new Set(),
): BudgetedDiff {
  const omitted: OmittedFile[] = [];
  const candidates: Array<{ file: DiffFile; hunks: DiffHunk[]; rendered: string; cls: number }> = [];
  let droppedDeletionHunks = 0;
  const omit = (f: DiffFile, reason: OmitReason) =>
    omitted.push({ path: f.path, reason, additions: f.additions, deletions: f.deletions });
  for (const f of files) {
    if (f.status === 'deleted') omit(f, 'deleted');
    else if (isLockfile(f.path)) omit(f, 'lockfile');
    else if (isGeneratedPath(f.path)) omit(f, 'generated');
    else if (f.binary) omit(f, 'binary');
    else if (f.patchUnavailable) omit(f, 'no-patch');
    else {
      const hunks = f.hunks.filter((h) => h.lines.some((l) => l.kind === 'add'));
      droppedDeletionHunks += f.hunks.length - hunks.length;
      if (!hunks.length) {
        if (f.hunks.length) omit(f, 'deletion-only');
        else if (f.status === 'renamed' || f.status === 'copied')
          continue; // a pure rename: nothing to read
        else omit(f, 'no-patch');
        continue;
      }
      const rendered = [renderFileHeader(f), ...hunks.map(renderHunk)].join('\n');
      candidates.push({ file: f, hunks, rendered, cls: relevanceClass(f.path, flaggedPaths.has(f.path)) });
    }
  }
  candidates.sort(
    (a, b) => a.cls - b.cls || b.file.additions - a.file.additions || a.file.path.localeCompare(b.file.path),
  );
  const parts: string[] = [];
  const included: string[] = [];
  let tokens = 0;
  for (const c of candidates) {
    const cost = estimateTokens(c.rendered) + 1;
    if (tokens + cost > maxTokens) {
      omit(c.file, 'budget');
      continue;
    }
    parts.push(c.rendered);
    included.push(c.file.path);
    tokens += cost;
  }
  return { text: parts.join('\n\n'), included, omitted, droppedDeletionHunks, tokens };
}

export function describeOmitted(omitted: OmittedFile[], max = 30): string {
  if (!omitted.length) return '';
  const reasons: Record<OmitReason, string> = {
    budget: 'over the token budget',
    deleted: 'deleted',
    'deletion-only': 'only deletions',
    binary: 'binary',
    generated: 'generated',
    lockfile: 'lockfile',
    'no-patch': 'no patch from GitHub (too large)',
  };
  const lines = omitted
    .slice(0, max)
    .map((o) => `- ${o.path} (${reasons[o.reason]}, +${o.additions} −${o.deletions})`);
  if (omitted.length > max) lines.push(`- … and ${omitted.length - max} more`);
  return lines.join('\n');
}
