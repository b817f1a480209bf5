import { basename, dirname } from 'node:path/posix';
import type { DiffFile } from '../diff/diff-types.js';
import { manifestLockfiles } from '../diff/file-kinds.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';

/**
 * A dependency manifest whose dependencies changed while no lockfile beside it (or at the repository root,
 * for workspaces) changed: installs will not be reproducible and the reviewed versions are not the ones
 * that ship. Only dependency lines count: a changed `scripts` entry or `version` field does not.
 */
function isDependencyLine(path: string, text: string): boolean {
  const name = basename(path);
  const t = text.trim();
  if (!t || t.startsWith('#') || t.startsWith('//')) return false;
  if (name === 'package.json' || name === 'composer.json') {
    const m = /^"([^"]+)"\s*:\s*"([^"]*)"\s*,?$/.exec(t);
    if (!m) return false;
    const [, key, value] = m;
    if (
      [
        'name',
        'version',
        'description',
        'main',
        'module',
        'types',
        'license',
        'type',
        'author',
        'homepage',
      ].includes(key!)
    )
      return false;
    // version ranges, tags, protocols; script commands have spaces or no version shape
    return /^(?:[\^~<>=]*\s*v?\d[\w.+-]*(?:\s*(?:\|\||-|<|>)=?\s*v?\d[\w.+-]*)*|\*|latest|next|workspace:.*|npm:.*|file:.*|link:.*|git\+.*|github:.*|https?:\/\/.*\.(?:tgz|tar\.gz)|[\w-]+\/[\w.-]+(?:#.*)?)$/.test(
      value!,
    );
  }
  if (/^requirements.*\.in$/.test(name)) return /^[A-Za-z0-9][\w.-]*(\[.*\])?\s*([<>=!~]=?.*)?$/.test(t);
  if (name === 'pyproject.toml')
    return (
      /^"?[A-Za-z0-9][\w.-]*(\[.*\])?\s*[<>=!~^]=?[^"]*"?,?$/.test(t) ||
      /^[A-Za-z0-9][\w.-]*\s*=\s*(?:"[\^~<>=*\d]|\{)/.test(t)
    );
  if (name === 'Pipfile') return /^[A-Za-z0-9][\w.-]*\s*=\s*(?:"|\{)/.test(t);
  if (name === 'go.mod') return /^(?:require\s+)?[\w.-]+\.[a-z]{2,}\/\S+\s+v\d/.test(t);
  if (name === 'Cargo.toml')
    return /^[A-Za-z0-9][\w-]*\s*=\s*(?:"[\^~<>=*\d]|\{\s*(?:version|git|path))/.test(t);
  if (name === 'Gemfile') return /^gem\s+['"]/.test(t);
  return false;
}

/** The first added dependency line (a comment can sit on it), else the first removed one. */
function changedDependencyLine(
  file: DiffFile,
): { line: number; side: 'LEFT' | 'RIGHT'; text: string } | undefined {
  let removed: { line: number; side: 'LEFT'; text: string } | undefined;
  for (const h of file.hunks)
    for (const l of h.lines) {
      if (l.kind === 'context' || !isDependencyLine(file.path, l.text)) continue;
      if (l.kind === 'add') return { line: l.newLine!, side: 'RIGHT', text: l.text };
      removed ??= { line: l.oldLine!, side: 'LEFT', text: l.text };
    }
  return removed;
}

export const dependencyLockfileRule = defineRule({
  id: 'deps/lockfile-missing',
  title: 'Dependencies changed without a lockfile change',
  description:
    'package.json, pyproject.toml, requirements.in, Pipfile, go.mod, Cargo.toml, Gemfile or composer.json dependency lines changed but no matching lockfile (package-lock.json, yarn.lock, poetry.lock, go.sum, Cargo.lock...) changed in the same folder or at the root.',
  defaultSeverity: 'warning',
  check(input) {
    const findings: Finding[] = [];
    const changed = new Set(input.files.map((f) => f.path));
    for (const file of input.files) {
      const lockfiles = manifestLockfiles(file.path);
      if (!lockfiles || file.status === 'deleted') continue;
      const dep = changedDependencyLine(file);
      if (!dep) continue;
      const dir = dirname(file.path);
      const candidates = lockfiles.flatMap((l) => [dir === '.' ? l : `${dir}/${l}`, l]);
      if (candidates.some((c) => changed.has(c))) continue;
      findings.push({
        ruleId: 'deps/lockfile-missing',
        severity: 'warning',
        path: file.path,
        line: dep.line,
        side: dep.side,
        message: `Dependencies in ${basename(file.path)} changed but no lockfile did (${lockfiles.slice(0, 3).join(', ')}). Run the package manager's install and commit the lockfile.`,
        evidence: excerpt(dep.text),
      });
    }
    return findings;
  },
});
