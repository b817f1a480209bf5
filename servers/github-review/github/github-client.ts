import { Octokit, RequestError } from 'octokit';
import type { SophiaConfig } from '../../../shared/config/config.js';
import type { Logger } from '../../../shared/log/logger.js';
import { ToolInputError } from '../../../shared/runtime/define-tool.js';
import { assertGithubParams } from '../../../shared/util/github-names.js';

/**
 * The GitHub REST/GraphQL client: Octokit (with its throttling and retry plugins) against api.github.com or a
 * GitHub Enterprise Server (`GITHUB_API_URL`, e.g. https://github.example.com/api/v3; GraphQL is then
 * derived as /api/graphql). `GITHUB_TOKEN` is optional for reading public repositories and required to write.
 *
 * Errors become GitHubError, a ToolInputError whose message says what happened and what to do (a 404 on a
 * private repository, an exhausted rate limit with its reset time, a token without the needed scope).
 */
export class GitHubError extends ToolInputError {
  override name = 'GitHubError';
  constructor(
    message: string,
    readonly status?: number,
    readonly resetAt?: Date,
  ) {
    super(message);
  }
}

export interface GitHubClientOptions {
  /** Longest wait (seconds) for a rate-limit reset before giving up with an error (default 10). */
  maxRateLimitWaitSeconds?: number;
  /** Retries for 5xx answers (default 2). */
  retries?: number;
}

export interface GitHubClient {
  octokit: Octokit;
  apiUrl: string;
  authenticated: boolean;
}

export function createGitHubClient(
  config: SophiaConfig,
  logger: Logger,
  options: GitHubClientOptions = {},
): GitHubClient {
  const maxWait = options.maxRateLimitWaitSeconds ?? 10;
  const apiUrl = config.keys.githubApiUrl.replace(/\/+$/, '');
  const log = logger.child('github');
  const octokit = new Octokit({
    ...(config.keys.github ? { auth: config.keys.github.reveal() } : {}),
    baseUrl: apiUrl,
    userAgent: 'sophia-github-review/0.1.0',
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
    throttle: {
      onRateLimit: (
        retryAfter: number,
        opts: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        const retry = retryCount < 1 && retryAfter <= maxWait;
        log.warn('GitHub rate limit reached', { request: `${opts.method} ${opts.url}`, retryAfter, retry });
        return retry;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        opts: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        const retry = retryCount < 1 && retryAfter <= maxWait;
        log.warn('GitHub secondary rate limit reached', {
          request: `${opts.method} ${opts.url}`,
          retryAfter,
          retry,
        });
        return retry;
      },
    },
    retry: { retries: options.retries ?? 2, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
  });
  // Every request's owner/repo path parameters are checked against GitHub's name rules before a URL is built.
  octokit.hook.before('request', (options) => {
    try {
      assertGithubParams(options as { owner?: unknown; repo?: unknown });
    } catch (err) {
      throw new GitHubError((err as Error).message, 400);
    }
  });
  return { octokit, apiUrl, authenticated: config.keys.github !== undefined };
}

function githubMessage(err: RequestError): string {
  const data = err.response?.data as
    | { message?: string; errors?: Array<{ message?: string; code?: string; field?: string } | string> }
    | undefined;
  const base = data?.message ?? err.message;
  const details = (data?.errors ?? [])
    .map((e) => (typeof e === 'string' ? e : (e.message ?? [e.field, e.code].filter(Boolean).join(' '))))
    .filter(Boolean);
  return details.length ? `${base}: ${details.join('; ')}` : base;
}

/** Turns an Octokit error into a GitHubError that tells the caller what to do; `what` names the request. */
export function toGitHubError(err: unknown, what: string, authenticated: boolean): Error {
  if (err instanceof GitHubError) return err;
  if (!(err instanceof RequestError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new GitHubError(
      `Could not reach GitHub for ${what}: ${message}. Check GITHUB_API_URL and the network.`,
    );
  }
  if (!err.response) {
    // Octokit reports a failed fetch (refused, DNS, TLS, timeout) as a RequestError without a response
    return new GitHubError(
      `Could not reach the GitHub API for ${what}: ${err.message}. Check GITHUB_API_URL and the network.`,
    );
  }
  const headers = (err.response.headers ?? {}) as Record<string, string | undefined>;
  const status = err.status;
  if (
    (status === 403 || status === 429) &&
    (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(err.message))
  ) {
    const reset = Number(headers['x-ratelimit-reset']);
    const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined;
    const wait = resetAt ? Math.max(0, Math.ceil((resetAt.getTime() - Date.now()) / 60_000)) : undefined;
    return new GitHubError(
      `GitHub's API rate limit is exhausted (${what}).` +
        (resetAt ? ` It resets at ${resetAt.toISOString()} (in about ${wait} min).` : ' Retry later.') +
        (authenticated ? '' : ' Set GITHUB_TOKEN: unauthenticated requests get only 60 per hour.'),
      status,
      resetAt,
    );
  }
  switch (status) {
    case 401:
      return new GitHubError(
        `GitHub rejected the credentials (401) for ${what}: GITHUB_TOKEN is missing, expired or revoked.`,
        401,
      );
    case 403:
      return new GitHubError(
        `GitHub refused ${what} (403): ${githubMessage(err)}. The token may lack a scope (repo / pull requests: read and write) or SSO authorization for this organisation.`,
        403,
      );
    case 404:
      return new GitHubError(
        `Not found (404): ${what}. Check the owner, repository and number${authenticated ? '; GitHub also answers 404 when the token cannot see a private repository' : '; for a private repository set GITHUB_TOKEN'}.`,
        404,
      );
    case 406:
      return new GitHubError(`GitHub cannot render ${what} (406): ${githubMessage(err)}.`, 406);
    case 422:
      return new GitHubError(`GitHub rejected ${what} (422): ${githubMessage(err)}.`, 422);
    default:
      return new GitHubError(`GitHub answered ${status} for ${what}: ${githubMessage(err)}.`, status);
  }
}

/** Runs one GitHub call, converting its errors. */
export async function github<T>(client: GitHubClient, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGitHubError(err, what, client.authenticated);
  }
}
