import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/config.js';
import { createLogger } from '../../../../shared/log/logger.js';
import {
  createGitHubClient,
  GitHubError,
  type GitHubClient,
} from '../../../../servers/github-review/github/github-client.js';
import {
  changeSetFromFiles,
  getFileText,
  getPull,
  getPullDiff,
  getTree,
  listCheckRuns,
  listPullCommits,
  listPullFiles,
  listPullReviews,
} from '../../../../servers/github-review/github/pull-requests.js';
import { parseDiff } from '../../../../servers/github-review/diff/parse-diff.js';
import { FakeGitHub } from '../support/fake-github.js';
import { BASE, HEAD, seedFake } from '../support/sample-pull.js';

const TOKEN = 'ghp_' + 'test'.repeat(9);
const pr = { owner: 'acme', repo: 'rentals', number: 42 };
const big = { owner: 'acme', repo: 'rentals', number: 7 };

describe('GitHub client against a local GitHub Enterprise API', () => {
  const fake = new FakeGitHub();
  let client: GitHubClient;
  beforeAll(async () => {
    seedFake(fake);
    fake.token = TOKEN;
    const apiUrl = await fake.start();
    client = createGitHubClient(
      loadConfig({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: apiUrl, SOPHIA_LOG_LEVEL: 'silent' }),
      createLogger('test'),
      {
        maxRateLimitWaitSeconds: 3,
      },
    );
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    fake.rateLimit = undefined;
  });

  it('reads pull request metadata with the token', async () => {
    const info = await getPull(client, pr);
    expect(info).toMatchObject({
      number: 42,
      title: 'Charge residents through Stripe',
      headSha: HEAD,
      baseSha: BASE,
      author: 'dev',
      baseRef: 'main',
    });
    expect(info.labels).toEqual(['payments']);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(fake.requests.at(-1)!.path).toBe('/api/v3/repos/acme/rentals/pulls/42');
  });

  it('reads the files with patches into a change set, keeping binary files', async () => {
    const files = await listPullFiles(client, pr);
    const set = changeSetFromFiles(pr, files);
    expect(set.source).toBe('github:acme/rentals#42');
    expect(set.files.map((f) => [f.path, f.status, f.additions])).toEqual([
      ['src/payments/client.ts', 'modified', 7],
      ['templates/leasing.html', 'added', 3],
      ['test/payments.test.ts', 'modified', 1],
      ['assets/logo.png', 'added', 0],
    ]);
    expect(set.files[3]!.binary).toBe(true);
    expect(set.files[0]!.hunks[0]!.lines.find((l) => l.kind === 'add')!.newLine).toBe(2);
  });

  it('follows Link headers through every page', async () => {
    const before = fake.requests.length;
    const files = await listPullFiles(client, big);
    expect(files).toHaveLength(250);
    expect(new Set(files.map((f) => f.path)).size).toBe(250);
    const pages = fake.requests.slice(before).map((r) => r.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(await listPullCommits(client, big)).toHaveLength(130);
    expect(await listCheckRuns(client, big, 'b'.repeat(40))).toHaveLength(105);
  });

  it('reads the unified diff media type', async () => {
    const diff = await getPullDiff(client, pr);
    expect(fake.requests.at(-1)!.headers.accept).toMatch(
      /application\/vnd\.github\.v3\.diff|application\/vnd\.github\.diff/,
    );
    expect(parseDiff(diff).map((f) => f.path)).toEqual([
      'src/payments/client.ts',
      'templates/leasing.html',
      'test/payments.test.ts',
      'assets/logo.png',
    ]);
  });

  it('reads commits, reviews and check runs', async () => {
    expect((await listPullCommits(client, pr)).map((c) => c.message)).toEqual([
      'Add Stripe charge helper',
      'Leasing page',
    ]);
    expect(await listPullReviews(client, pr)).toMatchObject([
      { id: 1, author: 'reviewer1', state: 'COMMENTED' },
    ]);
    expect(await listCheckRuns(client, pr, HEAD)).toMatchObject([
      { name: 'test', conclusion: 'failure', summary: '2 tests failed' },
      { name: 'lint', conclusion: 'success' },
    ]);
  });

  it('reads file contents at a ref and gives undefined for a missing file', async () => {
    expect(await getFileText(client, pr, '.sophia-review.yml', BASE)).toContain('files/generated: info');
    expect(await getFileText(client, pr, '.sophia-review.yml', HEAD)).toBeUndefined();
    fake.setTree('acme/rentals', BASE, [{ path: 'README.md', size: 10 }]);
    expect(await getTree(client, pr, BASE)).toEqual({
      files: [{ path: 'README.md', size: 10 }],
      truncated: false,
    });
  });

  it('turns a 404 into a clear error', async () => {
    const err = await getPull(client, { owner: 'acme', repo: 'rentals', number: 999 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(404);
    expect((err as Error).message).toMatch(
      /^Not found \(404\): pull request acme\/rentals#999\. .*private repository/,
    );
  });

  it('reports an exhausted rate limit with its reset time instead of waiting an hour', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake.rateLimit = { resetEpochSeconds: reset, until: Date.now() + 60_000 };
    const err = await getPull(client, pr).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).status).toBe(403);
    expect((err as GitHubError).resetAt?.getTime()).toBe(reset * 1000);
    expect((err as Error).message).toContain(new Date(reset * 1000).toISOString());
    expect((err as Error).message).toMatch(/in about (59|60) min/);
  });

  it('waits for a rate-limit reset that is seconds away, then succeeds', async () => {
    // At least one whole second away (reset is in whole seconds): a reset only milliseconds away could pass
    // before the first request arrives, and nothing would be limited.
    const reset = Math.floor(Date.now() / 1000) + 2;
    fake.rateLimit = { resetEpochSeconds: reset, until: reset * 1000 };
    const before = fake.requests.length;
    const t0 = Date.now();
    expect((await getPull(client, pr)).number).toBe(42);
    expect(fake.requests.length - before).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  });

  it('says when the API cannot be reached at all', async () => {
    const down = createGitHubClient(
      loadConfig({ GITHUB_API_URL: 'http://127.0.0.1:1/api/v3', SOPHIA_LOG_LEVEL: 'silent' }),
      createLogger('test'),
      { retries: 0 },
    );
    await expect(getPull(down, pr)).rejects.toThrow(
      /^Could not reach the GitHub API for pull request acme\/rentals#42: .*Check GITHUB_API_URL/,
    );
  });

  it('turns bad credentials into a 401 error that names GITHUB_TOKEN', async () => {
    const other = createGitHubClient(
      loadConfig({ GITHUB_TOKEN: 'ghp_wrong', GITHUB_API_URL: client.apiUrl, SOPHIA_LOG_LEVEL: 'silent' }),
      createLogger('test'),
    );
    await expect(getPull(other, pr)).rejects.toThrow(/401.*GITHUB_TOKEN/);
  });
});
