import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/config/config.js';
import { createLogger } from '../../shared/log/logger.js';
import { GITHUB_OWNER, GITHUB_REPO, isGithubOwner, isGithubRepo } from '../../shared/util/github-names.js';
import { createGitHubClient } from '../../servers/github-review/github/github-client.js';
import { pullInput } from '../../servers/github-review/tools/common.js';
import { parseGithubSpec } from '../../servers/knowledge-base/sources.js';

// Issue 11 item 11: owner=".." repo=".." sent a request outside /repos/ carrying the server's GitHub token.
describe('GitHub owner and repo names', () => {
  const seen: Array<{ url: string; auth: string | undefined }> = [];
  let server: http.Server;
  let apiUrl: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v3`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('follows GitHub rules', () => {
    for (const ok of ['acme', 'a', 'Acme-Homes', 'a1-b2', 'x'.repeat(39)])
      expect(isGithubOwner(ok), ok).toBe(true);
    for (const bad of [
      '..',
      '.',
      '-acme',
      'acme-',
      'a--b',
      'a_b',
      'a.b',
      'x'.repeat(40),
      '',
      'a/b',
      '%2e%2e',
    ])
      expect(isGithubOwner(bad), bad).toBe(false);
    for (const ok of ['rentals', '.github', 'a.b', 'a_b-c', '...a', 'x'.repeat(100)])
      expect(isGithubRepo(ok), ok).toBe(true);
    for (const bad of ['.', '..', '...', '', 'a/b', 'x'.repeat(101), 'a b', '%2e'])
      expect(isGithubRepo(bad), bad).toBe(false);
    expect(GITHUB_OWNER.test('..')).toBe(false);
    expect(GITHUB_REPO.test('..')).toBe(false);
  });

  it('the tools refuse such names in their input schema', () => {
    const schema = z.object(pullInput);
    expect(schema.safeParse({ owner: '..', repo: '..', number: 1 }).success).toBe(false);
    expect(schema.safeParse({ owner: 'acme', repo: '..', number: 1 }).success).toBe(false);
    expect(schema.safeParse({ owner: 'acme', repo: 'rentals', number: 1 }).success).toBe(true);
  });

  it('the client sends no request for them, so the token never leaves /repos/{owner}/{repo}', async () => {
    const config = loadConfig({
      GITHUB_TOKEN: 'ghp_test_token_value',
      GITHUB_API_URL: apiUrl,
      SOPHIA_HOME: '/tmp/x',
    });
    const client = createGitHubClient(config, createLogger('test'), { retries: 0 });
    seen.length = 0;
    await expect(client.octokit.rest.pulls.get({ owner: '..', repo: '..', pull_number: 1 })).rejects.toThrow(
      /GitHub owner must be/,
    );
    await expect(client.octokit.rest.repos.get({ owner: 'acme', repo: '..' })).rejects.toThrow(
      /GitHub repo must be/,
    );
    expect(seen).toEqual([]);
    // A valid name goes out as path parameters under /repos/.
    await expect(client.octokit.rest.repos.get({ owner: 'acme', repo: 'rentals' })).rejects.toThrow();
    expect(seen.map((s) => s.url)).toEqual(['/api/v3/repos/acme/rentals']);
  });

  it('a configured knowledge-base GitHub source is checked too', () => {
    expect(() => parseGithubSpec('../..')).toThrow(/owner must be/);
    expect(() => parseGithubSpec('acme/..')).toThrow(/repo/);
    expect(parseGithubSpec('acme/handbook/docs@main')).toMatchObject({
      owner: 'acme',
      repo: 'handbook',
      path: 'docs',
    });
  });
});
