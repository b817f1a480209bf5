import { describe, expect, it } from 'vitest';
import { dependencyLockfileRule } from '../../../../servers/github-review/rules/dependency-lockfile.js';
import { changedFile, input } from '../support/diffs.js';

const run = (...diffs: string[]) => dependencyLockfileRule.check(input(...diffs), undefined);

const pkgDep = changedFile('package.json', {
  start: 10,
  before: ['  "dependencies": {', '    "express": "5.3.0",'],
  removed: ['    "zod": "4.6.6"'],
  added: ['    "zod": "4.6.7"'],
  after: ['  }'],
});

describe('deps/lockfile-missing', () => {
  it('flags a dependency change without the lockfile', () => {
    const f = run(pkgDep);
    expect(f).toMatchObject([
      { ruleId: 'deps/lockfile-missing', path: 'package.json', line: 12, side: 'RIGHT' },
    ]);
    expect(f[0]!.message).toContain('package-lock.json');
  });

  it('accepts the change when a lockfile changed too (beside it or at the root)', () => {
    const lock = changedFile('package-lock.json', { removed: ['"x": 1'], added: ['"x": 2'] });
    expect(run(pkgDep, lock)).toEqual([]);
    const nested = changedFile('packages/api/package.json', { added: ['    "pino": "^9.0.0",'] });
    expect(run(nested, lock)).toEqual([]);
    expect(run(nested, changedFile('pnpm-lock.yaml', { added: ['x: 1'] }))).toEqual([]);
  });

  it('ignores scripts, version and other non-dependency lines', () => {
    expect(
      run(
        changedFile('package.json', {
          removed: ['    "test": "vitest"'],
          added: ['    "test": "vitest run"'],
        }),
      ),
    ).toEqual([]);
    expect(
      run(
        changedFile('package.json', { removed: ['  "version": "1.0.0",'], added: ['  "version": "1.1.0",'] }),
      ),
    ).toEqual([]);
  });

  it('covers Python, Go, Rust and Ruby manifests', () => {
    expect(run(changedFile('pyproject.toml', { added: ['requests = "^2.32"'] }))).toHaveLength(1);
    expect(run(changedFile('go.mod', { added: ['\tgithub.com/google/uuid v1.6.0'] }))).toHaveLength(1);
    expect(
      run(changedFile('Cargo.toml', { added: ['serde = { version = "1", features = ["derive"] }'] })),
    ).toHaveLength(1);
    expect(run(changedFile('Gemfile', { added: ["gem 'rails', '~> 7.1'"] }))).toHaveLength(1);
    expect(
      run(
        changedFile('go.mod', { added: ['\tgithub.com/google/uuid v1.6.0'] }),
        changedFile('go.sum', { added: ['x'] }),
      ),
    ).toEqual([]);
  });

  it('reports a removed dependency on the LEFT side', () => {
    const f = run(changedFile('package.json', { start: 5, removed: ['    "lodash": "^4.17.21",'] }));
    expect(f).toMatchObject([{ side: 'LEFT', line: 5 }]);
  });
});
