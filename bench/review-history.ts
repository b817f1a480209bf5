/**
 * The rule-based review over real history: every commit of a git repository (first parent, newest first),
 * each diffed against its parent, with the findings it raises. Code written without these rules in mind is a
 * check on false positives that the fixture set (written by the rules' author) cannot give.
 * Run: npx tsx bench/review-history.ts [repoPath=.] [maxCommits=50]
 */
import { loadLocalChanges } from '../servers/github-review/local/local-changes.js';
import { parseReviewConfig } from '../servers/github-review/review/review-config.js';
import { runRules } from '../servers/github-review/review/run-rules.js';
import { openRepository } from '../servers/github-review/local/git.js';

const repoPath = process.argv[2] ?? '.';
const max = Number(process.argv[3] ?? 50);
const repo = await openRepository(repoPath);
const commits = (await repo.git(['log', '--first-parent', '--format=%H %s', '-n', String(max)]))
  .trim()
  .split('\n')
  .filter(Boolean);
const byRule = new Map<string, number>();
let files = 0;
let lines = 0;
const t0 = performance.now();
const out: string[] = [];
for (const entry of commits) {
  const [sha, ...subject] = entry.split(' ');
  const parents = (await repo.git(['rev-list', '--parents', '-n', '1', sha!])).trim().split(' ').slice(1);
  if (!parents.length) continue; // the root commit has no parent to diff against
  const local = await loadLocalChanges(repoPath, { mode: 'branch', base: parents[0]!, head: sha! });
  const result = runRules(local.changes, parseReviewConfig(local.configText));
  files += local.changes.files.length;
  lines += local.changes.files.reduce((n, f) => n + f.additions + f.deletions, 0);
  out.push(
    `${sha!.slice(0, 7)} ${subject.join(' ').slice(0, 70)}: ${local.changes.files.length} files, ${result.findings.length} findings`,
  );
  for (const f of result.findings) {
    byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    out.push(
      `   ${f.severity} [${f.ruleId}] ${f.path}:${f.line ?? '-'} ${f.evidence ?? f.message.slice(0, 100)}`,
    );
  }
}
const ms = performance.now() - t0;
process.stdout.write(
  `${out.join('\n')}\n\n${commits.length} commits, ${files} changed files, ${lines} changed lines reviewed in ${(ms / 1000).toFixed(1)} s\nfindings by rule: ${[...byRule.entries()].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}\n`,
);
