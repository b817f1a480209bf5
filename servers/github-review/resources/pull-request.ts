import { estimateTokens, truncateText } from '../../../shared/runtime/budget.js';
import { defineResource, type ResourceContext } from '../../../shared/runtime/define-resource.js';
import { ToolInputError } from '../../../shared/runtime/define-tool.js';
import { isGithubOwner, isGithubRepo } from '../../../shared/util/github-names.js';
import { budgetDiff, describeOmitted } from '../review/diff-budget.js';
import {
  changeSetFromFiles,
  getPull,
  listCheckRuns,
  listPullFiles,
  listPullReviews,
  pullName,
  type PullRef,
} from '../github/pull-requests.js';
import { githubClient } from '../tools/common.js';

/** Resources budgeted well under the hard cap: a host may attach them whole. */
const RESOURCE_TOKENS = 12_000;

function refOf(vars: Record<string, string>): PullRef {
  const owner = vars.owner ?? '';
  const repo = vars.repo ?? '';
  const number = Number(vars.number);
  if (!isGithubOwner(owner) || !isGithubRepo(repo) || !Number.isInteger(number) || number < 1) {
    throw new ToolInputError(
      'Expected github://{owner}/{repo}/pull/{number}, e.g. github://acme/rentals/pull/42',
    );
  }
  return { owner, repo, number };
}

export const pullRequestResource = defineResource({
  name: 'pull_request',
  title: 'Pull request',
  description:
    'A GitHub pull request as Markdown: title, description, branches, size, changed files, check runs and reviews (budgeted).',
  mimeType: 'text/markdown',
  template: 'github://{owner}/{repo}/pull/{number}',
  async read(_uri, vars, ctx: ResourceContext) {
    const client = githubClient(ctx);
    const ref = refOf(vars);
    const pull = await getPull(client, ref);
    const [files, checks, reviews] = await Promise.all([
      listPullFiles(client, ref),
      listCheckRuns(client, ref, pull.headSha),
      listPullReviews(client, ref),
    ]);
    const text = [
      `# ${pullName(ref)}: ${pull.title}`,
      `${pull.state}${pull.draft ? ' (draft)' : ''} · by ${pull.author} · ${pull.headRef} → ${pull.baseRef} · +${pull.additions} −${pull.deletions} in ${pull.changedFiles} files · ${pull.url}`,
      '',
      '## Description',
      pull.body || '_No description._',
      '',
      '## Checks',
      ...(checks.length
        ? checks.map((c) => `- ${c.name}: ${c.status}${c.conclusion ? ` / ${c.conclusion}` : ''}`)
        : ['_None._']),
      '',
      '## Reviews',
      ...(reviews.length
        ? reviews.map((r) => `- ${r.author}: ${r.state}${r.body ? ` — ${r.body.slice(0, 200)}` : ''}`)
        : ['_None yet._']),
      '',
      '## Files',
      ...files.map(
        (f) =>
          `- ${f.path}${f.previousPath ? ` (from ${f.previousPath})` : ''} — ${f.status}, +${f.additions} −${f.deletions}`,
      ),
      '',
      `Source: ${pull.url} (head ${pull.headSha}). The diff: github://${ref.owner}/${ref.repo}/pull/${ref.number}/diff`,
    ].join('\n');
    return { text: truncateText(text, RESOURCE_TOKENS).text };
  },
});

export const pullRequestDiffResource = defineResource({
  name: 'pull_request_diff',
  title: 'Pull request diff',
  description:
    'A pull request diff with new-side line numbers, budgeted: files ordered by relevance and size, deletion-only hunks, lockfiles, generated and binary files left out and listed.',
  mimeType: 'text/markdown',
  template: 'github://{owner}/{repo}/pull/{number}/diff',
  async read(_uri, vars, ctx: ResourceContext) {
    const client = githubClient(ctx);
    const ref = refOf(vars);
    const pull = await getPull(client, ref);
    const changes = changeSetFromFiles(ref, await listPullFiles(client, ref));
    const diff = budgetDiff(changes.files, RESOURCE_TOKENS - 1500);
    const text = [
      `# Diff of ${pullName(ref)} at ${pull.headSha.slice(0, 7)}: ${changes.files.length} files, ${diff.included.length} shown (about ${estimateTokens(diff.text)} tokens)`,
      diff.droppedDeletionHunks
        ? `${diff.droppedDeletionHunks} hunk(s) that only delete lines are left out.`
        : '',
      diff.omitted.length ? `## Not shown\n${describeOmitted(diff.omitted, 60)}` : '',
      diff.text,
    ]
      .filter(Boolean)
      .join('\n\n');
    return { text };
  },
});
