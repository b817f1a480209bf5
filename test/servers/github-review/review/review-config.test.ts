import { describe, expect, it } from 'vitest';
import {
  parseReviewConfig,
  ReviewConfigError,
} from '../../../../servers/github-review/review/review-config.js';
import { runRules } from '../../../../servers/github-review/review/run-rules.js';
import { changes, newFile } from '../support/diffs.js';

const leaky = newFile('src/auth.ts', [
  "logger.info('login', { email: user.email });",
  'const r = eval(input);',
]);
const vendored = newFile('vendor/lib.js', ['eval(x);']);

describe('.sophia-review.yml', () => {
  it('runs every rule by default', () => {
    const result = runRules(changes(leaky));
    expect(result.configOrigin).toBe('defaults');
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['code/unsafe-exec', 'pii/logged']);
    expect(result.rules.every((r) => r.enabled)).toBe(true);
  });

  it('disables rules, selects areas, changes severity and ignores paths', () => {
    const cfg = parseReviewConfig(
      ['disable: [pii/logged]', 'severity:', '  code/unsafe-exec: info', 'ignore: ["vendor/**"]'].join('\n'),
    );
    const result = runRules(changes(leaky, vendored), cfg);
    expect(result.findings).toMatchObject([
      { ruleId: 'code/unsafe-exec', severity: 'info', path: 'src/auth.ts' },
    ]);
    expect(result.ignoredFiles).toEqual(['vendor/lib.js']);
    expect(result.rules.find((r) => r.id === 'pii/logged')!.enabled).toBe(false);

    const only = runRules(changes(leaky), parseReviewConfig('enable: ["pii/*"]'));
    expect(only.findings.map((f) => f.ruleId)).toEqual(['pii/logged']);
  });

  it('applies per-rule options and ignores', () => {
    const code = Array.from({ length: 12 }, (_, i) => `export const v${i} = ${i};`);
    const set = changes(newFile('src/rent.ts', code), newFile('scripts/seed.ts', ['eval(x);']));
    expect(
      runRules(set)
        .findings.map((f) => f.ruleId)
        .sort(),
    ).toEqual(['code/unsafe-exec', 'tests/missing']);
    const cfg = parseReviewConfig(
      'rules:\n  tests/missing: { minSourceLines: 50 }\n  code/unsafe-exec:\n    ignore: ["scripts/**"]\n',
    );
    expect(runRules(set, cfg).findings).toEqual([]);
  });

  it('adds user-facing paths', () => {
    const copy = newFile('app/views/listing.slim', ['p Perfect for singles and couples only']);
    expect(runRules(changes(copy)).findings).toEqual([]);
    const cfg = parseReviewConfig('userFacing: ["app/views/**"]');
    expect(runRules(changes(copy), cfg).findings.map((f) => f.ruleId)).toEqual([
      'compliance/fair-housing',
      'compliance/fair-housing',
    ]);
  });

  it.each([
    ['disable: [secrets/nope]', /disable: unknown rule 'secrets\/nope'/],
    ['enable: [nothing/*]', /no rule in area/],
    ['severity: { pii/logged: fatal }', /severity.pii\/logged/],
    ['rules: { tests/missing: { minSourceLines: "ten" } }', /rules.tests\/missing.minSourceLines/],
    ['rules: { tests/missing: { maxLines: 3 } }', /unknown option 'maxLines'/],
    ['rules: { pii/logged: { threshold: 3 } }', /no options other than ignore/],
    ['ignore: vendor', /ignore/],
    ['colour: blue', /allowed: enable, disable/],
    ['disable: [a\n  b: c', /not valid YAML/],
  ])('rejects %j with a clear error', (text, message) => {
    expect(() => parseReviewConfig(text)).toThrow(ReviewConfigError);
    expect(() => parseReviewConfig(text)).toThrow(message);
  });
});

describe('inline suppression', () => {
  it('suppresses a finding on the line or the line above, for all or named rules', () => {
    const diff = newFile('src/a.ts', [
      'eval(a); // sophia-review: ignore',
      '// sophia-review: ignore code/unsafe-exec',
      'eval(b);',
      '// sophia-review: ignore pii/logged',
      'eval(c);',
    ]);
    const result = runRules(changes(diff));
    expect(result.findings.map((f) => f.line)).toEqual([5]);
    expect(result.suppressed).toBe(2);
  });
});
