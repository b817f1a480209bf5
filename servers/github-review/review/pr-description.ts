import { z } from 'zod';
import { LlmError, NoModelError, type Llm } from '../../../shared/llm/llm.js';
import type { ChangeSet } from '../diff/diff-types.js';
import { isDocPath, isTestPath, manifestLockfiles } from '../diff/file-kinds.js';
import type { Finding } from '../rules/rule-types.js';
import { budgetDiff, describeOmitted } from './diff-budget.js';

/**
 * A pull-request description drafted from the diff: by the model when one is available (title and Markdown
 * body with Summary, Changes, Testing, Risks), else assembled from the diff itself (files grouped by area,
 * tests, dependency changes, rule findings), saying that no model was used.
 */
export interface DraftDescription {
  title: string;
  body: string;
  model: { used: boolean; name: string | null; note: string };
}

function area(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0]! : '(root)';
}

function titleFromCommits(commits: string[], changes: ChangeSet): string {
  const first = commits
    .map((c) => c.split('\n')[0]!.trim())
    .find((c) => c && !/^(wip|fixup!|squash!|merge )/i.test(c));
  if (first) return first.length > 72 ? `${first.slice(0, 71)}…` : first;
  const areas = [...new Set(changes.files.map((f) => area(f.path)))];
  return `Update ${areas.slice(0, 3).join(', ')}${areas.length > 3 ? ' and more' : ''}`;
}

export function deterministicDescription(
  changes: ChangeSet,
  commits: string[],
  findings: Finding[],
): Omit<DraftDescription, 'model'> {
  const groups = new Map<string, ChangeSet['files']>();
  for (const f of changes.files) groups.set(area(f.path), [...(groups.get(area(f.path)) ?? []), f]);
  const adds = changes.files.reduce((n, f) => n + f.additions, 0);
  const dels = changes.files.reduce((n, f) => n + f.deletions, 0);
  const tests = changes.files.filter((f) => isTestPath(f.path) && f.status !== 'deleted');
  const deps = changes.files.filter((f) => manifestLockfiles(f.path));
  const docs = changes.files.filter((f) => isDocPath(f.path));
  const lines: string[] = ['## Summary'];
  lines.push(
    `${changes.files.length} file(s) changed (+${adds} −${dels}) in ${[...groups.keys()].slice(0, 6).join(', ')}${groups.size > 6 ? ' and more' : ''}.`,
  );
  const subjects = commits.map((c) => c.split('\n')[0]!.trim()).filter(Boolean);
  if (subjects.length)
    lines.push(
      '',
      'Commits:',
      ...subjects.slice(0, 15).map((s) => `- ${s}`),
      ...(subjects.length > 15 ? [`- … ${subjects.length - 15} more`] : []),
    );
  lines.push('', '## Changes');
  for (const [name, files] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 12)) {
    lines.push(`**${name}**`);
    for (const f of files.slice(0, 10))
      lines.push(
        `- \`${f.path}\`${f.oldPath ? ` (renamed from \`${f.oldPath}\`)` : ''} — ${f.status}, +${f.additions} −${f.deletions}`,
      );
    if (files.length > 10) lines.push(`- … ${files.length - 10} more`);
  }
  lines.push(
    '',
    '## Testing',
    tests.length
      ? `Tests changed: ${tests
          .map((t) => `\`${t.path}\``)
          .slice(0, 8)
          .join(', ')}.`
      : 'No test files changed.',
  );
  const notes: string[] = [];
  if (deps.length)
    notes.push(`Dependency manifests changed: ${deps.map((d) => `\`${d.path}\``).join(', ')}.`);
  if (docs.length)
    notes.push(
      `Documentation changed: ${docs
        .map((d) => `\`${d.path}\``)
        .slice(0, 5)
        .join(', ')}.`,
    );
  const serious = findings.filter((f) => f.severity !== 'info');
  if (serious.length) {
    const byRule = new Map<string, number>();
    for (const f of serious) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    notes.push(
      `Automated review: ${[...byRule.entries()].map(([r, n]) => `${n} × ${r}`).join(', ')} — resolve before merging.`,
    );
  }
  if (notes.length) lines.push('', '## Notes for reviewers', ...notes.map((n) => `- ${n}`));
  return { title: titleFromCommits(commits, changes), body: lines.join('\n') };
}

const Answer = z.object({ title: z.string().min(3).max(200), body: z.string().min(10) });

export async function draftDescription(input: {
  changes: ChangeSet;
  commits: string[];
  findings: Finding[];
  llm: Llm;
  useModel: 'auto' | 'never';
}): Promise<DraftDescription> {
  const fallback = (note: string): DraftDescription => ({
    ...deterministicDescription(input.changes, input.commits, input.findings),
    model: { used: false, name: null, note },
  });
  if (input.useModel === 'never')
    return fallback('No model was used (useModel: never): the description is assembled from the diff.');
  if (input.llm.kind === 'none')
    return fallback(
      'No model was used (no MCP sampling, no ANTHROPIC_API_KEY): the description is assembled from the diff.',
    );
  const diff = budgetDiff(input.changes.files, 10_000);
  const prompt = [
    'Write a pull-request description for this change.',
    'Answer with ONE JSON object: {"title": string (imperative, at most 72 characters), "body": string (Markdown with the sections "## Summary", "## Changes", "## Testing", "## Risks")}. Be factual; do not invent behaviour the diff does not show.',
    input.commits.length
      ? `Commit messages:\n${input.commits
          .slice(0, 30)
          .map((c) => `- ${c.split('\n')[0]}`)
          .join('\n')}`
      : '',
    input.findings.length
      ? `Automated review findings:\n${input.findings
          .slice(0, 20)
          .map((f) => `- [${f.ruleId}] ${f.path}${f.line ? `:${f.line}` : ''}`)
          .join('\n')}`
      : '',
    diff.omitted.length ? `Files not shown:\n${describeOmitted(diff.omitted, 20)}` : '',
    `Diff:\n${diff.text}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  try {
    const response = await input.llm.complete({
      messages: [{ role: 'user', text: prompt }],
      maxTokens: 1500,
      temperature: 0.2,
    });
    const text = /```(?:json)?\s*([\s\S]*?)```/.exec(response.text)?.[1] ?? response.text;
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    const parsed = Answer.safeParse(
      start >= 0 && end > start ? JSON.parse(text.slice(start, end + 1)) : undefined,
    );
    if (!parsed.success)
      return fallback(
        `The model's answer could not be read as a title and body (${response.model}); the description is assembled from the diff.`,
      );
    return {
      ...parsed.data,
      model: {
        used: true,
        name: response.model,
        note: `Drafted by ${response.model}; check it before publishing.`,
      },
    };
  } catch (err) {
    if (err instanceof NoModelError || err instanceof LlmError || err instanceof SyntaxError)
      return fallback(
        `The model was not usable (${err.message}); the description is assembled from the diff.`,
      );
    const message = err instanceof Error ? err.message : String(err);
    return fallback(`The model was not usable (${message}); the description is assembled from the diff.`);
  }
}
