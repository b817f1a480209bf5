import type { ChangeSet, DiffFile } from '../diff/diff-types.js';
import { isUserFacingPath } from '../diff/file-kinds.js';
import { SEVERITY_ORDER, type Finding } from '../rules/rule-types.js';
import { redactSecrets } from '../rules/secrets.js';
import { parseReviewConfig, type ReviewConfig } from './review-config.js';

/**
 * Runs the enabled rules over a change set with the repository's settings: ignored paths are dropped before
 * the rules see them, per-rule ignores and severities applied after, and a line (or the line above it)
 * carrying `sophia-review: ignore` — optionally followed by rule ids — suppresses findings on it.
 */
export interface RuleRunSummary {
  id: string;
  title: string;
  enabled: boolean;
  findings: number;
}

export interface RuleRunResult {
  findings: Finding[];
  rules: RuleRunSummary[];
  filesReviewed: number;
  ignoredFiles: string[];
  suppressed: number;
  configOrigin: string;
}

const SUPPRESS = /sophia-review(?::|-)\s*ignore(?:\s+([a-z]+\/[a-z0-9-]+(?:[\s,]+[a-z]+\/[a-z0-9-]+)*))?/i;

function suppressedBy(file: DiffFile | undefined, finding: Finding): boolean {
  if (!file || finding.line === undefined) return false;
  const texts = new Map<number, string>();
  for (const h of file.hunks)
    for (const l of h.lines) {
      const n = finding.side === 'LEFT' ? l.oldLine : l.newLine;
      if (n !== undefined && (finding.side === 'LEFT' ? l.kind !== 'add' : l.kind !== 'del'))
        texts.set(n, l.text);
    }
  for (const n of [finding.line, finding.line - 1]) {
    const m = SUPPRESS.exec(texts.get(n) ?? '');
    if (!m) continue;
    if (!m[1]) return true;
    if (m[1].split(/[\s,]+/).includes(finding.ruleId)) return true;
  }
  return false;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.path.localeCompare(b.path) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

export function runRules(
  changes: ChangeSet,
  config: ReviewConfig = parseReviewConfig(undefined),
): RuleRunResult {
  const ignoredFiles = changes.files
    .filter(
      (f) =>
        config.ignored(f.path) ||
        (f.oldPath !== undefined && config.ignored(f.oldPath) && config.ignored(f.path)),
    )
    .map((f) => f.path);
  const files = changes.files.filter((f) => !ignoredFiles.includes(f.path));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const input = { files, isUserFacing: (p: string) => isUserFacingPath(p) || config.userFacing(p) };
  const findings: Finding[] = [];
  const rules: RuleRunSummary[] = [];
  let suppressed = 0;
  for (const s of config.rules) {
    if (!s.enabled) {
      rules.push({ id: s.rule.id, title: s.rule.title, enabled: false, findings: 0 });
      continue;
    }
    const seen = new Set<string>();
    let count = 0;
    for (const f of s.rule.check(input, s.options)) {
      if (s.ignored(f.path)) continue;
      if (suppressedBy(byPath.get(f.path), f)) {
        suppressed++;
        continue;
      }
      const key = `${f.path}:${f.side}:${f.line ?? ''}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shown =
        f.evidence !== undefined && f.ruleId !== 'secrets/hardcoded'
          ? { ...f, evidence: redactSecrets(f.evidence) }
          : f;
      findings.push(s.severity ? { ...shown, severity: s.severity } : shown);
      count++;
    }
    rules.push({ id: s.rule.id, title: s.rule.title, enabled: true, findings: count });
  }
  return {
    findings: findings.sort(compareFindings),
    rules,
    filesReviewed: files.length,
    ignoredFiles,
    suppressed,
    configOrigin: config.origin,
  };
}
