import { z } from 'zod';
import { DEFAULT_TOOL_TOKENS, takeWithinBudget } from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { churnSince, localCoverage, localDocs, trackedFiles } from '../codebase/local-repo.js';
import { hotSpots, summarizeFolders } from '../codebase/repo-summary.js';
import { findStaleDocs, type StaleDocMention } from '../codebase/stale-docs.js';
import { isDocPath } from '../diff/file-kinds.js';
import { getFileText, getTree } from '../github/pull-requests.js';
import { openRepository } from '../local/git.js';
import { githubClient, loadLocal, loadPullChanges, local, LOCAL_ONLY, requireLocalCaller } from './common.js';

export const summarizeRepository = defineTool({
  name: 'summarize_repository',
  title: 'Summarise a repository',
  toolset: 'codebase',
  description: `Orients you in an unfamiliar local repository before reviewing or changing it: folders (files, lines, languages, tests, recent commits, coverage when a report exists) and hot spots (large files changed often in the last "days", where bugs concentrate). Stdio only.`,
  input: {
    repoPath: z.string().min(1).describe('Local git repository'),
    depth: z
      .number()
      .int()
      .min(1)
      .max(4)
      .default(2)
      .describe('Folder depth to group by (2: servers/github-review)'),
    days: z.number().int().min(1).max(3650).default(180).describe('Churn window in days'),
    top: z.number().int().min(1).max(50).default(15).describe('Hot spots to list'),
  },
  output: {
    repository: z.string(),
    totals: z.object({
      files: z.number().int(),
      lines: z.number().int(),
      commitsInWindow: z.number().int(),
      truncated: z.boolean(),
    }),
    folders: z.array(
      z.object({
        folder: z.string(),
        files: z.number().int(),
        lines: z.number().int(),
        sourceFiles: z.number().int(),
        testFiles: z.number().int(),
        languages: z.array(z.string()),
        commits: z.number().int().describe('File changes in the window'),
        coverage: z
          .object({ linesFound: z.number().int(), linesHit: z.number().int(), percent: z.number() })
          .nullable(),
      }),
    ),
    omittedFolders: z.number().int(),
    hotSpots: z.array(
      z.object({
        path: z.string(),
        lines: z.number().int(),
        commits: z.number().int(),
        linesChanged: z.number().int(),
        authors: z.number().int(),
        score: z.number(),
      }),
    ),
    coverageFile: z.string().nullable().describe('The coverage report used, if any'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  transports: LOCAL_ONLY,
  async handler(args, ctx) {
    requireLocalCaller(ctx);
    const repo = await local(() => openRepository(args.repoPath));
    await ctx.progress(0, 3, 'listing files');
    const { files, truncated } = await local(() => trackedFiles(repo));
    await ctx.progress(1, 3, 'reading history');
    const { churn, commits } = await local(() => churnSince(repo, args.days));
    await ctx.progress(2, 3, 'reading coverage');
    const coverage = await localCoverage(
      repo,
      files.map((f) => f.path),
    );
    const folders = summarizeFolders(files, churn, coverage.entries, args.depth);
    const spots = hotSpots(files, churn, args.top);
    const renderFolder = (f: (typeof folders)[number]) =>
      `- ${f.folder}: ${f.files} files, ${f.lines} lines${f.languages.length ? ` (${f.languages.join(', ')})` : ''}; ${f.sourceFiles} source / ${f.testFiles} test files; ${f.commits} changes in ${args.days} d${f.coverage ? `; coverage ${f.coverage.percent}%` : ''}`;
    const { taken, omitted } = takeWithinBudget(folders, renderFolder, DEFAULT_TOOL_TOKENS / 2);
    const totalLines = files.reduce((n, f) => n + f.lines, 0);
    const text = [
      `${repo.root}: ${files.length} tracked files${truncated ? ' (first 50,000)' : ''}, ${totalLines} lines; ${commits} commits in the last ${args.days} days.`,
      coverage.file
        ? `Coverage from ${coverage.file} (${coverage.entries.length} files matched).`
        : 'No coverage report found (looked for coverage/lcov.info, coverage-summary.json, Cobertura XML); test presence is shown as source/test file counts.',
      `Folders (by size):`,
      ...taken.map(renderFolder),
      ...(omitted ? [`- … ${omitted} smaller folders`] : []),
      spots.length
        ? `Hot spots (changes in ${args.days} d × log2 size):`
        : `No file changed in the last ${args.days} days.`,
      ...spots.map(
        (s) =>
          `- ${s.path}: ${s.commits} commits, ${s.linesChanged} lines changed by ${s.authors} author(s); ${s.lines} lines (score ${s.score})`,
      ),
    ].join('\n');
    return {
      structured: {
        repository: repo.root,
        totals: { files: files.length, lines: totalLines, commitsInWindow: commits, truncated },
        folders: taken,
        omittedFolders: omitted,
        hotSpots: spots,
        coverageFile: coverage.file,
      },
      text,
    };
  },
});

const MAX_REMOTE_DOCS = 80;

export const findStaleDocsTool = defineTool({
  name: 'find_stale_docs',
  title: 'Find documentation a change makes stale',
  toolset: 'codebase',
  description: `Lists docs (README, docs/, *.md, *.rst, *.adoc) a change probably makes stale: they name code paths it deleted, renamed or modified, or folders it added or removed files in. Give a pull request (owner, repo, number; at most ${MAX_REMOTE_DOCS} docs read) or a local repository (repoPath, mode; stdio only).`,
  input: {
    owner: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/)
      .optional(),
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/)
      .optional(),
    number: z.number().int().positive().optional(),
    repoPath: z.string().min(1).optional(),
    mode: z.enum(['working', 'staged', 'unstaged', 'branch']).default('working'),
    base: z.string().max(200).optional(),
    head: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  },
  output: {
    source: z.string(),
    docsScanned: z.number().int(),
    docsNotRead: z.number().int().describe('Docs skipped (too many or too large)'),
    mentions: z.array(
      z.object({
        doc: z.string(),
        line: z.number().int(),
        mention: z.string(),
        changedPath: z.string(),
        reason: z.enum(['deleted', 'renamed', 'modified', 'folder-changed']),
        advice: z.string(),
        updatedInChange: z.boolean(),
      }),
    ),
    omitted: z.number().int(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx) {
    const remote = args.owner !== undefined || args.repo !== undefined || args.number !== undefined;
    if (remote === (args.repoPath !== undefined)) {
      throw new ToolInputError(
        'Give either owner, repo and number (a GitHub pull request) or repoPath (a local repository), not both and not neither.',
      );
    }
    let mentions: StaleDocMention[];
    let source: string;
    let docsScanned: number;
    let docsNotRead = 0;
    if (remote) {
      if (!args.owner || !args.repo || !args.number)
        throw new ToolInputError('A pull request needs all of owner, repo and number.');
      const client = githubClient(ctx);
      const ref = { owner: args.owner, repo: args.repo, number: args.number };
      const { pull, changes } = await loadPullChanges(client, ref);
      const tree = await getTree(client, ref, pull.headSha);
      const docPaths = tree.files.filter((f) => isDocPath(f.path) && f.size <= 512 * 1024).map((f) => f.path);
      const changed = new Set(changes.files.map((f) => f.path));
      // docs the change touches and top-level docs first, then the rest
      docPaths.sort(
        (a, b) =>
          Number(changed.has(b)) - Number(changed.has(a)) ||
          a.split('/').length - b.split('/').length ||
          a.localeCompare(b),
      );
      const chosen = docPaths.slice(0, MAX_REMOTE_DOCS);
      docsNotRead = docPaths.length - chosen.length + (tree.truncated ? 1 : 0);
      const docs: Array<{ path: string; text: string }> = [];
      for (const path of chosen) {
        const text = await getFileText(client, ref, path, pull.headSha);
        if (text !== undefined) docs.push({ path, text });
      }
      mentions = findStaleDocs({ files: changes.files, docs, allPaths: tree.files.map((f) => f.path) });
      source = changes.source;
      docsScanned = docs.length;
    } else {
      const loaded = await loadLocal(ctx, {
        repoPath: args.repoPath!,
        mode: args.mode,
        base: args.base,
        head: args.head,
      });
      const docs = await local(() => localDocs(loaded.repo));
      const all = (await local(() => loaded.repo.git(['ls-files', '-z']))).split('\0').filter(Boolean);
      mentions = findStaleDocs({ files: loaded.changes.files, docs, allPaths: all });
      source = loaded.changes.source;
      docsScanned = docs.length;
    }
    const shown = mentions.slice(0, args.limit);
    const render = (m: StaleDocMention) =>
      `- ${m.doc}:${m.line} mentions \`${m.mention}\` — ${m.advice}${m.updatedInChange ? ' (the doc is also changed in this change)' : ''}`;
    const { taken, omitted } = takeWithinBudget(shown, render, DEFAULT_TOOL_TOKENS - 500);
    return {
      structured: {
        source,
        docsScanned,
        docsNotRead,
        mentions: taken,
        omitted: mentions.length - taken.length,
      },
      text: [
        `${source}: ${docsScanned} doc(s) scanned${docsNotRead ? ` (${docsNotRead} not read)` : ''}; ${mentions.length} reference(s) to changed code.`,
        ...taken.map(render),
        ...(omitted || mentions.length > shown.length
          ? [`… ${mentions.length - taken.length} more (raise limit)`]
          : []),
      ].join('\n'),
    };
  },
});
