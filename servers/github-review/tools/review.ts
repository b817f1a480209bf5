import { z } from 'zod';
import { llmFor } from '../../../shared/llm/llm.js';
import { DEFAULT_TOOL_TOKENS } from '../../../shared/runtime/budget.js';
import { defineTool, type ToolContext } from '../../../shared/runtime/define-tool.js';
import type { ChangeSet } from '../diff/diff-types.js';
import { pullName } from '../github/pull-requests.js';
import { renderReview } from '../review/render-review.js';
import { reviewChanges } from '../review/review-changes.js';
import type { ReviewConfig } from '../review/review-config.js';
import { suggestedComments } from '../review/suggested-comments.js';
import {
  commentShape,
  findingOut,
  githubClient,
  loadLocal,
  loadPullChanges,
  LOCAL_ONLY,
  localInput,
  omittedOut,
  pullInput,
} from './common.js';

const reviewOptions = {
  useModel: z.enum(['auto', 'never']).default('auto').describe('never: rule checks only'),
  maxFindings: z.number().int().min(1).max(100).default(40).describe('Errors first'),
};

const reviewOut = {
  source: z.string().describe('What was reviewed: github:owner/repo#n or local:path (mode)'),
  stats: z.object({ files: z.number().int(), additions: z.number().int(), deletions: z.number().int() }),
  findings: z.array(findingOut).describe('Rule-based findings, errors first'),
  totalFindings: z.number().int(),
  omittedFindings: z.number().int().describe('Findings left out (raise maxFindings)'),
  rules: z.array(z.object({ id: z.string(), enabled: z.boolean(), findings: z.number().int() })),
  model: z.object({
    used: z.boolean(),
    kind: z.enum(['sampling', 'anthropic', 'none']),
    name: z.string().nullable(),
    note: z.string().describe('Which model reviewed, or why none did'),
  }),
  summary: z.string(),
  effort: z.number().int().min(1).max(5).describe('Review effort 1 (trivial) to 5 (very large)'),
  effortSource: z.enum(['model', 'heuristic']),
  issues: z
    .array(
      z.object({
        path: z.string(),
        startLine: z.number().int(),
        endLine: z.number().int(),
        title: z.string(),
        detail: z.string(),
        severity: z.enum(['error', 'warning', 'info']),
        kind: z.enum(['issue', 'security']),
        anchored: z.boolean().describe('Whether the range touches a line the change added'),
      }),
    )
    .describe("The model's key issues and security concerns (empty without a model)"),
  testAssessment: z.string(),
  suggestedComments: z
    .array(commentShape)
    .describe('Line comments ready for create_pending_review; nothing is posted automatically'),
  notReviewedByModel: z
    .array(omittedOut)
    .describe('Files the model did not see (budget, deletions only, binary, generated, lockfiles); first 20'),
  notReviewedByModelTotal: z.number().int(),
  ignoredFiles: z.array(z.string()),
  configOrigin: z.string().describe('Where the review settings came from'),
  headSha: z.string().optional().describe('Pull request head commit the review applies to'),
};

async function review(
  ctx: ToolContext,
  input: {
    changes: ChangeSet;
    config: ReviewConfig;
    useModel: 'auto' | 'never';
    maxFindings: number;
    title?: string;
    description?: string;
    headSha?: string;
  },
) {
  await ctx.progress(1, 3, 'running the rule checks');
  const llm = llmFor(ctx);
  if (input.useModel === 'auto' && llm.kind !== 'none')
    await ctx.progress(2, 3, `asking the model (${llm.kind})`);
  const result = await reviewChanges({
    changes: input.changes,
    config: input.config,
    llm,
    useModel: input.useModel,
    title: input.title,
    description: input.description,
    logger: ctx.logger,
  });
  await ctx.progress(3, 3, 'done');
  const comments = suggestedComments(result, input.changes.files);
  // the structured answer carries every returned finding; the text shows the most severe within half the budget
  const { text } = renderReview(
    { ...result, findings: result.findings.slice(0, input.maxFindings) },
    DEFAULT_TOOL_TOKENS / 2,
  );
  const findings = result.findings.slice(0, input.maxFindings);
  return {
    structured: {
      source: result.source,
      stats: result.stats,
      findings,
      totalFindings: result.findings.length,
      omittedFindings: result.findings.length - findings.length,
      rules: result.rules.map((r) => ({ id: r.id, enabled: r.enabled, findings: r.findings })),
      model: result.model,
      summary: result.summary,
      effort: result.effort,
      effortSource: result.effortSource,
      issues: result.issues.map((i) => ({
        path: i.path,
        startLine: i.startLine,
        endLine: i.endLine,
        title: i.title,
        detail: i.detail,
        severity: i.severity,
        kind: i.kind,
        anchored: i.anchored,
      })),
      testAssessment: result.testAssessment,
      suggestedComments: comments,
      notReviewedByModel: result.diff.omitted.slice(0, 20),
      notReviewedByModelTotal: result.diff.omitted.length,
      ignoredFiles: result.ignoredFiles.slice(0, 100),
      configOrigin: result.configOrigin,
      ...(input.headSha ? { headSha: input.headSha } : {}),
    },
    text: `${text}${comments.length ? `\n${comments.length} suggested line comment(s) are in suggestedComments; post them with create_pending_review only if the user agrees.` : ''}${
      result.findings.length > findings.length
        ? `\n${result.findings.length - findings.length} more finding(s): raise maxFindings.`
        : ''
    }`,
  };
}

export const reviewPullRequest = defineTool({
  name: 'review_pull_request',
  title: 'Review a pull request',
  toolset: 'review',
  description: `Reviews a GitHub pull request: Pay Ready's rule checks (secrets, personal data in logs, SQL built from strings, unsafe eval/shell, lockfiles, missing tests, large/generated files, Fair Housing and FDCPA wording in resident-facing text; settings from .sophia-review.yml) plus a model review when one is available (summary, effort 1-5, key issues by line, security, tests).
Returns suggestedComments for create_pending_review; never writes to GitHub.`,
  input: { ...pullInput, ...reviewOptions },
  output: reviewOut,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    await ctx.progress(0, 3, `reading ${pullName(ref)}`);
    const { pull, changes, config } = await loadPullChanges(client, ref);
    return review(ctx, {
      changes,
      config,
      useModel: args.useModel,
      maxFindings: args.maxFindings,
      title: pull.title,
      description: pull.body,
      headSha: pull.headSha,
    });
  },
});

export const reviewLocalChanges = defineTool({
  name: 'review_local_changes',
  title: 'Review local changes',
  toolset: 'review',
  description: `Reviews changes in a local git repository with no network or token, e.g. before committing or opening a pull request: uncommitted, staged or unstaged work, or a branch against its base. Same rule checks and optional model review as review_pull_request. Stdio only.`,
  input: { ...localInput, ...reviewOptions },
  output: reviewOut,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  transports: LOCAL_ONLY,
  async handler(args, ctx) {
    const loaded = await loadLocal(ctx, args);
    return review(ctx, {
      changes: loaded.changes,
      config: loaded.config,
      useModel: args.useModel,
      maxFindings: args.maxFindings,
    });
  },
});
