import { z } from 'zod';
import { DEFAULT_TOOL_TOKENS, takeWithinBudget } from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { COLLECTIONS, SearchInputError } from '../../../shared/search/collections.js';
import type { SearchHit } from '../../../shared/search/hybrid.js';
import { citation } from '../citations.js';
import { knowledgeBaseFor } from '../knowledge-base.js';

const hitOut = z.object({
  citation: z.string().describe('path:lines (heading) — quote this when you use the passage'),
  collection: z.string(),
  path: z.string(),
  title: z.string().nullable(),
  heading: z.string().nullable(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  text: z.string().describe('The matching excerpt (snippet), or the whole chunk with detail "full"'),
  tags: z.array(z.string()),
  score: z.object({
    fused: z.number().describe('Fused score of the full-text and vector sides (higher is better)'),
    ftsRank: z.number().int().optional().describe('Rank in full-text (BM25) results'),
    ftsScore: z.number().optional(),
    vectorRank: z.number().int().optional().describe('Rank in vector-similarity results'),
    vectorScore: z.number().optional().describe('Cosine similarity'),
  }),
});

export const searchKnowledge = defineTool({
  name: 'search_knowledge',
  title: 'Search the knowledge base',
  toolset: 'knowledge',
  description: `Searches Sophia's knowledge base (guides on the data model and servers, Fair Housing and FDCPA/Regulation F compliance guides, the apartment-industry sales primer, and any configured folders or GitHub docs) and the other search collections, by meaning and by words (hybrid: BM25 full-text + vector similarity, fused).
Every hit cites its document path, line range and heading: quote the citation when you use a passage. Use get_document to read a whole section around a hit.
- query: a question or keywords; "quoted phrases" and OR work as in web search.
- collections: default ["knowledge_base"].
- path: a folder (e.g. "compliance") or an exact document path; tags: any of these tags.
- mode: hybrid (default), fts (words only) or vector (meaning only).
- detail: "snippet" (default, the best-matching lines) or "full" (whole chunks, costs more tokens).`,
  input: {
    query: z.string().trim().min(1, 'the query is empty: say what to look for').max(2000, 'the query is over 2000 characters'),
    collections: z
      .array(z.enum(COLLECTIONS))
      .min(1)
      .optional()
      .describe(`Collections to search (default ["knowledge_base"]): ${COLLECTIONS.join(', ')}`),
    path: z.string().max(500).optional().describe('Restrict to a folder ("compliance") or one document ("compliance/fair-housing.md")'),
    tags: z.array(z.string().max(100)).max(20).optional().describe('Only documents with any of these tags'),
    mode: z.enum(['hybrid', 'fts', 'vector']).default('hybrid'),
    limit: z.number().int().min(1, 'limit must be at least 1').max(20, 'limit can be at most 20').default(5),
    detail: z.enum(['snippet', 'full']).default('snippet'),
  },
  output: {
    hits: z.array(hitOut),
    omitted: z.number().int().describe('Hits left out to stay within the token budget'),
    retrieval: z.object({
      mode: z.string(),
      embedder: z.string(),
      vectorStore: z.string(),
      ftsCandidates: z.number().int(),
      vectorCandidates: z.number().int(),
      ms: z.number(),
    }),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const t = kb.search(ctx.tenant);
    const path = args.path?.trim().replace(/^\/+|\/+$/g, '');
    const isFile = !!path && /\.[a-z0-9]+$/i.test(path);
    let res;
    try {
      res = await t.search.search({
        query: args.query,
        collections: args.collections ?? ['knowledge_base'],
        mode: args.mode,
        limit: args.limit,
        filter: {
          ...(path && isFile ? { paths: [path] } : {}),
          ...(path && !isFile ? { pathPrefix: path } : {}),
          ...(args.tags?.length ? { tags: args.tags } : {}),
        },
        signal: ctx.signal,
      });
    } catch (err) {
      if (err instanceof SearchInputError) throw new ToolInputError(err.message);
      throw err;
    }
    const render = (h: SearchHit) => {
      const text = args.detail === 'full' ? h.content : h.snippet;
      return `[${citation(h.path, args.detail === 'full' ? h.startLine : h.snippetLines.start, args.detail === 'full' ? h.endLine : h.snippetLines.end, h.heading)}]\n${text}`;
    };
    const { taken, omitted } = takeWithinBudget(res.hits, render, DEFAULT_TOOL_TOKENS);
    const info = await t.store.describe();
    const structured = {
      hits: taken.map((h) => {
        const start = args.detail === 'full' ? h.startLine : h.snippetLines.start;
        const end = args.detail === 'full' ? h.endLine : h.snippetLines.end;
        return {
          citation: citation(h.path, start, end, h.heading),
          collection: h.collection,
          path: h.path,
          title: h.title,
          heading: h.heading,
          startLine: start,
          endLine: end,
          text: args.detail === 'full' ? h.content : h.snippet,
          tags: h.tags,
          score: h.score,
        };
      }),
      omitted,
      retrieval: {
        mode: res.mode,
        embedder: t.embedder.id,
        vectorStore: info.note,
        ftsCandidates: res.counts.fts,
        vectorCandidates: res.counts.vector,
        ms: Math.round(res.timings.totalMs),
      },
    };
    const header =
      taken.length === 0
        ? `No passage matches "${args.query}"${path ? ` under ${path}` : ''}. Try other words, mode "vector", or list_documents to see what exists.`
        : `${taken.length} passage(s) for "${args.query}" (${res.mode})${omitted ? `; ${omitted} more left out for length` : ''}. Cite as [path:lines].`;
    return { structured, text: [header, ...taken.map(render)].join('\n\n') };
  },
});
