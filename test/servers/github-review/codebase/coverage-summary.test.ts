import { describe, expect, it } from 'vitest';
import {
  mapCoverage,
  parseCobertura,
  parseIstanbulSummary,
  parseLcov,
} from '../../../../servers/github-review/codebase/coverage.js';
import {
  folderOf,
  hotSpots,
  parseNumstat,
  summarizeFolders,
} from '../../../../servers/github-review/codebase/repo-summary.js';

describe('coverage reports', () => {
  it('parses LCOV, Istanbul json-summary and Cobertura', () => {
    expect(
      parseLcov(
        'TN:\nSF:/ci/build/src/a.ts\nDA:1,1\nLF:10\nLH:7\nend_of_record\nSF:src/b.ts\nLF:4\nLH:0\nend_of_record\n',
      ),
    ).toEqual([
      { path: '/ci/build/src/a.ts', linesFound: 10, linesHit: 7 },
      { path: 'src/b.ts', linesFound: 4, linesHit: 0 },
    ]);
    expect(
      parseIstanbulSummary(
        JSON.stringify({
          total: { lines: { total: 9, covered: 3 } },
          '/x/src/a.ts': { lines: { total: 9, covered: 3 } },
        }),
      ),
    ).toEqual([{ path: '/x/src/a.ts', linesFound: 9, linesHit: 3 }]);
    const xml = `<coverage><sources><source>/ci/app</source></sources><packages><package><classes>
      <class name="a" filename="pkg/a.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
      </classes></package></packages></coverage>`;
    expect(parseCobertura(xml)).toEqual([{ path: '/ci/app/pkg/a.py', linesFound: 2, linesHit: 1 }]);
  });

  it('maps CI paths onto repository paths by suffix', () => {
    const mapped = mapCoverage(
      [
        { path: '/ci/build/src/a.ts', linesFound: 10, linesHit: 7 },
        { path: '/repo/src/b.ts', linesFound: 1, linesHit: 1 },
        { path: 'gone.ts', linesFound: 1, linesHit: 1 },
      ],
      ['src/a.ts', 'src/b.ts'],
      '/repo',
    );
    expect(mapped.map((m) => m.path)).toEqual(['src/a.ts', 'src/b.ts']);
  });
});

describe('repository summary', () => {
  const log = '\0aaa\tAda\n3\t1\tsrc/a.ts\n10\t0\tsrc/b.ts\n\n\0bbb\tBo\n1\t1\tsrc/a.ts\n-\t-\tlogo.png\n';
  it('parses churn from numstat', () => {
    const { churn, commits } = parseNumstat(log);
    expect(commits).toBe(2);
    expect(churn.get('src/a.ts')).toEqual({ commits: 2, linesChanged: 6, authors: new Set(['Ada', 'Bo']) });
    expect(churn.get('logo.png')!.linesChanged).toBe(0);
  });

  it('groups folders with languages, tests and coverage, and ranks hot spots by churn x size', () => {
    const files = [
      { path: 'src/a.ts', lines: 300, bytes: 9000 },
      { path: 'src/b.ts', lines: 20, bytes: 500 },
      { path: 'test/a.test.ts', lines: 50, bytes: 1000 },
      { path: 'README.md', lines: 10, bytes: 100 },
    ];
    const { churn } = parseNumstat(log);
    const folders = summarizeFolders(files, churn, [{ path: 'src/a.ts', linesFound: 100, linesHit: 80 }], 1);
    expect(folders[0]).toMatchObject({
      folder: 'src',
      files: 2,
      lines: 320,
      sourceFiles: 2,
      testFiles: 0,
      languages: ['TypeScript'],
      commits: 3,
      coverage: { percent: 80 },
    });
    expect(folders.find((f) => f.folder === 'test')).toMatchObject({ testFiles: 1, coverage: null });
    expect(hotSpots(files, churn, 5).map((h) => h.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(folderOf('a/b/c/d.ts', 2)).toBe('a/b');
    expect(folderOf('x.ts', 2)).toBe('(root)');
  });
});
