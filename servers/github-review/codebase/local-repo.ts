import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDocPath } from '../diff/file-kinds.js';
import type { LocalRepository } from '../local/git.js';
import { COVERAGE_FILES, mapCoverage, parseCoverage, type FileCoverage } from './coverage.js';
import { parseNumstat, type FileChurn, type RepoFile } from './repo-summary.js';

/** Reading a local repository for the codebase tools: tracked files with line counts, history, coverage, docs. */
export async function trackedFiles(
  repo: LocalRepository,
  maxFiles = 50_000,
): Promise<{ files: RepoFile[]; truncated: boolean }> {
  const paths = (await repo.git(['ls-files', '-z'])).split('\0').filter(Boolean);
  const lines = new Map<string, number>();
  // `git grep -c` counts lines of tracked text files (-I skips binaries) in one pass
  const counts = await repo.git(['grep', '-c', '-I', '--no-color', '-e', '', '--', '.'], {
    allowExitCodes: [1],
  });
  for (const l of counts.split('\n')) {
    const i = l.lastIndexOf(':');
    if (i > 0) lines.set(l.slice(0, i), Number(l.slice(i + 1)) || 0);
  }
  const files: RepoFile[] = [];
  for (const path of paths.slice(0, maxFiles)) {
    const s = await stat(join(repo.root, path)).catch(() => undefined);
    if (!s?.isFile()) continue;
    files.push({ path, lines: lines.get(path) ?? 0, bytes: s.size });
  }
  return { files, truncated: paths.length > maxFiles };
}

export async function churnSince(
  repo: LocalRepository,
  days: number,
): Promise<{ churn: Map<string, FileChurn>; commits: number }> {
  const head = await repo.git(['rev-parse', '--verify', '--quiet', 'HEAD'], { allowExitCodes: [1] });
  if (!head.trim()) return { churn: new Map(), commits: 0 };
  const out = await repo.git([
    'log',
    `--since=${days}.days`,
    '--numstat',
    '--no-renames',
    '--no-merges',
    '--format=%x00%H%x09%an',
  ]);
  return parseNumstat(out);
}

export async function localCoverage(
  repo: LocalRepository,
  paths: string[],
): Promise<{ file: string | null; entries: FileCoverage[] }> {
  for (const name of COVERAGE_FILES) {
    const text = await readFile(join(repo.root, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      return { file: name, entries: mapCoverage(parseCoverage(name, text), paths, repo.root) };
    } catch {
      continue; // an unreadable report: try the next format
    }
  }
  return { file: null, entries: [] };
}

export async function localDocs(
  repo: LocalRepository,
  maxDocs = 400,
  maxBytes = 512 * 1024,
): Promise<Array<{ path: string; text: string }>> {
  const paths = (await repo.git(['ls-files', '-z'])).split('\0').filter((p) => p && isDocPath(p));
  const docs: Array<{ path: string; text: string }> = [];
  for (const path of paths.slice(0, maxDocs)) {
    const s = await stat(join(repo.root, path)).catch(() => undefined);
    if (!s || s.size > maxBytes) continue;
    docs.push({ path, text: await readFile(join(repo.root, path), 'utf8') });
  }
  return docs;
}
