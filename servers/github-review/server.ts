import { defineServer } from '../../shared/runtime/server-definition.js';
import { reviewLocalPrompt, reviewPrPrompt } from './prompts/review-prompts.js';
import { pullRequestDiffResource, pullRequestResource } from './resources/pull-request.js';
import { findStaleDocsTool, summarizeRepository } from './tools/codebase.js';
import { getLocalChanges } from './tools/local-changes.js';
import { draftPrDescription } from './tools/pr-description.js';
import { getPullRequest } from './tools/pull-requests.js';
import { reviewLocalChanges, reviewPullRequest } from './tools/review.js';
import {
  addPendingReviewComments,
  createPendingReview,
  deletePendingReview,
  submitPendingReview,
} from './tools/write-review.js';

export const definition = defineServer({
  name: 'github-review',
  title: 'Sophia GitHub review',
  version: '0.1.0',
  instructions:
    "Code review for Pay Ready's repositories: pull requests on GitHub (GITHUB_TOKEN; GitHub Enterprise via GITHUB_API_URL) and local changes with no network (git on a repository path). " +
    'review_pull_request / review_local_changes run rule checks (secrets, personal data in logs, SQL injection, unsafe eval/shell, lockfiles, missing tests, large/generated files, Fair Housing and FDCPA wording in resident-facing text) plus a model review when one is available, and return suggested line comments. ' +
    'Writing back (create_pending_review, add_pending_review_comments, submit_pending_review, delete_pending_review; the review_write toolset, off unless the operator starts the server with --toolsets default,review_write or all) happens only when the user asks; reviews start as PENDING drafts. ' +
    'summarize_repository gives structure and hot spots; find_stale_docs lists docs a change makes stale; draft_pr_description writes a description.',
  // Writing to GitHub (review_write) is switched on by the operator: --toolsets default,review_write or all.
  defaultToolsets: ['pull_requests', 'review', 'codebase'],
  tools: [
    getPullRequest,
    getLocalChanges,
    reviewPullRequest,
    reviewLocalChanges,
    draftPrDescription,
    createPendingReview,
    addPendingReviewComments,
    submitPendingReview,
    deletePendingReview,
    summarizeRepository,
    findStaleDocsTool,
  ],
  resources: [pullRequestResource, pullRequestDiffResource],
  prompts: [reviewPrPrompt, reviewLocalPrompt],
});
