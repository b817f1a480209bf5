import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/config.js';
import { createLogger } from '../../../../shared/log/logger.js';
import {
  createGitHubClient,
  GitHubError,
  type GitHubClient,
} from '../../../../servers/github-review/github/github-client.js';
import { changeSetFromFiles, listPullFiles } from '../../../../servers/github-review/github/pull-requests.js';
import {
  addPendingComments,
  commentProblems,
  createPendingReview,
  deletePendingReview,
  pendingReview,
  submitReview,
} from '../../../../servers/github-review/github/reviews.js';
import { FakeGitHub } from '../support/fake-github.js';
import { HEAD, seedFake } from '../support/sample-pull.js';

const TOKEN = 'ghp_' + 'test'.repeat(9);
const pr = { owner: 'acme', repo: 'rentals', number: 42 };

describe('pending review lifecycle against a local GitHub API', () => {
  const fake = new FakeGitHub();
  let client: GitHubClient;
  beforeAll(async () => {
    seedFake(fake);
    fake.token = TOKEN;
    const apiUrl = await fake.start();
    client = createGitHubClient(
      loadConfig({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: apiUrl, SOPHIA_LOG_LEVEL: 'silent' }),
      createLogger('test'),
    );
  });
  afterAll(() => fake.stop());

  it('checks comments against the diff before sending them', async () => {
    const files = changeSetFromFiles(pr, await listPullFiles(client, pr)).files;
    expect(
      commentProblems(files, [
        { path: 'src/payments/client.ts', line: 5, side: 'RIGHT', body: 'ok' },
        { path: 'src/payments/client.ts', line: 3, side: 'LEFT', body: 'ok (removed line)' },
        { path: 'src/payments/client.ts', startLine: 6, line: 8, side: 'RIGHT', body: 'ok range' },
        { path: 'src/payments/client.ts', line: 40, side: 'RIGHT', body: 'outside' },
        { path: 'README.md', line: 1, side: 'RIGHT', body: 'not in PR' },
        { path: 'assets/logo.png', line: 1, side: 'RIGHT', body: 'binary' },
        { path: 'src/payments/client.ts', startLine: 8, line: 6, side: 'RIGHT', body: 'backwards' },
      ]),
    ).toEqual([
      'comment 4 (src/payments/client.ts:40): line 40 (RIGHT) is not part of the diff; comment on a changed or nearby context line',
      'comment 5 (README.md:1): README.md is not changed in this pull request',
      'comment 6 (assets/logo.png:1): GitHub shows no diff for assets/logo.png (binary or too large), so it cannot take line comments',
      'comment 7 (src/payments/client.ts:8-6): startLine must be before line',
    ]);
  });

  it('creates a pending review with single- and multi-line comments', async () => {
    const created = await createPendingReview(client, pr, {
      commitId: HEAD,
      body: 'Sophia review',
      comments: [
        { path: 'src/payments/client.ts', line: 5, side: 'RIGHT', body: 'Hard-coded Stripe key' },
        { path: 'src/payments/client.ts', startLine: 7, line: 8, side: 'RIGHT', body: 'Email in logs' },
      ],
    });
    expect(created).toMatchObject({ state: 'PENDING', comments: 2 });
    const sent = fake.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.body).toEqual({
      commit_id: HEAD,
      body: 'Sophia review',
      comments: [
        { path: 'src/payments/client.ts', body: 'Hard-coded Stripe key', line: 5, side: 'RIGHT' },
        {
          path: 'src/payments/client.ts',
          body: 'Email in logs',
          line: 8,
          side: 'RIGHT',
          start_line: 7,
          start_side: 'RIGHT',
        },
      ],
    });
    expect((sent.body as { event?: string }).event).toBeUndefined();
    const stored = fake.reviews('acme/rentals', 42).find((r) => r.id === created.id)!;
    expect(stored.state).toBe('PENDING');

    // one pending review per user per pull request
    await expect(createPendingReview(client, pr, { commitId: HEAD, comments: [] })).rejects.toThrow(
      /already have a pending review/,
    );
  });

  it('adds comments to the pending review through GraphQL and submits it', async () => {
    const pending = await pendingReview(client, pr);
    const ids = await addPendingComments(client, pr, pending.nodeId, [
      {
        path: 'templates/leasing.html',
        line: 2,
        side: 'RIGHT',
        body: "'perfect for singles' states a familial-status preference",
      },
    ]);
    expect(ids).toHaveLength(1);
    expect(fake.requests.at(-1)!.path).toBe('/api/graphql');
    const stored = fake.reviews('acme/rentals', 42).find((r) => r.id === pending.id)!;
    expect(stored.comments).toHaveLength(3);

    await expect(
      addPendingComments(client, pr, pending.nodeId, [
        { path: 'templates/leasing.html', line: 30, side: 'RIGHT', body: 'x' },
      ]),
    ).rejects.toThrow(/must be part of the diff/);
    await expect(
      addPendingComments(client, pr, 'PRR_missing', [
        { path: 'templates/leasing.html', line: 1, side: 'RIGHT', body: 'x' },
      ]),
    ).rejects.toThrow(/Could not resolve to a node/);

    await expect(submitReview(client, pr, pending.id, 'REQUEST_CHANGES')).rejects.toThrow(/needs a body/);
    const submitted = await submitReview(client, pr, pending.id, 'REQUEST_CHANGES', 'Please remove the key.');
    expect(submitted.state).toBe('CHANGES_REQUESTED');
    await expect(pendingReview(client, pr, pending.id)).rejects.toThrow(/is CHANGES_REQUESTED, not PENDING/);
    await expect(deletePendingReview(client, pr, pending.id)).rejects.toThrow(/422.*non-pending/);
  });

  it('deletes a pending review', async () => {
    const created = await createPendingReview(client, pr, {
      commitId: HEAD,
      comments: [{ path: 'test/payments.test.ts', line: 2, side: 'RIGHT', body: 'nit' }],
    });
    const deleted = await deletePendingReview(client, pr, created.id);
    expect(deleted).toEqual({ id: created.id, state: 'PENDING' });
    expect(fake.requests.at(-1)!.method).toBe('DELETE');
    expect(fake.reviews('acme/rentals', 42).some((r) => r.id === created.id)).toBe(false);
    await expect(pendingReview(client, pr)).rejects.toBeInstanceOf(GitHubError);
  });
});
