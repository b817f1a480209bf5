import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addedLines,
  isCommentableLine,
  touchesChangedLine,
} from '../../../../servers/github-review/diff/diff-types.js';
import {
  DiffParseError,
  parseDiff,
  parsePatch,
  unquotePath,
} from '../../../../servers/github-review/diff/parse-diff.js';

const sample = readFileSync(
  new URL('../../../fixtures/github-review/diffs/git-sample.diff', import.meta.url),
  'utf8',
);

describe('parseDiff on real git output', () => {
  const files = parseDiff(sample);
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('finds every file with its status', () => {
    expect(files.map((f) => [f.path, f.status])).toEqual([
      ['added.ts', 'added'],
      ['bin.dat', 'modified'],
      ['keep.txt', 'modified'],
      ['new-name.ts', 'renamed'],
      ['removed.md', 'deleted'],
      ['tést.txt', 'modified'],
      ['with space.txt', 'modified'],
    ]);
  });

  it('reads lines that look like headers inside a hunk as changes', () => {
    const added = byPath.get('added.ts')!;
    expect(addedLines(added)).toEqual([
      { line: 1, text: 'new' },
      { line: 2, text: '+++ tricky' },
      { line: 3, text: '--- also' },
    ]);
    expect(added.additions).toBe(3);
  });

  it('marks binary files and keeps rename sources', () => {
    expect(byPath.get('bin.dat')!.binary).toBe(true);
    expect(byPath.get('bin.dat')!.hunks).toEqual([]);
    expect(byPath.get('new-name.ts')!.oldPath).toBe('old-name.ts');
  });

  it('does not count the no-newline marker as a line', () => {
    const keep = byPath.get('keep.txt')!;
    expect(keep.additions).toBe(2);
    expect(keep.deletions).toBe(2);
    expect(keep.hunks[0]!.lines.map((l) => l.kind)).toEqual(['context', 'del', 'del', 'add', 'add']);
    expect(addedLines(keep).map((l) => l.line)).toEqual([2, 3]);
  });

  it('numbers both sides and keeps the hunk section', () => {
    const renamed = byPath.get('new-name.ts')!;
    const h = renamed.hunks[0]!;
    expect(h.section).toBe('d');
    expect(h.lines.find((l) => l.kind === 'del')).toMatchObject({ oldLine: 8, text: 'h' });
    expect(h.lines.find((l) => l.kind === 'add')).toMatchObject({ newLine: 8, text: 'H' });
    expect(isCommentableLine(renamed, 5, 'RIGHT')).toBe(true);
    expect(isCommentableLine(renamed, 4, 'RIGHT')).toBe(false);
    expect(isCommentableLine(renamed, 8, 'LEFT')).toBe(true);
    expect(touchesChangedLine(renamed, 5, 7, 'RIGHT')).toBe(false);
    expect(touchesChangedLine(renamed, 7, 9, 'RIGHT')).toBe(true);
  });

  it('unquotes octal-escaped paths and strips the tab after spaced paths', () => {
    expect(byPath.has('tést.txt')).toBe(true);
    expect(byPath.has('with space.txt')).toBe(true);
    expect(unquotePath('"a\\ttab\\"q"')).toBe('a\ttab"q');
  });
});

describe('parseDiff edge cases', () => {
  it('parses a GitHub per-file patch (hunks only)', () => {
    const hunks = parsePatch('@@ -10,2 +10,3 @@ function f() {\n   a();\n+  b();\n   c();');
    expect(hunks).toHaveLength(1);
    expect(hunks[0]!.lines.map((l) => [l.kind, l.oldLine, l.newLine])).toEqual([
      ['context', 10, 10],
      ['add', undefined, 11],
      ['context', 11, 12],
    ]);
  });

  it('parses plain unified diffs without git headers and single-line hunks', () => {
    const files = parseDiff(
      '--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n--- a/y.txt\n+++ b/y.txt\n@@ -3 +3,2 @@\n c\n+d\n',
    );
    expect(files.map((f) => [f.path, f.additions, f.deletions])).toEqual([
      ['x.txt', 1, 1],
      ['y.txt', 1, 0],
    ]);
  });

  it('skips a commit message before the first file', () => {
    const files = parseDiff(
      'From 123 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n',
    );
    expect(files).toHaveLength(1);
  });

  it('rejects a truncated hunk and garbage inside a hunk with the line number', () => {
    expect(() => parseDiff('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n')).toThrow(DiffParseError);
    expect(() => parseDiff('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n*oops\n')).toThrow(/line 5/);
  });

  it('rejects combined merge diffs', () => {
    expect(() => parseDiff('diff --cc file.txt\n')).toThrow(/combined/);
  });

  it('gives no files for an empty diff', () => {
    expect(parseDiff('')).toEqual([]);
  });
});
