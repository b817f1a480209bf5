import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * The git CLI, run without a shell (argument arrays), with a timeout and an output cap, in a repository the
 * caller names. Revisions from callers are checked and passed after `--end-of-options`, so a value such as
 * `--output=/etc/x` can never be read as an option.
 */
export class GitError extends Error {
  override name = 'GitError';
}

const MAX_OUTPUT = 64 * 1024 * 1024;
const REV = /^[\w./@{}~^+-]{1,200}$/;

export function checkRevision(rev: string, what = 'revision'): string {
  if (!REV.test(rev) || rev.includes('..') || rev.startsWith('-')) {
    throw new GitError(
      `'${rev}' is not a valid ${what} (a branch, tag or commit such as main, origin/main, v1.2, HEAD~1)`,
    );
  }
  return rev;
}

export interface GitRunner {
  (args: string[], options?: { input?: string; allowExitCodes?: number[] }): Promise<string>;
}

export function gitRunner(cwd: string, timeoutMs = 60_000): GitRunner {
  return (args, options = {}) =>
    new Promise((resolvePromise, reject) => {
      const child = execFile(
        'git',
        ['-c', 'core.quotepath=off', '-c', 'color.ui=never', ...args],
        {
          cwd,
          maxBuffer: MAX_OUTPUT,
          timeout: timeoutMs,
          encoding: 'utf8',
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        },
        (err, stdout, stderr) => {
          if (err) {
            const code = typeof err.code === 'number' ? err.code : undefined;
            if (code !== undefined && options.allowExitCodes?.includes(code)) return resolvePromise(stdout);
            if ((err as { killed?: boolean }).killed)
              return reject(new GitError(`git ${args[0]} took longer than ${timeoutMs / 1000} s`));
            if (/maxBuffer/i.test(err.message))
              return reject(
                new GitError(
                  `git ${args[0]} printed more than ${MAX_OUTPUT / 1024 / 1024} MB; narrow the request`,
                ),
              );
            if ((err as NodeJS.ErrnoException).code === 'ENOENT')
              return reject(new GitError('git is not installed or not on PATH'));
            const first = stderr.split('\n').find((l) => l.trim()) ?? err.message;
            return reject(new GitError(`git ${args[0]}: ${first.replace(/^fatal:\s*/, '')}`));
          }
          resolvePromise(stdout);
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
}

export interface LocalRepository {
  root: string;
  git: GitRunner;
}

/** Opens the repository containing `path` (which must exist and be inside a git work tree). */
export async function openRepository(path: string): Promise<LocalRepository> {
  const abs = isAbsolute(path) ? path : resolve(path);
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    throw new GitError(`'${path}' does not exist`);
  }
  const dir = stat.isDirectory() ? abs : resolve(abs, '..');
  let root: string;
  try {
    root = (await gitRunner(dir)(['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    if (err instanceof GitError && /not a git repository/i.test(err.message)) {
      throw new GitError(`'${path}' is not inside a git repository`);
    }
    throw err;
  }
  return { root, git: gitRunner(root) };
}

const DIFF_ARGS = [
  '--no-color',
  '--no-ext-diff',
  '--find-renames',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--unified=3',
];
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export type LocalDiffMode = 'working' | 'unstaged' | 'staged' | 'branch';

export interface LocalDiffRequest {
  mode: LocalDiffMode;
  /** For `branch`: the base to compare against (default: the remote default branch, else main/master). */
  base?: string;
  /** For `branch`: the branch to review (default HEAD). */
  head?: string;
  /** For `working`: include files git does not track yet (default true). */
  includeUntracked?: boolean;
}

export interface LocalDiff {
  text: string;
  /** e.g. `main...HEAD (merge base 1a2b3c4)` or `working tree vs HEAD`. */
  description: string;
  base?: string;
  head?: string;
  /** For `branch`: the commits compared (merge base and head). */
  range?: { from: string; to: string };
  untracked: string[];
}

async function hasCommits(repo: LocalRepository): Promise<boolean> {
  const out = await repo.git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { allowExitCodes: [1] });
  return out.trim().length > 0;
}

/** The branch to compare against when none is given: origin's default branch, else main, else master. */
export async function defaultBase(repo: LocalRepository): Promise<string> {
  const head = await repo.git(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], {
    allowExitCodes: [1, 128],
  });
  if (head.trim()) return head.trim();
  for (const candidate of ['main', 'master', 'origin/main', 'origin/master', 'develop']) {
    const ok = await repo.git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], {
      allowExitCodes: [1],
    });
    if (ok.trim()) return candidate;
  }
  throw new GitError(
    'no base branch given and none of origin/HEAD, main, master or develop exists; pass `base`',
  );
}

async function verify(repo: LocalRepository, rev: string, what: string): Promise<string> {
  checkRevision(rev, what);
  const sha = await repo.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    allowExitCodes: [1],
  });
  if (!sha.trim()) throw new GitError(`${what} '${rev}' does not name a commit in this repository`);
  return sha.trim();
}

