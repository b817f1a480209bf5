import { describe, expect, it } from 'vitest';
import { budgetDiff, renderHunk } from '../../../../servers/github-review/review/diff-budget.js';
import { redactSecrets } from '../../../../servers/github-review/rules/secrets.js';
import { changedFile, files, newFile } from '../support/diffs.js';

const big = (n: number) =>
  Array.from({ length: n }, (_, i) => `const v${i} = compute(${i}); // padding to make the file bigger`);

describe('diff budget', () => {
  it('orders by relevance then size, drops deletion-only hunks and lists what was left out', () => {
    const set = files(
      newFile('docs/guide.md', ['# Guide', 'text']),
      newFile('test/a.test.ts', big(5)),
      newFile('src/small.ts', big(3)),
      newFile('src/large.ts', big(40)),
      newFile('package-lock.json', ['{}']),
      newFile('dist/app.min.js', ['x']),
      changedFile('src/removed-only.ts', { removed: ['a', 'b'] }),
      'diff --git a/img.png b/img.png\nnew file mode 100644\nBinary files /dev/null and b/img.png differ',
      'diff --git a/gone.ts b/gone.ts\ndeleted file mode 100644\n--- a/gone.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-x',
    );
    const all = budgetDiff(set, 100_000);
    expect(all.included).toEqual(['src/large.ts', 'src/small.ts', 'test/a.test.ts', 'docs/guide.md']);
    expect(all.omitted.map((o) => [o.path, o.reason])).toEqual([
      ['package-lock.json', 'lockfile'],
      ['dist/app.min.js', 'generated'],
      ['src/removed-only.ts', 'deletion-only'],
      ['img.png', 'binary'],
      ['gone.ts', 'deleted'],
    ]);
    expect(all.droppedDeletionHunks).toBe(1);

    const flagged = budgetDiff(set, 100_000, new Set(['docs/guide.md']));
    expect(flagged.included[0]).toBe('docs/guide.md');

    // a budget too small for the large file still fits the smaller ones
    const tight = budgetDiff(set, 200);
    expect(tight.included).toEqual(['src/small.ts', 'test/a.test.ts', 'docs/guide.md']);
    expect(tight.omitted.filter((o) => o.reason === 'budget').map((o) => o.path)).toEqual(['src/large.ts']);
    expect(tight.tokens).toBeLessThanOrEqual(200);
  });

  it('renders new-side line numbers and redacts secrets', () => {
    const [f] = files(
      changedFile('src/a.ts', {
        start: 10,
        before: ['a'],
        removed: ['b'],
        added: [`const k = 'ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}';`],
      }),
    );
    expect(renderHunk(f!.hunks[0]!).split('\n')).toEqual([
      '@@ -10,2 +10,2 @@',
      '    10| a',
      '-     | b',
      "+   11| const k = '[redacted: GitHub token]';",
    ]);
    expect(redactSecrets("db = 'postgres://app:Sup3rS3cret9@db:5432/x'")).toBe(
      "db = 'postgres://app:[redacted]@db:5432/x'",
    );
    expect(redactSecrets("const clientSecret = 'q8Z2vX9mK4nB7wR1tY6uP3sD0fG5hJ';")).toBe(
      "const clientSecret = '[redacted]';",
    );
    expect(redactSecrets("const awsKey = 'AKIAIOSFODNN7EXAMPLE';")).toBe(
      "const awsKey = 'AKIAIOSFODNN7EXAMPLE';",
    );
  });
});
