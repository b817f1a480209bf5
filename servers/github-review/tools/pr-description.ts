import { z } from 'zod';
import { llmFor } from '../../../shared/llm/llm.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { listPullCommits } from '../github/pull-requests.js';
import { draftDescription } from '../review/pr-description.js';
import { runRules } from '../review/run-rules.js';
import { githubClient, loadLocal, loadPullChanges, local } from './common.js';

export const draftPrDescription = defineTool({
  name: 'draft_pr_description',
  title: 'Draft a pull-request description',
  toolset: 'review',
  description: `Drafts a pull-request title and Markdown description (Summary, Changes, Testing, Risks) from a GitHub pull request (owner, repo, number) or local changes (repoPath; mode "branch" for the current branch). Uses a model when available, else assembles it from files, commits and rule findings. Returns text; never edits the pull request.`,
  input: {
    owner: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/)
      .optional()
      .describe('With repo and number: a GitHub pull request'),
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/)
      .optional(),
    number: z.number().int().positive().optional(),
    repoPath: z.string().min(1).optional().describe('A local repository instead (stdio only)'),
    mode: z
      .enum(['working', 'staged', 'unstaged', 'branch'])
      .default('branch')
      .describe('Local: which changes (default branch vs base)'),
    base: z.string().max(200).optional(),
    head: z.string().max(200).optional(),
    useModel: z.enum(['auto', 'never']).default('auto'),
  },
  output: {
    title: z.string(),
    body: z.string(),
    source: z.string(),
    model: z.object({ used: z.boolean(), name: z.string().nullable(), note: z.string() }),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const remote = args.owner !== undefined || args.repo !== undefined || args.number !== undefined;
    if (remote === (args.repoPath !== undefined)) {
      throw new ToolInputError(
        'Give either owner, repo and number (a GitHub pull request) or repoPath (a local repository), not both and not neither.',
      );
    }
    let changes;
    let config;
    let commits: string[];
    if (remote) {
      if (!args.owner || !args.repo || !args.number)
        throw new ToolInputError('A pull request needs all of owner, repo and number.');
      const client = githubClient(ctx);
      const ref = { owner: args.owner, repo: args.repo, number: args.number };
      ({ changes, config } = await loadPullChanges(client, ref));
      commits = (await listPullCommits(client, ref)).map((c) => c.message);
    } else {
      const loaded = await loadLocal(ctx, {
        repoPath: args.repoPath!,
        mode: args.mode,
        base: args.base,
        head: args.head,
      });
      ({ changes, config } = loaded);
      const range = loaded.range;
      commits = range
        ? (
            await local(() =>
              loaded.repo.git([
                'log',
                '--format=%s',
                '--no-merges',
                '-n',
                '50',
                '--end-of-options',
                `${range.from}..${range.to}`,
              ]),
            )
          )
            .split('\n')
            .filter(Boolean)
            .reverse()
        : [];
    }
    if (!changes.files.length)
      throw new ToolInputError(`There are no changes in ${changes.source} to describe.`);
    const findings = runRules(changes, config).findings;
    const draft = await draftDescription({
      changes,
      commits,
      findings,
      llm: llmFor(ctx),
      useModel: args.useModel,
    });
    return {
      structured: { title: draft.title, body: draft.body, source: changes.source, model: draft.model },
      text: `${draft.model.note}\n\nTitle: ${draft.title}\n\n${draft.body}`,
    };
  },
});
