/**
 * GitHub's naming rules for owners (users and organisations) and repositories. Every owner/repo that
 * reaches a GitHub URL is checked against them (issue 11: `owner=".."` sent an authenticated request outside
 * `/repos/`, because `..` survives URL encoding and the URL parser resolves it).
 *
 * - owner: 1-39 characters, letters, digits and single hyphens, not starting or ending with a hyphen.
 * - repo: 1-100 characters, letters, digits, `-`, `_` and `.`, but not `.` or `..` (nor only dots).
 */
export const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const GITHUB_REPO = /^(?!\.+$)[A-Za-z0-9_.-]{1,100}$/;

export const GITHUB_OWNER_RULE =
  'a GitHub user or organisation: 1-39 letters, digits or single hyphens, not starting or ending with a hyphen';
export const GITHUB_REPO_RULE =
  'a repository name: 1-100 letters, digits, "-", "_" or ".", and not "." or ".."';

export function isGithubOwner(owner: unknown): owner is string {
  return typeof owner === 'string' && GITHUB_OWNER.test(owner);
}

export function isGithubRepo(repo: unknown): repo is string {
  return typeof repo === 'string' && GITHUB_REPO.test(repo);
}

export class GithubNameError extends Error {
  override name = 'GithubNameError';
}

/**
 * For an Octokit `hook.before('request', ...)`: refuses a request whose `owner` or `repo` parameter breaks
 * the rules, so no code path (a tool, a resource, a configured source) can build a URL outside them.
 */
export function assertGithubParams(params: { owner?: unknown; repo?: unknown }): void {
  if (params.owner !== undefined && !isGithubOwner(params.owner)) {
    throw new GithubNameError(`GitHub owner must be ${GITHUB_OWNER_RULE}`);
  }
  if (params.repo !== undefined && !isGithubRepo(params.repo)) {
    throw new GithubNameError(`GitHub repo must be ${GITHUB_REPO_RULE}`);
  }
}
