import { describe, expect, it } from 'vitest';
import { testsMissingRule } from '../../../../servers/github-review/rules/tests-missing.js';
import { input, newFile } from '../support/diffs.js';

const code = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`);
const opts = { minSourceLines: 10 };

describe('tests/missing', () => {
  it('flags source changes without any test change', () => {
    const f = testsMissingRule.check(
      input(newFile('src/rent.ts', code(12)), newFile('src/fees.ts', code(3))),
      opts,
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'tests/missing', path: 'src/rent.ts' });
    expect(f[0]!.line).toBeUndefined();
    expect(f[0]!.message).toContain('15 lines of source');
  });

  it('is satisfied by a test file in the change', () => {
    expect(
      testsMissingRule.check(
        input(newFile('src/rent.ts', code(12)), newFile('src/rent.test.ts', code(2))),
        opts,
      ),
    ).toEqual([]);
    expect(
      testsMissingRule.check(
        input(newFile('lib/rent.py', code(12)), newFile('tests/test_rent.py', code(2))),
        opts,
      ),
    ).toEqual([]);
  });

  it('ignores small changes, comments, docs, config and generated files', () => {
    expect(testsMissingRule.check(input(newFile('src/rent.ts', code(9))), opts)).toEqual([]);
    const comments = Array.from({ length: 20 }, (_, i) => `// note ${i}`);
    expect(testsMissingRule.check(input(newFile('src/rent.ts', comments)), opts)).toEqual([]);
    expect(
      testsMissingRule.check(input(newFile('README.md', code(40)), newFile('config.yml', code(40))), opts),
    ).toEqual([]);
    expect(testsMissingRule.check(input(newFile('dist/bundle.js', code(40))), opts)).toEqual([]);
  });

  it('honours the threshold option', () => {
    expect(testsMissingRule.check(input(newFile('src/rent.ts', code(12))), { minSourceLines: 20 })).toEqual(
      [],
    );
  });
});
