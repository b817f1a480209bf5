import { z } from 'zod';
import {
  decodeCursor,
  DEFAULT_TOOL_TOKENS,
  encodeCursor,
  estimateTokens,
  takeWithinBudgets,
} from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { loadLocal, LOCAL_ONLY, localInput } from './common.js';
import { renderDiffFile } from './pull-requests.js';

export const getLocalChanges = defineTool({
  name: 'get_local_changes',
  title: 'Read local changes',
  toolset: 'pull_requests',
  description: `Reads the changes in a local git repository (uncommitted, staged or unstaged work, or a branch against its base): the changed files, or the diff with new-side line numbers "+  12| code" (paged with cursor). Stdio only. For a review use review_local_changes.`,
  input: {
    ...localInput,
    view: z.enum(['files', 'diff']).default('files'),
    cursor: z.string().optional().describe('nextCursor from the previous answer'),
  },
  output: {
    repository: z.string().describe('Repository root on disk'),
    description: z.string().describe('What was compared'),
    files: z.array(
      z.object({
        path: z.string(),
        oldPath: z.string().optional(),
        status: z.string(),
        additions: z.number().int(),
        deletions: z.number().int(),
        binary: z.boolean(),
      }),
    ),
    diff: z.string().optional(),
    total: z.number().int(),
    omitted: z.number().int(),
    nextCursor: z.string().nullable(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  transports: LOCAL_ONLY,
  async handler(args, ctx) {
    const loaded = await loadLocal(ctx, args);
    const files = loaded.changes.files;
    let offset = 0;
    if (args.cursor) {
      const c = decodeCursor(args.cursor) as { offset?: unknown; view?: unknown };
      if (typeof c.offset !== 'number' || c.view !== args.view || c.offset < 0 || c.offset > files.length) {
        throw new ToolInputError(
          'The cursor belongs to another query; call get_local_changes again without a cursor.',
        );
      }
      offset = c.offset;
    }
    const fileList = (list: typeof files) =>
      list.map((f) => ({
        path: f.path,
        ...(f.oldPath ? { oldPath: f.oldPath } : {}),
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        binary: f.binary,
      }));
    const head = `${loaded.repo.root}: ${loaded.description}; ${files.length} file(s) changed.`;
    const fileLine = (f: (typeof files)[number]) =>
      `- ${f.path}${f.oldPath ? ` (from ${f.oldPath})` : ''} — ${f.status}, +${f.additions} −${f.deletions}${f.binary ? ', binary' : ''}`;
    if (args.view === 'files') {
      // the text lines and the structured entries each stay within the default budget; the rest is paged
      const { taken: page } = takeWithinBudgets(
        files.slice(offset, offset + 300),
        [fileLine, (f) => JSON.stringify(fileList([f]))],
        DEFAULT_TOOL_TOKENS - 300,
      );
      const next = offset + page.length;
      return {
        structured: {
          repository: loaded.repo.root,
          description: loaded.description,
          files: fileList(page),
          total: files.length,
          omitted: files.length - next,
          nextCursor: next < files.length ? encodeCursor({ view: 'files', offset: next }) : null,
        },
        text: [
          head,
          ...page.map(fileLine),
          ...(next < files.length
            ? [`${files.length - next} more file(s): call again with nextCursor.`]
            : []),
        ].join('\n'),
      };
    }
    const budget = DEFAULT_TOOL_TOKENS - 600;
    const parts: string[] = [];
    let used = 0;
    let i = offset;
    for (; i < files.length; i++) {
      const rendered = renderDiffFile(files[i]!);
      const cost = estimateTokens(rendered);
      if (used + cost > budget) {
        if (!parts.length) {
          parts.push(
            `${rendered.slice(0, Math.floor(budget * 3.6))}\n[file truncated: ${files[i]!.additions + files[i]!.deletions} changed lines]`,
          );
          i++;
        }
        break;
      }
      parts.push(rendered);
      used += cost;
    }
    const nextCursor = i < files.length ? encodeCursor({ view: 'diff', offset: i }) : null;
    const diff = parts.join('\n\n');
    return {
      structured: {
        repository: loaded.repo.root,
        description: loaded.description,
        files: fileList(files.slice(offset, i)),
        diff,
        total: files.length,
        omitted: files.length - i,
        nextCursor,
      },
      text: `${head}\nDiff of files ${Math.min(offset + 1, files.length)}-${i} of ${files.length}${nextCursor ? ` (${files.length - i} more: call again with the cursor)` : ''}:\n\n${diff || '(no changes)'}`,
    };
  },
});
