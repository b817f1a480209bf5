import { parseDiff } from '../../../../servers/github-review/diff/parse-diff.js';
import type { ChangeSet, DiffFile } from '../../../../servers/github-review/diff/diff-types.js';

/** A unified diff that adds a new file with these lines. */
export function newFile(path: string, lines: string[]): string {
  return [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`,
    ...lines.map((l) => `+${l}`),
  ].join('\n');
}

/**
 * A unified diff that changes a file: `before` context lines, then removed and added lines, then `after`
 * context, starting at line `start`.
 */
export function changedFile(
  path: string,
  change: { start?: number; before?: string[]; removed?: string[]; added?: string[]; after?: string[] },
): string {
  const start = change.start ?? 1;
  const before = change.before ?? [];
  const removed = change.removed ?? [];
  const added = change.added ?? [];
  const after = change.after ?? [];
  const oldCount = before.length + removed.length + after.length;
  const newCount = before.length + added.length + after.length;
  return [
    `diff --git a/${path} b/${path}`,
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${start},${oldCount} +${start},${newCount} @@`,
    ...before.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  ].join('\n');
}

export function changes(...diffs: string[]): ChangeSet {
  return { source: 'test', files: parseDiff(diffs.join('\n')) };
}

export function files(...diffs: string[]): DiffFile[] {
  return changes(...diffs).files;
}

/** A rule input where the built-in user-facing paths apply. */
export function input(...diffs: string[]) {
  return { files: files(...diffs), isUserFacing: () => true };
}
