import type { ChangeSet, DiffFile, FileStatus } from '../diff/diff-types.js';
import { parsePatch } from '../diff/parse-diff.js';
import { github, GitHubError, type GitHubClient } from './github-client.js';

/**
 * Reading a pull request through the REST API: metadata, files (with their patches), the unified diff,
 * commits, reviews and check runs, all paged (GitHub's Link headers, 100 per page) and capped.
 */
export interface PullRef {
  owner: string;
  repo: string;
  number: number;
}

export const pullName = (p: PullRef) => `${p.owner}/${p.repo}#${p.number}`;

export interface PullInfo {
  number: number;
  title: string;
  body: string;
  state: string;
  draft: boolean;
  merged: boolean;
  author: string;
  url: string;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  headRepo: string | null;
  createdAt: string;
  updatedAt: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  labels: string[];
  requestedReviewers: string[];
}

export async function getPull(client: GitHubClient, ref: PullRef): Promise<PullInfo> {
  const { data } = await github(client, `pull request ${pullName(ref)}`, () =>
    client.octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number }),
  );
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    state: data.state,
    draft: data.draft ?? false,
    merged: data.merged ?? false,
    author: data.user?.login ?? 'unknown',
    url: data.html_url,
    baseRef: data.base.ref,
    baseSha: data.base.sha,
    headRef: data.head.ref,
    headSha: data.head.sha,
    headRepo: data.head.repo?.full_name ?? null,
    createdAt: data.created_at,
    updatedAt: data.updated_at,
    additions: data.additions ?? 0,
    deletions: data.deletions ?? 0,
    changedFiles: data.changed_files ?? 0,
    commits: data.commits ?? 0,
    labels: data.labels.map((l) => l.name ?? '').filter(Boolean),
    requestedReviewers: (data.requested_reviewers ?? []).map((u) => u.login),
  };
}

export interface PullFile {
  path: string;
  previousPath?: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string;
}

/** GitHub lists at most 3000 files for a pull request. */
export const MAX_FILES = 3000;

export async function listPullFiles(client: GitHubClient, ref: PullRef): Promise<PullFile[]> {
  const files = await github(client, `the files of ${pullName(ref)}`, () =>
    client.octokit.paginate(client.octokit.rest.pulls.listFiles, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      per_page: 100,
    }),
  );
  return files.slice(0, MAX_FILES).map((f) => ({
    path: f.filename,
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
  }));
}

const STATUS: Record<string, FileStatus> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'copied',
  changed: 'modified',
  unchanged: 'modified',
};

/** The change set of a pull request, from its files' patches (files without a patch are kept, marked). */
export function changeSetFromFiles(ref: PullRef, files: PullFile[]): ChangeSet {
  return {
    source: `github:${pullName(ref)}`,
    files: files.map((f): DiffFile => {
      const hunks = parsePatch(f.patch);
      const file: DiffFile = {
        path: f.path,
        status: STATUS[f.status] ?? 'modified',
        binary: f.patch === undefined && f.additions === 0 && f.deletions === 0,
        hunks,
        additions: f.additions,
        deletions: f.deletions,
      };
      if (f.previousPath) file.oldPath = f.previousPath;
      if (f.patch === undefined && (f.additions > 0 || f.deletions > 0)) file.patchUnavailable = true;
      return file;
    }),
  };
}

export async function getPullDiff(client: GitHubClient, ref: PullRef): Promise<string> {
  const { data } = await github(client, `the diff of ${pullName(ref)}`, () =>
    client.octokit.rest.pulls.get({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      mediaType: { format: 'diff' },
    }),
  );
  if (typeof data !== 'string') throw new GitHubError(`GitHub did not return a diff for ${pullName(ref)}`);
  return data;
}

export interface PullCommit {
  sha: string;
  message: string;
  author: string;
  date: string | null;
}

export async function listPullCommits(client: GitHubClient, ref: PullRef): Promise<PullCommit[]> {
  const commits = await github(client, `the commits of ${pullName(ref)}`, () =>
    client.octokit.paginate(client.octokit.rest.pulls.listCommits, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      per_page: 100,
    }),
  );
  return commits.map((c) => ({
    sha: c.sha,
    message: c.commit.message,
    author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
    date: c.commit.author?.date ?? null,
  }));
}

export interface PullReview {
  id: number;
  nodeId: string;
  author: string;
  state: string;
  body: string;
  submittedAt: string | null;
  commitId: string | null;
  url: string;
}

export async function listPullReviews(client: GitHubClient, ref: PullRef): Promise<PullReview[]> {
  const reviews = await github(client, `the reviews of ${pullName(ref)}`, () =>
    client.octokit.paginate(client.octokit.rest.pulls.listReviews, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      per_page: 100,
    }),
  );
  return reviews.map((r) => ({
    id: r.id,
    nodeId: r.node_id,
    author: r.user?.login ?? 'unknown',
    state: r.state,
    body: r.body ?? '',
    submittedAt: r.submitted_at ?? null,
    commitId: r.commit_id ?? null,
    url: r.html_url,
  }));
}

export interface CheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  url: string | null;
  app: string | null;
  summary: string | null;
}

export async function listCheckRuns(client: GitHubClient, ref: PullRef, sha: string): Promise<CheckRun[]> {
  const runs = await github(client, `the check runs of ${pullName(ref)}`, () =>
    client.octokit.paginate(client.octokit.rest.checks.listForRef, {
      owner: ref.owner,
      repo: ref.repo,
      ref: sha,
      per_page: 100,
    }),
  );
  return runs.map((r) => ({
    name: r.name,
    status: r.status,
    conclusion: r.conclusion ?? null,
    url: r.html_url ?? null,
    app: r.app?.slug ?? null,
    summary: r.output?.title ?? null,
  }));
}

/** A file's text at a ref, or undefined when it does not exist there. */
export async function getFileText(
  client: GitHubClient,
  ref: PullRef,
  path: string,
  at: string,
): Promise<string | undefined> {
  try {
    const { data } = await client.octokit.rest.repos.getContent({
      owner: ref.owner,
      repo: ref.repo,
      path,
      ref: at,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, (data.encoding as BufferEncoding) || 'base64').toString('utf8');
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    return github(client, `${path} at ${at}`, () => Promise.reject(err));
  }
}

export interface TreeEntry {
  path: string;
  size: number;
}

/** Every file of the repository at a commit (GitHub truncates very large trees; `truncated` says so). */
export async function getTree(
  client: GitHubClient,
  ref: PullRef,
  sha: string,
): Promise<{ files: TreeEntry[]; truncated: boolean }> {
  const { data } = await github(
    client,
    `the file tree of ${ref.owner}/${ref.repo} at ${sha.slice(0, 7)}`,
    () =>
      client.octokit.rest.git.getTree({ owner: ref.owner, repo: ref.repo, tree_sha: sha, recursive: 'true' }),
  );
  return {
    files: data.tree
      .filter((e) => e.type === 'blob' && e.path)
      .map((e) => ({ path: e.path!, size: e.size ?? 0 })),
    truncated: data.truncated,
  };
}
