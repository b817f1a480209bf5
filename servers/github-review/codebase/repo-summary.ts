import { posix } from 'node:path';
import { isGeneratedPath, isSourcePath, isTestPath, language } from '../diff/file-kinds.js';
import type { FileCoverage } from './coverage.js';

/**
 * A repository's structure and hot spots, from its file list (with line counts) and git history. Hot spots
 * follow the churn-times-size idea (A. Tornhill, "Your Code as a Crime Scene"; code-maat): files changed
 * often that are also large are where defects and review effort concentrate. Score = commits in the window
 * × log2(1 + lines).
 */
export interface RepoFile {
  path: string;
  lines: number;
  bytes: number;
}

export interface FileChurn {
  commits: number;
  linesChanged: number;
  authors: Set<string>;
}

export interface FolderSummary {
  folder: string;
  files: number;
  lines: number;
  sourceFiles: number;
  testFiles: number;
  languages: string[];
  commits: number;
  coverage: { linesFound: number; linesHit: number; percent: number } | null;
}

export interface HotSpot {
  path: string;
  lines: number;
  commits: number;
  linesChanged: number;
  authors: number;
  score: number;
}

export function folderOf(path: string, depth: number): string {
  const parts = path.split('/');
  if (parts.length <= 1) return '(root)';
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('/');
}

export function summarizeFolders(
  files: RepoFile[],
  churn: Map<string, FileChurn>,
  coverage: FileCoverage[],
  depth: number,
): FolderSummary[] {
  const cov = new Map(coverage.map((c) => [c.path, c]));
  const folders = new Map<string, FolderSummary & { langCounts: Map<string, number>; commitSet: number }>();
  for (const f of files) {
    const name = folderOf(f.path, depth);
    let s = folders.get(name);
    if (!s) {
      s = {
        folder: name,
        files: 0,
        lines: 0,
        sourceFiles: 0,
        testFiles: 0,
        languages: [],
        commits: 0,
        coverage: null,
        langCounts: new Map(),
        commitSet: 0,
      };
      folders.set(name, s);
    }
    s.files++;
    s.lines += f.lines;
    if (isTestPath(f.path)) s.testFiles++;
    else if (isSourcePath(f.path)) {
      s.sourceFiles++;
      const lang = language(f.path);
      s.langCounts.set(lang, (s.langCounts.get(lang) ?? 0) + f.lines);
    }
    s.commits += churn.get(f.path)?.commits ?? 0;
    const c = cov.get(f.path);
    if (c) {
      s.coverage ??= { linesFound: 0, linesHit: 0, percent: 0 };
      s.coverage.linesFound += c.linesFound;
      s.coverage.linesHit += c.linesHit;
    }
  }
  return [...folders.values()]
    .map(({ langCounts, commitSet: _c, ...s }) => ({
      ...s,
      languages: [...langCounts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([l]) => l),
      coverage: s.coverage
        ? {
            ...s.coverage,
            percent: s.coverage.linesFound
              ? Math.round((1000 * s.coverage.linesHit) / s.coverage.linesFound) / 10
              : 0,
          }
        : null,
    }))
    .sort((a, b) => b.lines - a.lines);
}

export function hotSpots(files: RepoFile[], churn: Map<string, FileChurn>, top: number): HotSpot[] {
  return files
    .filter((f) => !isGeneratedPath(f.path) && churn.has(f.path))
    .map((f) => {
      const c = churn.get(f.path)!;
      return {
        path: f.path,
        lines: f.lines,
        commits: c.commits,
        linesChanged: c.linesChanged,
        authors: c.authors.size,
        score: Math.round(c.commits * Math.log2(1 + f.lines) * 10) / 10,
      };
    })
    .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
    .slice(0, top);
}

/** Parses `git log --numstat --format=%x00%H%x09%an --no-renames` into churn per file. */
export function parseNumstat(text: string): { churn: Map<string, FileChurn>; commits: number } {
  const churn = new Map<string, FileChurn>();
  let commits = 0;
  let author = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('\0')) {
      commits++;
      author = line.slice(1).split('\t')[1] ?? '';
      continue;
    }
    const m = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line);
    if (!m) continue;
    const path = m[3]!;
    const c = churn.get(path) ?? { commits: 0, linesChanged: 0, authors: new Set<string>() };
    c.commits++;
    c.linesChanged += (m[1] === '-' ? 0 : Number(m[1])) + (m[2] === '-' ? 0 : Number(m[2]));
    if (author) c.authors.add(author);
    churn.set(path, c);
  }
  return { churn, commits };
}

export function extensionOf(path: string): string {
  return posix.extname(path).toLowerCase();
}
