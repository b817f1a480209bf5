import { z } from 'zod';
import type { SophiaConfig } from '../../../shared/config/config.js';
import type { Logger } from '../../../shared/log/logger.js';
import { ToolInputError, type ToolContext } from '../../../shared/runtime/define-tool.js';
import type { ChangeSet } from '../diff/diff-types.js';
import { DiffParseError } from '../diff/parse-diff.js';
import { createGitHubClient, type GitHubClient } from '../github/github-client.js';
import {
  changeSetFromFiles,
  getFileText,
  getPull,
  listPullFiles,
  type PullInfo,
  type PullRef,
} from '../github/pull-requests.js';
import { GitError, type LocalDiffMode } from '../local/git.js';
import { loadLocalChanges, type LocalChanges } from '../local/local-changes.js';
import {
  CONFIG_FILE,
  parseReviewConfig,
  ReviewConfigError,
  type ReviewConfig,
} from '../review/review-config.js';
import {
  GITHUB_OWNER,
  GITHUB_OWNER_RULE,
  GITHUB_REPO,
  GITHUB_REPO_RULE,
} from '../../../shared/util/github-names.js';

/** Inputs, outputs and helpers the github-review tools share. */
export const pullInput = {
  owner: z
    .string()
    .regex(GITHUB_OWNER, `owner is ${GITHUB_OWNER_RULE}, e.g. "acme"`)
    .describe('Repository owner, e.g. "acme"'),
  repo: z
    .string()
    .regex(GITHUB_REPO, `repo is ${GITHUB_REPO_RULE}, e.g. "rentals"`)
    .describe('Repository name, e.g. "rentals"'),
  number: z.number().int().positive().describe('Pull request number'),
};

export const localInput = {
  repoPath: z.string().min(1).describe('Local git repository (any folder in it), e.g. "."'),
  mode: z
    .enum(['working', 'staged', 'unstaged', 'branch'])
    .default('working')
    .describe('working: uncommitted incl. untracked (default); staged; unstaged; branch: head vs base'),
  base: z.string().max(200).optional().describe('For mode branch (default origin/HEAD, main or master)'),
  head: z.string().max(200).optional().describe('For mode branch (default HEAD)'),
};

export const findingOut = z.object({
  ruleId: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  path: z.string(),
  line: z.number().int().optional(),
  endLine: z.number().int().optional(),
  side: z.enum(['LEFT', 'RIGHT']),
  message: z.string(),
  evidence: z.string().optional(),
  cite: z.string().optional(),
});

export const commentShape = z.object({
  path: z.string().min(1).describe('File path in the pull request'),
  line: z
    .number()
    .int()
    .positive()
    .describe('Line to comment on (the last line of a range): new file for RIGHT, old file for LEFT'),
  side: z
    .enum(['LEFT', 'RIGHT'])
    .default('RIGHT')
    .describe('RIGHT: the changed version (default); LEFT: a removed line'),
  startLine: z.number().int().positive().optional().describe('First line of a multi-line comment'),
  startSide: z.enum(['LEFT', 'RIGHT']).optional(),
  body: z.string().min(1).max(65_000).describe('Comment text (Markdown)'),
});

export const omittedOut = z.object({
  path: z.string(),
  reason: z.enum(['budget', 'deleted', 'deletion-only', 'binary', 'generated', 'lockfile', 'no-patch']),
  additions: z.number().int(),
  deletions: z.number().int(),
});

const clients = new WeakMap<SophiaConfig, GitHubClient>();

export function githubClient(ctx: { config: SophiaConfig; logger: Logger }): GitHubClient {
  let client = clients.get(ctx.config);
  if (!client) {
    client = createGitHubClient(ctx.config, ctx.logger);
    clients.set(ctx.config, client);
  }
  return client;
}

export function requireToken(client: GitHubClient, action: string): void {
  if (!client.authenticated) {
    throw new ToolInputError(
      `${action} needs a GitHub token: set GITHUB_TOKEN (with pull-request read and write access) in the server's environment.`,
    );
  }
}

/** Where a tool that only reads a local repository works: not listed over HTTP (build-server.ts). */
export const LOCAL_ONLY = ['stdio', 'memory'] as const;

/** Local repository tools read the server's own disk: only for a local (stdio or in-process) client. */
export function requireLocalCaller(ctx: Pick<ToolContext, 'caller'>): void {
  if (ctx.caller.transport === 'http') {
    throw new ToolInputError(
      'Local repository tools read files on the server machine and are available over stdio only (run the github-review server locally, as Claude Code does). Over HTTP, review pull requests instead.',
    );
  }
}

/** Converts local-mode errors into caller errors. */
export async function local<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GitError || err instanceof DiffParseError || err instanceof ReviewConfigError)
      throw new ToolInputError(err.message);
    throw err;
  }
}

export function configFrom(text: string | undefined, origin: string): ReviewConfig {
  try {
    return parseReviewConfig(text, origin);
  } catch (err) {
    if (err instanceof ReviewConfigError)
      throw new ToolInputError(
        `${err.message}. Fix the file (or remove it to use the defaults) and review again.`,
      );
    throw err;
  }
}

export interface PullChanges {
  pull: PullInfo;
  changes: ChangeSet;
  config: ReviewConfig;
}

/**
 * A pull request's change set and review settings. The settings come from the BASE branch, so a pull request
 * cannot switch off the checks that review it.
 */
export async function loadPullChanges(client: GitHubClient, ref: PullRef): Promise<PullChanges> {
  const pull = await getPull(client, ref);
  const [files, configText] = await Promise.all([
    listPullFiles(client, ref),
    getFileText(client, ref, CONFIG_FILE, pull.baseSha),
  ]);
  const changes = changeSetFromFiles(ref, files);
  return { pull, changes, config: configFrom(configText, `${CONFIG_FILE} (base ${pull.baseRef})`) };
}

export async function loadLocal(
  ctx: Pick<ToolContext, 'caller'>,
  args: {
    repoPath: string;
    mode: LocalDiffMode;
    base?: string | undefined;
    head?: string | undefined;
    includeUntracked?: boolean | undefined;
  },
): Promise<LocalChanges & { config: ReviewConfig }> {
  requireLocalCaller(ctx);
  if (args.mode !== 'branch' && (args.base || args.head)) {
    throw new ToolInputError(`base and head apply to mode "branch" only; you asked for mode "${args.mode}"`);
  }
  const loaded = await local(() =>
    loadLocalChanges(args.repoPath, {
      mode: args.mode,
      ...(args.base ? { base: args.base } : {}),
      ...(args.head ? { head: args.head } : {}),
      ...(args.includeUntracked !== undefined ? { includeUntracked: args.includeUntracked } : {}),
    }),
  );
  return { ...loaded, config: configFrom(loaded.configText, CONFIG_FILE) };
}
