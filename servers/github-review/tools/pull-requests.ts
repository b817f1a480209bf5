import { z } from 'zod';
import {
  decodeCursor,
  DEFAULT_TOOL_TOKENS,
  encodeCursor,
  estimateTokens,
  takeWithinBudget,
} from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import type { DiffFile } from '../diff/diff-types.js';
import {
  changeSetFromFiles,
  listCheckRuns,
  listPullCommits,
  listPullFiles,
  listPullReviews,
  getPull,
  pullName,
  type PullInfo,
} from '../github/pull-requests.js';
import { renderFileHeader, renderHunk } from '../review/diff-budget.js';
import { githubClient, pullInput } from './common.js';

const pullOut = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string(),
  state: z.string(),
  draft: z.boolean(),
  merged: z.boolean(),
  author: z.string(),
  url: z.string(),
  baseRef: z.string(),
  headRef: z.string(),
  headSha: z.string(),
  additions: z.number().int(),
  deletions: z.number().int(),
  changedFiles: z.number().int(),
  commits: z.number().int(),
  labels: z.array(z.string()),
  requestedReviewers: z.array(z.string()),
});

const VIEWS = ['overview', 'files', 'diff', 'commits', 'reviews', 'checks'] as const;
type View = (typeof VIEWS)[number];

function pullSummary(p: PullInfo): z.infer<typeof pullOut> {
  return {
    number: p.number,
    title: p.title,
    body: p.body.length > 4000 ? `${p.body.slice(0, 4000)}… [description truncated]` : p.body,
    state: p.state,
    draft: p.draft,
    merged: p.merged,
    author: p.author,
    url: p.url,
    baseRef: p.baseRef,
    headRef: p.headRef,
    headSha: p.headSha,
    additions: p.additions,
    deletions: p.deletions,
    changedFiles: p.changedFiles,
    commits: p.commits,
    labels: p.labels,
    requestedReviewers: p.requestedReviewers,
  };
}

function pageOf(cursor: string | undefined, view: View): number {
  if (!cursor) return 0;
  const c = decodeCursor(cursor) as { view?: unknown; offset?: unknown };
  if (c.view !== view || typeof c.offset !== 'number' || !Number.isInteger(c.offset) || c.offset < 0) {
    throw new ToolInputError(
      `The cursor belongs to another view or query; call get_pull_request with view "${view}" and no cursor.`,
    );
  }
  return c.offset;
}

export function renderDiffFile(f: DiffFile): string {
  if (f.binary) return `${renderFileHeader(f)}\n(binary file)`;
  if (f.patchUnavailable)
    return `${renderFileHeader(f)}\n(GitHub sent no patch: the file's diff is too large)`;
  if (!f.hunks.length) return `${renderFileHeader(f)}\n(no content change)`;
  return [renderFileHeader(f), ...f.hunks.map(renderHunk)].join('\n');
}

