import { z } from 'zod';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import {
  changeSetFromFiles,
  getPull,
  listPullFiles,
  pullName,
  type PullRef,
} from '../github/pull-requests.js';
import {
  addPendingComments,
  commentProblems,
  createPendingReview as createReview,
  deletePendingReview as deleteReview,
  pendingReview,
  submitReview,
  type ReviewComment,
} from '../github/reviews.js';
import { githubClient, requireToken, commentShape, pullInput } from './common.js';
import type { GitHubClient } from '../github/github-client.js';

/**
 * Writing reviews back to GitHub: separate tools, each annotated as a write, hidden in read-only mode
 * (SOPHIA_READ_ONLY) and needing the `write` role over HTTP. Nothing here runs on its own: a host calls them
 * when the user asks.
 */
const comments = z.array(commentShape).max(50, 'at most 50 comments per call');
const reviewId = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('The pending review id (default: your pending review on this pull request)');

async function checkComments(client: GitHubClient, ref: PullRef, list: ReviewComment[]): Promise<void> {
  if (!list.length) return;
  const files = changeSetFromFiles(ref, await listPullFiles(client, ref)).files;
  const problems = commentProblems(files, list);
  if (problems.length) {
    throw new ToolInputError(
      `Nothing was posted: ${problems.length} comment(s) cannot be placed on ${pullName(ref)}:\n- ${problems.join('\n- ')}\nFix or drop them and call again (review_pull_request's suggestedComments are already valid).`,
    );
  }
}

function normalise(list: z.infer<typeof comments>): ReviewComment[] {
  return list.map((c) => ({
    path: c.path,
    line: c.line,
    side: c.side,
    startLine: c.startLine,
    startSide: c.startSide,
    body: c.body,
  }));
}

export const createPendingReview = defineTool({
  name: 'create_pending_review',
  title: 'Create a pending review',
  toolset: 'review_write',
  description: `Creates a PENDING (draft) review on a GitHub pull request with line comments (path, line, side; startLine for multi-line ranges). Others do not see it until it is submitted with submit_pending_review. Comments are checked against the diff first; on a problem nothing is posted.
Only call this when the user asked to post review comments. You can have one pending review per pull request.`,
  input: {
    ...pullInput,
    body: z.string().max(65_000).optional().describe('Overall review text (Markdown)'),
    comments,
  },
  output: {
    reviewId: z.number().int(),
    state: z.string(),
    comments: z.number().int(),
    commitId: z.string(),
    url: z.string(),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    requireToken(client, 'Creating a review');
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    const pull = await getPull(client, ref);
    const list = normalise(args.comments);
    await checkComments(client, ref, list);
    const created = await createReview(client, ref, {
      commitId: pull.headSha,
      body: args.body,
      comments: list,
    });
    ctx.logger.info('pending review created', {
      pull: pullName(ref),
      review: created.id,
      comments: list.length,
    });
    return {
      structured: {
        reviewId: created.id,
        state: created.state,
        comments: list.length,
        commitId: pull.headSha,
        url: created.url,
      },
      text: `Created pending review ${created.id} on ${pullName(ref)} with ${list.length} comment(s) on commit ${pull.headSha.slice(0, 7)}. It is visible only to you until submitted (submit_pending_review) or deleted (delete_pending_review). ${created.url}`,
    };
  },
});

export const addPendingReviewComments = defineTool({
  name: 'add_pending_review_comments',
  title: 'Add comments to a pending review',
  toolset: 'review_write',
  description:
    'Adds line comments (path, line, side, optional startLine) to your pending review on a pull request. Comments are checked against the diff first; on a problem nothing is posted. Only when the user asked for it.',
  input: { ...pullInput, reviewId, comments: comments.min(1, 'give at least one comment') },
  output: { reviewId: z.number().int(), added: z.number().int(), threadIds: z.array(z.string()) },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    requireToken(client, 'Adding review comments');
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    const pending = await pendingReview(client, ref, args.reviewId);
    const list = normalise(args.comments);
    await checkComments(client, ref, list);
    const ids = await addPendingComments(client, ref, pending.nodeId, list);
    return {
      structured: { reviewId: pending.id, added: ids.length, threadIds: ids },
      text: `Added ${ids.length} comment(s) to pending review ${pending.id} on ${pullName(ref)}. Submit it with submit_pending_review when the user is ready.`,
    };
  },
});

export const submitPendingReview = defineTool({
  name: 'submit_pending_review',
  title: 'Submit a pending review',
  toolset: 'review_write',
  description:
    'Submits your pending review on a pull request as COMMENT, APPROVE or REQUEST_CHANGES (REQUEST_CHANGES needs a body). This publishes it to everyone on the pull request. Only when the user explicitly asked to submit.',
  input: {
    ...pullInput,
    reviewId,
    event: z.enum(['COMMENT', 'APPROVE', 'REQUEST_CHANGES']).describe('The verdict'),
    body: z.string().max(65_000).optional().describe('Overall review text (Markdown)'),
  },
  output: { reviewId: z.number().int(), state: z.string(), url: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    requireToken(client, 'Submitting a review');
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    const pending = await pendingReview(client, ref, args.reviewId);
    const submitted = await submitReview(client, ref, pending.id, args.event, args.body);
    ctx.logger.info('review submitted', { pull: pullName(ref), review: pending.id, event: args.event });
    return {
      structured: { reviewId: submitted.id, state: submitted.state, url: submitted.url },
      text: `Submitted review ${submitted.id} on ${pullName(ref)} as ${args.event} (state ${submitted.state}). ${submitted.url}`,
    };
  },
});

export const deletePendingReview = defineTool({
  name: 'delete_pending_review',
  title: 'Delete a pending review',
  toolset: 'review_write',
  description:
    'Deletes your pending (unsubmitted) review on a pull request, with all its comments. Submitted reviews cannot be deleted. Only when the user asked for it.',
  input: { ...pullInput, reviewId },
  output: { reviewId: z.number().int(), deleted: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    requireToken(client, 'Deleting a review');
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    const pending = await pendingReview(client, ref, args.reviewId);
    await deleteReview(client, ref, pending.id);
    ctx.logger.info('pending review deleted', { pull: pullName(ref), review: pending.id });
    return {
      structured: { reviewId: pending.id, deleted: true },
      text: `Deleted pending review ${pending.id} on ${pullName(ref)} and its comments.`,
    };
  },
});
