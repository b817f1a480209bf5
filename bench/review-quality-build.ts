/**
 * Builds the review-quality fixture set from its sources: test/fixtures/github-review/quality/cases/*.yml
 * describe small changes (files before and after) with the injected defects marked at the end of their line
 * as «rule/id». For every case this script makes a real git repository in a temp folder, commits "before",
 * applies "after", and writes `git diff --cached` to diffs/<case>.diff; the markers (stripped from the code)
 * become expected.json. Run: npx tsx bench/review-quality-build.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

const root = fileURLToPath(new URL('../test/fixtures/github-review/quality/', import.meta.url));

const FileSpec = z.object({
  path: z.string(),
  before: z.string().optional(),
  after: z.string().optional(),
  generate: z.object({ lines: z.number().int(), text: z.string() }).optional(),
});
const CaseSpec = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  kind: z.enum(['defect', 'clean']),
  note: z.string(),
  files: z.array(FileSpec).min(1),
  expect: z.array(z.object({ rule: z.string(), path: z.string() })).default([]),
});

const MARK = /\s*((?:«[a-z]+\/[a-z0-9-]+»)+)\s*$/;

function strip(
  text: string | undefined,
  path: string,
  side: 'LEFT' | 'RIGHT',
  out: Array<{ ruleId: string; path: string; line: number; side: string }>,
): string | undefined {
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .map((line, i) => {
      const m = MARK.exec(line);
      if (!m) return line;
      for (const id of m[1]!.matchAll(/«([^»]+)»/g)) out.push({ ruleId: id[1]!, path, line: i + 1, side });
      return line.slice(0, m.index);
    })
    .join('\n');
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'core.quotepath=off', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: '2026-11-01T10:00:00Z',
      GIT_COMMITTER_DATE: '2026-11-01T10:00:00Z',
    },
  });

const cases = readdirSync(join(root, 'cases'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .flatMap((f) =>
    z
      .array(CaseSpec)
      .parse(parse(readFileSync(join(root, 'cases', f), 'utf8')))
      .map((c) => ({ ...c, source: f })),
  );

const names = new Set<string>();
rmSync(join(root, 'diffs'), { recursive: true, force: true });
mkdirSync(join(root, 'diffs'), { recursive: true });
const expected: Array<{ name: string; kind: string; source: string; note: string; expected: unknown[] }> = [];
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  names.add(c.name);
  const dir = mkdtempSync(join(tmpdir(), 'review-fixture-'));
  try {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.email', 'fixture@example.com');
    git(dir, 'config', 'user.name', 'Fixture');
    const marks: Array<{ ruleId: string; path: string; line: number; side: string }> = [];
    const afters: Array<{ path: string; content: string | undefined }> = [];
    for (const f of c.files) {
      const before = strip(f.before, f.path, 'LEFT', marks);
      let after = strip(f.after, f.path, 'RIGHT', marks);
      if (f.generate)
        after =
          (after ?? '') +
          Array.from({ length: f.generate.lines }, (_, i) =>
            f.generate!.text.replaceAll('{i}', String(i + 1)),
          ).join('\n') +
          '\n';
      if (before !== undefined) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), before);
      }
      afters.push({ path: f.path, content: after });
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'before');
    for (const a of afters) {
      if (a.content === undefined) rmSync(join(dir, a.path), { force: true });
      else {
        mkdirSync(dirname(join(dir, a.path)), { recursive: true });
        writeFileSync(join(dir, a.path), a.content);
      }
    }
    git(dir, 'add', '-A');
    const diff = git(dir, 'diff', '--cached', '-M', '--no-color', '--src-prefix=a/', '--dst-prefix=b/');
    if (!diff.trim()) throw new Error(`case ${c.name} has an empty diff`);
    writeFileSync(join(root, 'diffs', `${c.name}.diff`), diff);
    if (c.kind === 'clean' && (marks.length || c.expect.length))
      throw new Error(`clean case ${c.name} has expected defects`);
    if (c.kind === 'defect' && !marks.length && !c.expect.length)
      throw new Error(`defect case ${c.name} marks no defect`);
    expected.push({
      name: c.name,
      kind: c.kind,
      source: c.source,
      note: c.note,
      expected: [
        ...marks,
        ...c.expect.map((e) => ({ ruleId: e.rule, path: e.path, line: null, side: 'RIGHT' })),
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
writeFileSync(join(root, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
const defects = expected.filter((e) => e.kind === 'defect');
process.stdout.write(
  `built ${expected.length} cases (${defects.length} with ${defects.reduce((n, e) => n + e.expected.length, 0)} injected defects, ${expected.length - defects.length} clean) in ${root}\n`,
);
