import { z } from 'zod';
import type { Llm } from '../../../shared/llm/llm.js';
import { touchesChangedLine, type DiffFile } from '../diff/diff-types.js';
import type { Finding } from '../rules/rule-types.js';
import type { BudgetedDiff } from './diff-budget.js';
import { describeOmitted } from './diff-budget.js';

/**
 * The model's part of a review (pr-agent's structure): a summary, an effort estimate 1-5, key issues with
 * file and line range, security concerns and a test assessment. The model gets the budgeted diff with new-side
 * line numbers and the rule findings (so it does not repeat them), answers in JSON, and every issue it
 * raises is anchored: an issue whose range touches no added line of that file is kept apart as unanchored,
 * never posted as a line comment.
 */
export const ModelIssue = z.object({
  path: z.string(),
  startLine: z.coerce.number().int().positive(),
  endLine: z.coerce.number().int().positive().optional(),
  title: z.string().min(1),
  detail: z.string().default(''),
  severity: z.enum(['error', 'warning', 'info']).catch('warning'),
});

const ModelAnswer = z.object({
  summary: z.string().min(1),
  effort: z.coerce.number().int().min(1).max(5),
  keyIssues: z.array(ModelIssue).default([]),
  securityConcerns: z.array(ModelIssue).default([]),
  testAssessment: z.string().default(''),
});

export type ModelIssue = z.infer<typeof ModelIssue>;

export interface AnchoredIssue extends ModelIssue {
  endLine: number;
  kind: 'issue' | 'security';
  anchored: boolean;
}

export interface ModelReview {
  summary: string;
  effort: number;
  issues: AnchoredIssue[];
  testAssessment: string;
  model: string;
}

export class ModelAnswerError extends Error {
  override name = 'ModelAnswerError';
}

export const REVIEW_SYSTEM = `You are a senior code reviewer for Pay Ready, a payments and AI company serving apartment and property-management companies.
Review the pull request diff you are given. Look for real defects: bugs, security problems (secrets, injection, unsafe shell/eval, auth gaps), personal data leaks (logs, responses), missing or weak tests, and language in resident- or prospect-facing text that breaks Fair Housing advertising rules or debt-collection rules (FDCPA / Regulation F).
Rules:
- Comment only on lines the diff adds (lines marked "+" with their new line number). Use those numbers for startLine/endLine.
- Do not repeat the automated rule findings you are given; add what they miss.
- Prefer few, specific, actionable issues over many vague ones. No style nits.
- Answer with ONE JSON object and nothing else:
{"summary": string (2-4 sentences: what the change does and its main risk),
 "effort": integer 1-5 (how hard this is to review: 1 trivial, 5 very large or intricate),
 "keyIssues": [{"path": string, "startLine": int, "endLine": int, "title": string, "detail": string, "severity": "error"|"warning"|"info"}],
 "securityConcerns": [same shape as keyIssues],
 "testAssessment": string (are the changes tested? what is missing?)}`;

export function reviewPrompt(input: {
  source: string;
  title?: string | undefined;
  description?: string | undefined;
  diff: BudgetedDiff;
  findings: Finding[];
}): string {
  const parts = [`Change: ${input.source}`];
  if (input.title) parts.push(`Title: ${input.title}`);
  if (input.description) parts.push(`Description:\n${input.description.slice(0, 2000)}`);
  parts.push(
    input.findings.length
      ? `Automated rule findings (already reported):\n${input.findings
          .slice(0, 40)
          .map((f) => `- [${f.ruleId}] ${f.path}${f.line ? `:${f.line}` : ''} ${f.message}`)
          .join('\n')}`
      : 'Automated rule findings: none.',
  );
  if (input.diff.omitted.length) parts.push(`Files not shown:\n${describeOmitted(input.diff.omitted)}`);
  parts.push(`Diff (new-side line numbers after "+"/" "):\n${input.diff.text || '(no reviewable lines)'}`);
  return parts.join('\n\n');
}

/** Reads the model's answer: a JSON object, possibly inside a code fence or with text around it. */
export function parseModelAnswer(text: string): z.infer<typeof ModelAnswer> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = fenced ? fenced[1]! : text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) throw new ModelAnswerError('the model did not answer with a JSON object');
  let raw: unknown;
  try {
    raw = JSON.parse(body.slice(start, end + 1));
  } catch (err) {
    throw new ModelAnswerError(`the model's JSON could not be parsed (${(err as Error).message})`);
  }
  const parsed = ModelAnswer.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelAnswerError(
      `the model's answer lacks a valid ${issue.path.join('.') || 'object'} (${issue.message})`,
    );
  }
  return parsed.data;
}

/** Anchors each issue to the change: its range must touch a line the change added in that file. */
export function anchorIssues(answer: z.infer<typeof ModelAnswer>, files: DiffFile[]): AnchoredIssue[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const anchor = (i: ModelIssue, kind: 'issue' | 'security'): AnchoredIssue => {
    const path = i.path.replace(/^[ab]\//, '');
    const endLine = Math.max(i.endLine ?? i.startLine, i.startLine);
    const file = byPath.get(path);
    const anchored = file !== undefined && touchesChangedLine(file, i.startLine, endLine, 'RIGHT');
    return { ...i, path, endLine, kind, anchored };
  };
  return [
    ...answer.keyIssues.map((i) => anchor(i, 'issue')),
    ...answer.securityConcerns.map((i) => anchor(i, 'security')),
  ];
}

export async function runModelReview(
  llm: Llm,
  input: {
    source: string;
    title?: string | undefined;
    description?: string | undefined;
    diff: BudgetedDiff;
    findings: Finding[];
    files: DiffFile[];
  },
): Promise<ModelReview> {
  const response = await llm.complete({
    system: REVIEW_SYSTEM,
    messages: [{ role: 'user', text: reviewPrompt(input) }],
    maxTokens: 2500,
    temperature: 0,
  });
  const answer = parseModelAnswer(response.text);
  return {
    summary: answer.summary,
    effort: answer.effort,
    issues: anchorIssues(answer, input.files),
    testAssessment: answer.testAssessment,
    model: response.model,
  };
}