/** Diffs of untracked files, as `git diff --no-index /dev/null <file>` prints them. */
const MAX_UNTRACKED = 300;

async function untrackedDiff(
  repo: LocalRepository,
): Promise<{ text: string; files: string[]; skipped: number }> {
  const all = (await repo.git(['ls-files', '--others', '--exclude-standard', '-z']))
    .split('\0')
    .filter(Boolean);
  const list = all.slice(0, MAX_UNTRACKED);
  let text = '';
  for (const file of list) {
    const out = await repo.git([...['diff', ...DIFF_ARGS, '--no-index', '--'], '/dev/null', file], {
      allowExitCodes: [1],
    });
    text += out.endsWith('\n') || !out ? out : `${out}\n`;
  }
  return { text, files: list, skipped: all.length - list.length };
}

export async function localDiff(repo: LocalRepository, req: LocalDiffRequest): Promise<LocalDiff> {
  const committed = await hasCommits(repo);
  switch (req.mode) {
    case 'staged': {
      const text = await repo.git(['diff', '--cached', ...DIFF_ARGS, ...(committed ? [] : [EMPTY_TREE])]);
      return { text, description: 'staged changes (index vs HEAD)', untracked: [] };
    }
    case 'unstaged': {
      const text = await repo.git(['diff', ...DIFF_ARGS]);
      return { text, description: 'unstaged changes (working tree vs index)', untracked: [] };
    }
    case 'working': {
      const tracked = await repo.git(['diff', ...DIFF_ARGS, committed ? 'HEAD' : EMPTY_TREE]);
      const untracked =
        req.includeUntracked === false ? { text: '', files: [], skipped: 0 } : await untrackedDiff(repo);
      const extra = untracked.files.length
        ? `, with ${untracked.files.length} untracked file(s)${untracked.skipped ? ` (${untracked.skipped} more untracked files not read: add them to .gitignore or stage them)` : ''}`
        : '';
      return {
        text: tracked + untracked.text,
        description: `uncommitted changes (working tree vs HEAD${extra})`,
        untracked: untracked.files,
      };
    }
    case 'branch': {
      if (!committed) throw new GitError('the repository has no commits yet: use mode "working" or "staged"');
      const base = req.base ?? (await defaultBase(repo));
      const head = req.head ?? 'HEAD';
      const baseSha = await verify(repo, base, 'base');
      const headSha = await verify(repo, head, 'head');
      const mergeBase = (
        await repo.git(['merge-base', '--end-of-options', baseSha, headSha], { allowExitCodes: [1] })
      ).trim();
      if (!mergeBase) throw new GitError(`'${base}' and '${head}' have no common history`);
      const text = await repo.git(['diff', ...DIFF_ARGS, mergeBase, headSha]);
      return {
        text,
        description: `${base}...${head} (merge base ${mergeBase.slice(0, 7)})`,
        base,
        head,
        range: { from: mergeBase, to: headSha },
        untracked: [],
      };
    }
  }
}

/** Size in bytes of files in the working tree (for the large-file rule); missing files are skipped. */
export function workingTreeSizes(repo: LocalRepository, paths: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const p of paths) {
    try {
      sizes.set(p, statSync(join(repo.root, p)).size);
    } catch {
      // deleted or not checked out
    }
  }
  return sizes;
}

/** The content of a file at a revision, or in the working tree when `rev` is undefined; undefined if absent. */
export async function readFileAt(
  repo: LocalRepository,
  path: string,
  rev?: string,
): Promise<string | undefined> {
  const abs = resolve(repo.root, path);
  if (isAbsolute(path) || (abs !== repo.root && !abs.startsWith(repo.root + sep))) {
    throw new GitError(`'${path}' must be a path inside the repository`);
  }
  if (rev === undefined) {
    const { readFile } = await import('node:fs/promises');
    return readFile(join(repo.root, path), 'utf8').catch(() => undefined);
  }
  checkRevision(rev);
  const out = await repo.git(['show', '--end-of-options', `${rev}:${path}`], { allowExitCodes: [128] });
  return out === '' ? undefined : out;
}
