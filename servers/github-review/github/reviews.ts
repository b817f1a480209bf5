import { isCommentableLine, type DiffFile } from '../diff/diff-types.js';
import { github, GitHubError, type GitHubClient } from './github-client.js';
import { listPullReviews, pullName, type PullRef } from './pull-requests.js';

/**
 * Writing a review: a PENDING review with line comments (REST create-review without an event), more
 * comments on it (GraphQL addPullRequestReviewThread: REST cannot add to a pending review), then submit it
 * (COMMENT / APPROVE / REQUEST_CHANGES) or delete it. Comments are checked against the pull request's diff
 * first, so a comment on a line GitHub would refuse fails here with a message naming the comment.
 */
export interface ReviewComment {
  path: string;
  /** The line (last line of a range) in the new file (RIGHT) or the old file (LEFT). */
  line: number;
  side: 'LEFT' | 'RIGHT';
  /** First line of a multi-line comment. */
  startLine?: number | undefined;
  startSide?: 'LEFT' | 'RIGHT' | undefined;
  body: string;
}

export type ReviewEvent = 'COMMENT' | 'APPROVE' | 'REQUEST_CHANGES';

/** Problems with comments that GitHub would reject, one message per comment. */
export function commentProblems(files: DiffFile[], comments: ReviewComment[]): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const problems: string[] = [];
  comments.forEach((c, i) => {
    const where = `comment ${i + 1} (${c.path}:${c.startLine ? `${c.startLine}-` : ''}${c.line})`;
    const file = byPath.get(c.path);
    if (!file) {
      problems.push(`${where}: ${c.path} is not changed in this pull request`);
      return;
    }
    if (!file.hunks.length) {
      problems.push(
        `${where}: GitHub shows no diff for ${c.path} (binary or too large), so it cannot take line comments`,
      );
      return;
    }
    if (!isCommentableLine(file, c.line, c.side)) {
      problems.push(
        `${where}: line ${c.line} (${c.side}) is not part of the diff; comment on a changed or nearby context line`,
      );
      return;
    }
    if (c.startLine !== undefined) {
      const startSide = c.startSide ?? c.side;
      if (c.startLine >= c.line && startSide === c.side)
        problems.push(`${where}: startLine must be before line`);
      else if (!isCommentableLine(file, c.startLine, startSide))
        problems.push(`${where}: startLine ${c.startLine} (${startSide}) is not part of the diff`);
      else {
        const hunkOf = (line: number, side: 'LEFT' | 'RIGHT') =>
          file.hunks.findIndex((h) =>
            h.lines.some((l) =>
              side === 'RIGHT'
                ? l.kind !== 'del' && l.newLine === line
                : l.kind !== 'add' && l.oldLine === line,
            ),
          );
        if (hunkOf(c.startLine, startSide) !== hunkOf(c.line, c.side))
          problems.push(`${where}: a multi-line comment must stay within one hunk of the diff`);
      }
    }
  });
  return problems;
}

export interface CreatedReview {
  id: number;
  nodeId: string;
  state: string;
  url: string;
  comments: number;
}

export async function createPendingReview(
  client: GitHubClient,
  ref: PullRef,
  review: { commitId: string; body?: string | undefined; comments: ReviewComment[] },
): Promise<CreatedReview> {
  const { data } = await github(client, `creating a pending review on ${pullName(ref)}`, () =>
    client.octokit.rest.pulls.createReview({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      commit_id: review.commitId,
      ...(review.body ? { body: review.body } : {}),
      comments: review.comments.map((c) => ({
        path: c.path,
        body: c.body,
        line: c.line,
        side: c.side,
        ...(c.startLine !== undefined ? { start_line: c.startLine, start_side: c.startSide ?? c.side } : {}),
      })),
    }),
  ).catch((err: unknown) => {
    if (err instanceof GitHubError && err.status === 422 && /pending review/i.test(err.message)) {
      throw new GitHubError(
        `${err.message} You already have a pending review on ${pullName(ref)}: add comments to it, submit it or delete it first.`,
        422,
      );
    }
    throw err;
  });
  return {
    id: data.id,
    nodeId: data.node_id,
    state: data.state,
    url: data.html_url,
    comments: review.comments.length,
  };
}

/** The caller's pending review: the one with `reviewId`, or the only PENDING one GitHub shows them. */
export async function pendingReview(
  client: GitHubClient,
  ref: PullRef,
  reviewId?: number,
): Promise<{ id: number; nodeId: string }> {
  if (reviewId !== undefined) {
    const { data } = await github(client, `review ${reviewId} on ${pullName(ref)}`, () =>
      client.octokit.rest.pulls.getReview({
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.number,
        review_id: reviewId,
      }),
    );
    if (data.state !== 'PENDING') {
      throw new GitHubError(
        `Review ${reviewId} on ${pullName(ref)} is ${data.state}, not PENDING: only a pending review can be changed, submitted or deleted.`,
      );
    }
    return { id: data.id, nodeId: data.node_id };
  }
  const pending = (await listPullReviews(client, ref)).filter((r) => r.state === 'PENDING');
  if (!pending.length)
    throw new GitHubError(
      `You have no pending review on ${pullName(ref)}; create one with create_pending_review.`,
    );
  return { id: pending[0]!.id, nodeId: pending[0]!.nodeId };
}

const ADD_THREAD = `mutation($input: AddPullRequestReviewThreadInput!) {
  addPullRequestReviewThread(input: $input) { thread { id } }
}`;

export async function addPendingComments(
  client: GitHubClient,
  ref: PullRef,
  reviewNodeId: string,
  comments: ReviewComment[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, c] of comments.entries()) {
    const result = await github(
      client,
      `adding comment ${i + 1} (${c.path}:${c.line}) to the pending review on ${pullName(ref)}`,
      () =>
        client.octokit.graphql<{ addPullRequestReviewThread: { thread: { id: string } | null } | null }>(
          ADD_THREAD,
          {
            input: {
              pullRequestReviewId: reviewNodeId,
              path: c.path,
              body: c.body,
              line: c.line,
              side: c.side,
              ...(c.startLine !== undefined
                ? { startLine: c.startLine, startSide: c.startSide ?? c.side }
                : {}),
            },
          },
        ),
    );
    const id = result.addPullRequestReviewThread?.thread?.id;
    if (!id)
      throw new GitHubError(
        `GitHub did not create comment ${i + 1} (${c.path}:${c.line}); ${ids.length} earlier comment(s) were added.`,
      );
    ids.push(id);
  }
  return ids;
}

export async function submitReview(
  client: GitHubClient,
  ref: PullRef,
  reviewId: number,
  event: ReviewEvent,
  body?: string,
): Promise<{ id: number; state: string; url: string }> {
  if (event === 'REQUEST_CHANGES' && !body?.trim()) {
    throw new GitHubError('REQUEST_CHANGES needs a body saying what to change.');
  }
  const { data } = await github(client, `submitting review ${reviewId} on ${pullName(ref)}`, () =>
    client.octokit.rest.pulls.submitReview({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      review_id: reviewId,
      event,
      ...(body ? { body } : {}),
    }),
  );
  return { id: data.id, state: data.state, url: data.html_url };
}

export async function deletePendingReview(
  client: GitHubClient,
  ref: PullRef,
  reviewId: number,
): Promise<{ id: number; state: string }> {
  const { data } = await github(client, `deleting pending review ${reviewId} on ${pullName(ref)}`, () =>
    client.octokit.rest.pulls.deletePendingReview({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      review_id: reviewId,
    }),
  );
  return { id: data.id, state: data.state };
}
