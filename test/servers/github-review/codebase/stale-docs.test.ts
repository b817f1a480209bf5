import { describe, expect, it } from 'vitest';
import {
  findStaleDocs,
  pathMentions,
  resolveMention,
} from '../../../../servers/github-review/codebase/stale-docs.js';
import { changedFile, files, newFile } from '../support/diffs.js';

describe('stale docs', () => {
  it('reads path mentions from code spans, links and bare paths', () => {
    expect(
      pathMentions(
        'See `shared/db/database.ts` and [the runtime](../shared/runtime/run.ts#L10), or shared/log/.',
      ).sort(),
    ).toEqual(['../shared/runtime/run.ts#L10', 'shared/db/database.ts', 'shared/log/']);
    expect(pathMentions('Visit https://example.com/a/b and mailto:x@y.z')).toEqual([]);
  });

  it('resolves mentions against the doc folder', () => {
    expect(resolveMention('docs/guide/intro.md', '../../src/a.ts#L3')).toBe('src/a.ts');
    expect(resolveMention('docs/intro.md', './img/x.png')).toBe('docs/img/x.png');
    expect(resolveMention('README.md', '/src/a.ts:12')).toBe('src/a.ts');
    expect(resolveMention('README.md', '../outside.md')).toBeUndefined();
  });

  it('reports deleted, renamed, modified and folder changes, docs changed in the same change last', () => {
    const diff = files(
      'diff --git a/src/old.ts b/src/old.ts\ndeleted file mode 100644\n--- a/src/old.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-x',
      'diff --git a/src/a.ts b/src/b.ts\nsimilarity index 100%\nrename from src/a.ts\nrename to src/b.ts',
      changedFile('src/rent.ts', { removed: ['a'], added: ['b'] }),
      newFile('src/fees/late.ts', ['x']),
      changedFile('docs/changed.md', { added: ['see src/rent.ts'] }),
    );
    const docs = [
      {
        path: 'README.md',
        text: 'Entry: `src/old.ts`\nThen src/a.ts\nRent in [rent](src/rent.ts).\nFees under src/fees/.\nUnrelated: src/other.ts',
      },
      { path: 'docs/changed.md', text: 'see src/rent.ts' },
      { path: 'docs/names.md', text: 'The `rent.ts` module computes rent.' },
    ];
    const found = findStaleDocs({ files: diff, docs, allPaths: ['src/rent.ts', 'src/b.ts', 'src/other.ts'] });
    expect(found.map((m) => [m.doc, m.line, m.reason, m.changedPath, m.updatedInChange])).toEqual([
      ['README.md', 1, 'deleted', 'src/old.ts', false],
      ['README.md', 2, 'renamed', 'src/b.ts', false],
      ['docs/names.md', 1, 'modified', 'src/rent.ts', false],
      ['README.md', 3, 'modified', 'src/rent.ts', false],
      ['README.md', 4, 'folder-changed', 'src/fees/late.ts', false],
      ['docs/changed.md', 1, 'modified', 'src/rent.ts', true],
    ]);
    expect(found[1]!.advice).toBe('src/a.ts was renamed to src/b.ts: update the reference.');
  });

  it('ignores bare names that match several files', () => {
    const diff = files(changedFile('src/a/index.ts', { added: ['x'] }));
    expect(
      findStaleDocs({
        files: diff,
        docs: [{ path: 'README.md', text: 'see `index.ts`' }],
        allPaths: ['src/a/index.ts', 'src/b/index.ts'],
      }),
    ).toEqual([]);
  });
});
