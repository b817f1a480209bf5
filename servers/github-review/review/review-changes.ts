import { LlmError, NoModelError, type Llm } from '../../../shared/llm/llm.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { ChangeSet } from '../diff/diff-types.js';
import { isTestPath } from '../diff/file-kinds.js';
import type { Finding } from '../rules/rule-types.js';
import { budgetDiff, type OmittedFile } from './diff-budget.js';
import { ModelAnswerError, runModelReview, type AnchoredIssue } from './model-review.js';
import type { ReviewConfig } from './review-config.js';
import { runRules, type RuleRunSummary } from './run-rules.js';

/**
 * One review of a change set: the rule-based checks always run; the model review runs when a model is
 * available (MCP sampling, else the Anthropic API) and `useModel` allows it. Without a model, or when the model
 * fails or answers badly, the rule-based review stands on its own and says so.
 */
export interface ReviewResult {
  source: string;
  stats: { files: number; additions: number; deletions: number };
  findings: Finding[];
  rules: RuleRunSummary[];
  ignoredFiles: string[];
  suppressed: number;
  configOrigin: string;
  model: { used: boolean; kind: 'sampling' | 'anthropic' | 'none'; name: string | null; note: string };
  summary: string;
  effort: number;
  effortSource: 'model' | 'heuristic';
  issues: AnchoredIssue[];
  testAssessment: string;
  diff: { included: string[]; omitted: OmittedFile[]; droppedDeletionHunks: number };
}

const SECURITY_RULES = new Set(['secrets/hardcoded', 'pii/logged', 'sql/string-built', 'code/unsafe-exec']);

export function isSecurityFinding(f: Finding): boolean {
  return SECURITY_RULES.has(f.ruleId);
}

/** Review effort without a model, from the size of the change (pr-agent's 1-5 scale). */
export function heuristicEffort(files: number, changedLines: number): number {
  if (changedLines <= 30 && files <= 3) return 1;
  if (changedLines <= 150 && files <= 8) return 2;
  if (changedLines <= 500 && files <= 20) return 3;
  if (changedLines <= 1500) return 4;
  return 5;
}

function areas(changes: ChangeSet): string {
  const counts = new Map<string, number>();
  for (const f of changes.files) {
    const parts = f.path.split('/');
    const area = parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0]! : '(root)';
    counts.set(area, (counts.get(area) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([a, n]) => `${a} (${n})`)
    .join(', ');
}

export function heuristicSummary(changes: ChangeSet, findings: Finding[]): string {
  const adds = changes.files.reduce((n, f) => n + f.additions, 0);
  const dels = changes.files.reduce((n, f) => n + f.deletions, 0);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const status = (s: string) => changes.files.filter((f) => f.status === s).length;
  const kinds = [
    status('added') && `${status('added')} added`,
    status('deleted') && `${status('deleted')} deleted`,
    status('renamed') && `${status('renamed')} renamed`,
  ].filter(Boolean);
  return (
    `${changes.files.length} file(s) changed (+${adds} −${dels}${kinds.length ? `; ${kinds.join(', ')}` : ''}) in ${areas(changes) || 'no files'}. ` +
    (findings.length
      ? `The rule checks found ${errors} error(s) and ${warnings} warning(s)${findings.some(isSecurityFinding) ? ', including security findings' : ''}.`
      : 'The rule checks found nothing.')
  );
}

export function heuristicTestAssessment(changes: ChangeSet, findings: Finding[]): string {
  const tests = changes.files.filter((f) => isTestPath(f.path) && f.status !== 'deleted').map((f) => f.path);
  const missing = findings.find((f) => f.ruleId === 'tests/missing');
  if (missing) return missing.message;
  if (tests.length)
    return `Tests changed: ${tests.slice(0, 5).join(', ')}${tests.length > 5 ? ` and ${tests.length - 5} more` : ''}. Whether they cover the new behaviour was not judged (no model).`;
  return 'No test changed; the change adds little or no source code.';
}

export async function reviewChanges(input: {
  changes: ChangeSet;
  config: ReviewConfig;
  llm: Llm;
  useModel: 'auto' | 'never';
  title?: string | undefined;
  description?: string | undefined;
  maxDiffTokens?: number;
  logger?: Logger;
}): Promise<ReviewResult> {
  const { changes } = input;
  const rules = runRules(changes, input.config);
  const reviewed = changes.files.filter((f) => !rules.ignoredFiles.includes(f.path));
  const flagged = new Set(rules.findings.map((f) => f.path));
  const diff = budgetDiff(reviewed, input.maxDiffTokens ?? 12_000, flagged);
  const additions = changes.files.reduce((n, f) => n + f.additions, 0);
  const deletions = changes.files.reduce((n, f) => n + f.deletions, 0);
  const base = {
    source: changes.source,
    stats: { files: changes.files.length, additions, deletions },
    findings: rules.findings,
    rules: rules.rules,
    ignoredFiles: rules.ignoredFiles,
    suppressed: rules.suppressed,
    configOrigin: rules.configOrigin,
    diff: { included: diff.included, omitted: diff.omitted, droppedDeletionHunks: diff.droppedDeletionHunks },
  };
  const fallback = (note: string): ReviewResult => ({
    ...base,
    model: { used: false, kind: input.llm.kind, name: null, note },
    summary: heuristicSummary(changes, rules.findings),
    effort: heuristicEffort(changes.files.length, additions + deletions),
    effortSource: 'heuristic',
    issues: [],
    testAssessment: heuristicTestAssessment(changes, rules.findings),
  });

  if (input.useModel === 'never')
    return fallback('No model was used (useModel: never): this is the rule-based review only.');
  if (input.llm.kind === 'none') {
    return fallback(
      'No model was used: the client does not support MCP sampling and ANTHROPIC_API_KEY is not set. This is the rule-based review only.',
    );
  }
  if (!diff.included.length)
    return fallback('No model was used: the change has no added lines a model could review.');
  try {
    const model = await runModelReview(input.llm, {
      source: changes.source,
      title: input.title,
      description: input.description,
      diff,
      findings: rules.findings,
      files: reviewed,
    });
    const unanchored = model.issues.filter((i) => !i.anchored).length;
    return {
      ...base,
      model: {
        used: true,
        kind: input.llm.kind,
        name: model.model,
        note: `Model review by ${model.model} (${input.llm.kind === 'sampling' ? "the host's model through MCP sampling" : 'the Anthropic API'})${unanchored ? `; ${unanchored} issue(s) did not point at a changed line and are listed as general notes` : ''}.`,
      },
      summary: model.summary,
      effort: model.effort,
      effortSource: 'model',
      issues: model.issues,
      testAssessment: model.testAssessment || heuristicTestAssessment(changes, rules.findings),
    };
  } catch (err) {
    if (err instanceof NoModelError)
      return fallback(`No model was used: ${err.message}. This is the rule-based review only.`);
    if (err instanceof LlmError || err instanceof ModelAnswerError) {
      input.logger?.warn('model review failed; using the rule-based review', { error: err.message });
      return fallback(`The model review failed (${err.message}); this is the rule-based review only.`);
    }
    // sampling errors from the client (declined, timed out) arrive as McpError
    const message = err instanceof Error ? err.message : String(err);
    input.logger?.warn('model review failed; using the rule-based review', { error: message });
    return fallback(`The model review failed (${message}); this is the rule-based review only.`);
  }
}
