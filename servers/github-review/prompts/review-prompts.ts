import { z } from 'zod';
import { definePrompt } from '../../../shared/runtime/define-prompt.js';

export const reviewPrPrompt = definePrompt({
  name: 'review_pr',
  title: 'Review this pull request',
  description:
    "Reviews a GitHub pull request with Pay Ready's rules and the model, then proposes comments without posting them.",
  args: {
    owner: z.string().describe('Repository owner, e.g. acme'),
    repo: z.string().describe('Repository name, e.g. rentals'),
    number: z.string().describe('Pull request number, e.g. 42'),
  },
  async render(args) {
    return [
      {
        role: 'user',
        text: [
          `Review pull request ${args.owner}/${args.repo}#${args.number}.`,
          `1. Call review_pull_request with owner "${args.owner}", repo "${args.repo}", number ${Number(args.number) || args.number}.`,
          '2. Read the diff of the files with findings (get_pull_request with view "diff") where you need more context, and check find_stale_docs for documentation the change makes stale.',
          '3. Report: a short summary, the blocking problems (security, personal data, Fair Housing / debt-collection wording) first, then other issues and test gaps, each with file and line.',
          '4. Propose the line comments you would post (from suggestedComments plus your own), but do NOT call create_pending_review or submit anything until I say so.',
        ].join('\n'),
      },
    ];
  },
});

export const reviewLocalPrompt = definePrompt({
  name: 'review_my_changes',
  title: 'Review my local changes',
  description:
    'Reviews the uncommitted changes (or the current branch against its base) in a local repository, with no network or token.',
  args: {
    repoPath: z.string().describe('Path of the repository, e.g. .'),
    mode: z.string().optional().describe('working (default), staged, unstaged or branch'),
    base: z.string().optional().describe('For mode branch: the base branch, e.g. main'),
  },
  async render(args) {
    const mode =
      args.mode && ['working', 'staged', 'unstaged', 'branch'].includes(args.mode) ? args.mode : 'working';
    return [
      {
        role: 'user',
        text: [
          `Review my changes in ${args.repoPath} (mode ${mode}${args.base ? `, base ${args.base}` : ''}).`,
          `1. Call review_local_changes with repoPath "${args.repoPath}", mode "${mode}"${args.base && mode === 'branch' ? `, base "${args.base}"` : ''}.`,
          '2. Fix nothing yet. List the problems by severity with file:line, explain each in one or two sentences and suggest the fix.',
          '3. Call find_stale_docs with the same arguments and list documentation I should update.',
          '4. If the change is ready for a pull request, offer a description from draft_pr_description.',
        ].join('\n'),
      },
    ];
  },
});
