import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedLines } from '../../../../servers/github-review/diff/diff-types.js';
import {
  checkRevision,
  GitError,
  localDiff,
  openRepository,
  readFileAt,
} from '../../../../servers/github-review/local/git.js';
import { loadLocalChanges } from '../../../../servers/github-review/local/local-changes.js';
import { TempRepo } from './git-repo.js';

describe('local mode on a real git repository', () => {
  const repo = new TempRepo();
  beforeAll(() => {
    repo.commit('initial', {
      'src/rent.ts': 'export function rent(units: number) {\n  return units * 1200;\n}\n',
      'README.md': 'See src/rent.ts.\n',
      '.sophia-review.yml': 'disable: [tests/missing]\n',
    });
    repo.git('checkout', '-q', '-b', 'feature/late-fees');
    repo.commit('late fees', {
      'src/fees.ts':
        "export const lateFee = (days: number) => days * 25;\nconsole.log('fee for', resident.email);\n",
    });
    repo.git('mv', 'src/rent.ts', 'src/rent-roll.ts');
    repo.commit('move rent');
    // a staged change and an unstaged change and an untracked file
    repo.write(
      'src/fees.ts',
      "export const lateFee = (days: number) => days * 30;\nconsole.log('fee for', resident.email);\n",
    );
    repo.git('add', 'src/fees.ts');
    repo.write('README.md', 'See src/rent-roll.ts.\n');
    repo.write('notes/todo.md', 'write tests\n');
  });
  afterAll(() => repo.remove());

  it('diffs a branch against its base from the merge base', async () => {
    const local = await loadLocalChanges(repo.root, { mode: 'branch', base: 'main' });
    expect(local.description).toMatch(/^main\.\.\.HEAD \(merge base [0-9a-f]{7}\)$/);
    expect(local.changes.files.map((f) => [f.path, f.status, f.oldPath])).toEqual([
      ['src/fees.ts', 'added', undefined],
      ['src/rent-roll.ts', 'renamed', 'src/rent.ts'],
    ]);
    expect(local.changes.files[0]!.sizeBytes).toBeGreaterThan(50);
    expect(local.configText).toContain('tests/missing');
  });

  it('uses main as the default base', async () => {
    const diff = await localDiff(await openRepository(repo.root), { mode: 'branch' });
    expect(diff.base).toBe('main');
  });

  it('diffs only the staged change', async () => {
    const local = await loadLocalChanges(repo.root, { mode: 'staged' });
    expect(local.changes.files.map((f) => f.path)).toEqual(['src/fees.ts']);
    expect(addedLines(local.changes.files[0]!)).toEqual([
      { line: 1, text: 'export const lateFee = (days: number) => days * 30;' },
    ]);
  });

  it('diffs unstaged changes only', async () => {
    const local = await loadLocalChanges(repo.root, { mode: 'unstaged' });
    expect(local.changes.files.map((f) => f.path)).toEqual(['README.md']);
  });

  it('diffs the whole working tree with untracked files', async () => {
    const local = await loadLocalChanges(repo.root, { mode: 'working' });
    expect(local.changes.files.map((f) => [f.path, f.status])).toEqual([
      ['README.md', 'modified'],
      ['src/fees.ts', 'modified'],
      ['notes/todo.md', 'added'],
    ]);
    expect(local.description).toContain('1 untracked file');
    const without = await loadLocalChanges(repo.root, { mode: 'working', includeUntracked: false });
    expect(without.changes.files).toHaveLength(2);
  });

  it('works from a subfolder and reads files at revisions', async () => {
    const r = await openRepository(`${repo.root}/src`);
    expect(r.root).toBe(repo.root);
    expect(await readFileAt(r, 'src/rent.ts', 'main')).toContain('units * 1200');
    expect(await readFileAt(r, 'src/rent.ts', 'HEAD')).toBeUndefined();
    await expect(readFileAt(r, '../../etc/passwd')).rejects.toThrow(/inside the repository/);
  });

  it('refuses unsafe revisions and explains bad input', async () => {
    expect(() => checkRevision('--output=/tmp/x')).toThrow(GitError);
    expect(() => checkRevision('main..evil')).toThrow(/not a valid revision/);
    await expect(loadLocalChanges(repo.root, { mode: 'branch', base: 'no-such-branch' })).rejects.toThrow(
      /base 'no-such-branch' does not name a commit/,
    );
    await expect(loadLocalChanges('/definitely/not/here', { mode: 'working' })).rejects.toThrow(
      /does not exist/,
    );
    const { tmpdir } = await import('node:os');
    await expect(loadLocalChanges(tmpdir(), { mode: 'working' })).rejects.toThrow(
      /not inside a git repository/,
    );
  });

  it('handles a repository without commits', async () => {
    const empty = new TempRepo();
    try {
      empty.write('a.txt', 'hello\n');
      empty.git('add', 'a.txt');
      const staged = await loadLocalChanges(empty.root, { mode: 'staged' });
      expect(staged.changes.files.map((f) => [f.path, f.status])).toEqual([['a.txt', 'added']]);
      await expect(loadLocalChanges(empty.root, { mode: 'branch', base: 'main' })).rejects.toThrow(
        /no commits yet/,
      );
    } finally {
      empty.remove();
    }
  });
});