export const getPullRequest = defineTool({
  name: 'get_pull_request',
  title: 'Read a pull request',
  toolset: 'pull_requests',
  description: `Reads a GitHub pull request. view: overview (default: title, description, author, branches, size, labels, checks, review states), files (status, +/- counts), diff (new-side line numbers "+  12| code"), commits, reviews or checks; long answers are paged with cursor. For a review use review_pull_request.`,
  input: {
    ...pullInput,
    view: z.enum(VIEWS).default('overview'),
    limit: z.number().int().min(1).max(300).default(100).describe('Items per page'),
    cursor: z.string().optional().describe('nextCursor from the previous answer'),
  },
  output: {
    pull: pullOut,
    view: z.enum(VIEWS),
    files: z
      .array(
        z.object({
          path: z.string(),
          previousPath: z.string().optional(),
          status: z.string(),
          additions: z.number().int(),
          deletions: z.number().int(),
        }),
      )
      .optional(),
    diff: z.string().optional(),
    commits: z
      .array(
        z.object({ sha: z.string(), message: z.string(), author: z.string(), date: z.string().nullable() }),
      )
      .optional(),
    reviews: z
      .array(
        z.object({
          id: z.number().int(),
          author: z.string(),
          state: z.string(),
          body: z.string(),
          submittedAt: z.string().nullable(),
        }),
      )
      .optional(),
    checks: z
      .array(
        z.object({
          name: z.string(),
          status: z.string(),
          conclusion: z.string().nullable(),
          url: z.string().nullable(),
          summary: z.string().nullable(),
        }),
      )
      .optional(),
    total: z.number().int().describe('Items in this view in all'),
    omitted: z.number().int().describe('Items after this page (page with nextCursor)'),
    nextCursor: z.string().nullable(),
    source: z.string().describe('The pull request on GitHub'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const client = githubClient(ctx);
    const ref = { owner: args.owner, repo: args.repo, number: args.number };
    const offset = pageOf(args.cursor, args.view);
    const pull = await getPull(client, ref);
    const base = { pull: pullSummary(pull), view: args.view, source: pull.url };
    const name = pullName(ref);
    const paged = <T>(items: T[], render: (t: T) => string) => {
      const page = items.slice(offset, offset + args.limit);
      const { taken } = takeWithinBudget(page, render, DEFAULT_TOOL_TOKENS - 800);
      const next = offset + taken.length;
      return {
        taken,
        total: items.length,
        omitted: items.length - next,
        nextCursor: next < items.length ? encodeCursor({ view: args.view, offset: next }) : null,
      };
    };
    const header = `${name}: ${pull.title} (${pull.state}${pull.draft ? ', draft' : ''}${pull.merged ? ', merged' : ''}) by ${pull.author}, ${pull.headRef} → ${pull.baseRef}, +${pull.additions} −${pull.deletions} in ${pull.changedFiles} file(s). ${pull.url}`;

    switch (args.view) {
      case 'overview': {
        const [checks, reviews] = await Promise.all([
          listCheckRuns(client, ref, pull.headSha),
          listPullReviews(client, ref),
        ]);
        const failing = checks.filter(
          (c) => c.conclusion && !['success', 'neutral', 'skipped'].includes(c.conclusion),
        );
        const pending = checks.filter((c) => c.status !== 'completed');
        const reviewStates = reviews.map((r) => `${r.author}: ${r.state}`);
        const text = [
          header,
          pull.body
            ? `Description: ${pull.body.slice(0, 1500)}${pull.body.length > 1500 ? '…' : ''}`
            : 'No description.',
          `Checks: ${checks.length} (${failing.length} failing${failing.length ? `: ${failing.map((c) => c.name).join(', ')}` : ''}; ${pending.length} still running).`,
          `Reviews: ${reviewStates.length ? reviewStates.join('; ') : 'none yet'}.`,
          pull.labels.length ? `Labels: ${pull.labels.join(', ')}.` : '',
        ]
          .filter(Boolean)
          .join('\n');
        return {
          structured: {
            ...base,
            checks: checks.slice(0, 100).map((c) => ({
              name: c.name,
              status: c.status,
              conclusion: c.conclusion,
              url: c.url,
              summary: c.summary,
            })),
            reviews: reviews.slice(0, 50).map((r) => ({
              id: r.id,
              author: r.author,
              state: r.state,
              body: r.body.slice(0, 500),
              submittedAt: r.submittedAt,
            })),
            total: 1,
            omitted: 0,
            nextCursor: null,
          },
          text,
        };
      }
      case 'files': {
        const files = await listPullFiles(client, ref);
        const render = (f: (typeof files)[number]) =>
          `- ${f.path}${f.previousPath ? ` (from ${f.previousPath})` : ''} — ${f.status}, +${f.additions} −${f.deletions}`;
        const p = paged(files, render);
        return {
          structured: {
            ...base,
            files: p.taken.map((f) => ({
              path: f.path,
              ...(f.previousPath ? { previousPath: f.previousPath } : {}),
              status: f.status,
              additions: f.additions,
              deletions: f.deletions,
            })),
            total: p.total,
            omitted: p.omitted,
            nextCursor: p.nextCursor,
          },
          text: [
            header,
            `Files ${offset + 1}-${offset + p.taken.length} of ${p.total}:`,
            ...p.taken.map(render),
            p.nextCursor ? `${p.omitted} more: call again with the cursor.` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        };
      }
      case 'diff': {
        const files = changeSetFromFiles(ref, await listPullFiles(client, ref)).files;
        const budget = DEFAULT_TOOL_TOKENS - 600;
        const page: string[] = [];
        let used = 0;
        let i = offset;
        for (; i < files.length; i++) {
          const rendered = renderDiffFile(files[i]!);
          const cost = estimateTokens(rendered);
          if (used + cost > budget) {
            if (page.length === 0) {
              // one file bigger than a page: show its start, say so
              page.push(
                `${rendered.slice(0, Math.floor(budget * 3.6))}\n[file truncated: ${files[i]!.additions + files[i]!.deletions} changed lines; review_pull_request reviews all of it]`,
              );
              i++;
            }
            break;
          }
          page.push(rendered);
          used += cost;
        }
        const nextCursor = i < files.length ? encodeCursor({ view: 'diff', offset: i }) : null;
        const diff = page.join('\n\n');
        return {
          structured: { ...base, diff, total: files.length, omitted: files.length - i, nextCursor },
          text: `${header}\nDiff of files ${offset + 1}-${i} of ${files.length}${nextCursor ? ` (${files.length - i} more: call again with the cursor)` : ''}:\n\n${diff}`,
        };
      }
      case 'commits': {
        const commits = await listPullCommits(client, ref);
        const render = (c: (typeof commits)[number]) =>
          `- ${c.sha.slice(0, 7)} ${c.message.split('\n')[0]} (${c.author}${c.date ? `, ${c.date.slice(0, 10)}` : ''})`;
        const p = paged(commits, render);
        return {
          structured: {
            ...base,
            commits: p.taken.map((c) => ({ ...c, message: c.message.slice(0, 2000) })),
            total: p.total,
            omitted: p.omitted,
            nextCursor: p.nextCursor,
          },
          text: [
            header,
            `Commits ${offset + 1}-${offset + p.taken.length} of ${p.total}:`,
            ...p.taken.map(render),
          ].join('\n'),
        };
      }
      case 'reviews': {
        const reviews = await listPullReviews(client, ref);
        const render = (r: (typeof reviews)[number]) =>
          `- #${r.id} ${r.author}: ${r.state}${r.submittedAt ? ` (${r.submittedAt.slice(0, 10)})` : ''}${r.body ? ` — ${r.body.slice(0, 300)}` : ''}`;
        const p = paged(reviews, render);
        return {
          structured: {
            ...base,
            reviews: p.taken.map((r) => ({
              id: r.id,
              author: r.author,
              state: r.state,
              body: r.body.slice(0, 2000),
              submittedAt: r.submittedAt,
            })),
            total: p.total,
            omitted: p.omitted,
            nextCursor: p.nextCursor,
          },
          text: [header, p.total ? `Reviews (${p.total}):` : 'No reviews yet.', ...p.taken.map(render)].join(
            '\n',
          ),
        };
      }
      case 'checks': {
        const checks = await listCheckRuns(client, ref, pull.headSha);
        const render = (c: (typeof checks)[number]) =>
          `- ${c.name}: ${c.status}${c.conclusion ? ` / ${c.conclusion}` : ''}${c.summary ? ` — ${c.summary}` : ''}`;
        const p = paged(checks, render);
        return {
          structured: {
            ...base,
            checks: p.taken.map((c) => ({
              name: c.name,
              status: c.status,
              conclusion: c.conclusion,
              url: c.url,
              summary: c.summary,
            })),
            total: p.total,
            omitted: p.omitted,
            nextCursor: p.nextCursor,
          },
          text: [
            header,
            `Check runs on ${pull.headSha.slice(0, 7)} (${p.total}):`,
            ...p.taken.map(render),
          ].join('\n'),
        };
      }
    }
  },
});
