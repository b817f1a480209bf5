import { z } from 'zod';
import { decodeCursor, encodeCursor, truncateText } from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { COLLECTIONS } from '../../../shared/search/collections.js';
import { documentChunks, findDocument, listDocuments } from '../../../shared/search/documents.js';
import { citation, docUri } from '../citations.js';
import { findSections, linesOf, outline, sectionExtent } from '../document-view.js';
import { knowledgeBaseFor } from '../knowledge-base.js';
import { countOf } from '../../../shared/util/plural.js';

const sectionOut = z.object({ heading: z.string().nullable(), startLine: z.number().int(), endLine: z.number().int() });

export const getDocument = defineTool({
  name: 'get_document',
  title: 'Read a knowledge-base document or section',
  toolset: 'knowledge',
  description: `Reads a knowledge-base document: the whole text, one section (by heading), or a line range — for reading around a search_knowledge hit before answering.
- path: the document path from a search hit or list_documents (e.g. "compliance/fair-housing.md").
- section: words of a heading (e.g. "steering"); the section and its subsections are returned.
- startLine/endLine: an explicit range (1-based, inclusive).
Long documents are cut to maxTokens with a notice; the outline (sections with line ranges) is always included so you can ask for the part you need.`,
  input: {
    path: z.string().trim().min(1, 'path is empty: pass a document path such as "compliance/fair-housing.md"').max(500),
    collection: z.enum(COLLECTIONS).default('knowledge_base'),
    section: z.string().trim().min(1).max(200).optional(),
    startLine: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
    maxTokens: z.number().int().min(200).max(12_000).default(4000),
  },
  output: {
    path: z.string(),
    title: z.string().nullable(),
    uri: z.string(),
    citation: z.string(),
    startLine: z.number().int(),
    endLine: z.number().int(),
    text: z.string(),
    truncated: z.boolean(),
    outline: z.array(sectionOut),
    tags: z.array(z.string()),
    source: z.string().nullable(),
    updatedAt: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const db = await ctx.database();
    const found = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const doc = await findDocument(trx, args.collection, args.path);
        return doc ? { doc, chunks: await documentChunks(trx, doc.id) } : undefined;
      },
      { readOnly: true },
    );
    if (!found) {
      throw new ToolInputError(
        `No document '${args.path}' in ${args.collection}. Use list_documents or search_knowledge to find the right path.`,
      );
    }
    const { doc, chunks } = found;
    const sections = outline(chunks);
    const first = chunks[0]?.startLine ?? 1;
    const last = chunks[chunks.length - 1]?.endLine ?? 1;
    let start = first;
    let end = last;
    let heading: string | null = null;
    if (args.section) {
      const match = findSections(sections, args.section)[0];
      if (!match) {
        const headings = sections.map((s) => s.heading).filter(Boolean).slice(0, 30);
        throw new ToolInputError(`No section of ${args.path} matches "${args.section}". Its sections: ${headings.join('; ')}`);
      }
      ({ startLine: start, endLine: end } = sectionExtent(sections, match));
      heading = match.heading;
    }
    if (args.startLine !== undefined || args.endLine !== undefined) {
      start = Math.max(args.startLine ?? start, first);
      end = Math.min(args.endLine ?? end, last);
      if (start > end) throw new ToolInputError(`startLine ${start} is after endLine ${end} (the document has lines ${first}-${last})`);
    }
    const full = linesOf(chunks, start, end);
    const { text, truncated } = truncateText(full, args.maxTokens);
    const shownEnd = truncated ? start + text.split('\n').length - 3 : end;
    const cite = citation(doc.path, start, Math.max(start, Math.min(end, shownEnd)), heading);
    const structured = {
      path: doc.path,
      title: doc.title,
      uri: docUri(doc.path),
      citation: cite,
      startLine: start,
      endLine: end,
      text,
      truncated,
      outline: sections.slice(0, 200),
      tags: doc.tags,
      source: doc.sourceUri,
      updatedAt: doc.updatedAt.toISOString(),
    };
    const outlineText = sections
      .slice(0, 60)
      .map((s) => `- ${s.heading ?? '(untitled)'} [${s.startLine}-${s.endLine}]`)
      .join('\n');
    return {
      structured,
      text: `# ${doc.title ?? doc.path}\nCite as [${cite}]\n\n${text}${truncated ? `\n\nOutline (ask for a section or line range):\n${outlineText}` : ''}`,
    };
  },
});

export const listDocumentsTool = defineTool({
  name: 'list_documents',
  title: 'List knowledge-base documents',
  toolset: 'knowledge',
  description: `Lists the documents in the knowledge base (or another collection) with their titles, tags, sizes and sources, and the index status: where documents come from, the embedder and vector store in use, and files that could not be indexed (with the reason).
Filter by folder (path) or tag; paged with cursor.`,
  input: {
    collection: z.enum(COLLECTIONS).default('knowledge_base'),
    path: z.string().max(500).optional().describe('Folder to list, e.g. "compliance"'),
    tag: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().optional(),
  },
  output: {
    documents: z.array(
      z.object({
        path: z.string(),
        title: z.string().nullable(),
        uri: z.string(),
        tags: z.array(z.string()),
        mime: z.string().nullable(),
        sizeBytes: z.number().int(),
        chunks: z.number().int(),
        source: z.string().nullable(),
        updatedAt: z.string(),
      }),
    ),
    nextCursor: z.string().nullable(),
    index: z.object({
      sources: z.array(z.object({ label: z.string(), kind: z.string(), writable: z.boolean() })),
      embedder: z.string(),
      vectorStore: z.string(),
      contextualRetrieval: z.string(),
      lastSync: z
        .object({ at: z.string(), indexed: z.number().int(), unchanged: z.number().int(), removed: z.number().int(), ms: z.number() })
        .nullable(),
      problems: z.array(z.object({ path: z.string(), source: z.string(), message: z.string() })),
    }),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const after = args.cursor ? (decodeCursor(args.cursor) as { collection: string; path: string }) : undefined;
    if (after && (typeof after.collection !== 'string' || typeof after.path !== 'string'))
      throw new ToolInputError('The cursor is not valid; repeat the request without it.');
    const db = await ctx.database();
    const docs = await db.withTenant(
      ctx.tenant,
      (trx) =>
        listDocuments(trx, {
          collections: [args.collection],
          pathPrefix: args.path,
          tag: args.tag,
          after,
          limit: args.limit + 1,
        }),
      { readOnly: true },
    );
    const page = docs.slice(0, args.limit);
    const lastDoc = page[page.length - 1];
    const nextCursor = docs.length > args.limit && lastDoc ? encodeCursor({ collection: lastDoc.collection, path: lastDoc.path }) : null;
    const state = kb.state(ctx.tenant);
    const t = kb.search(ctx.tenant);
    const info = await t.store.describe();
    const structured = {
      documents: page.map((d) => ({
        path: d.path,
        title: d.title,
        uri: docUri(d.path),
        tags: d.tags,
        mime: d.mime,
        sizeBytes: d.sizeBytes,
        chunks: d.chunks,
        source: d.sourceUri,
        updatedAt: d.updatedAt.toISOString(),
      })),
      nextCursor,
      index: {
        sources: kb.sourcesFor(ctx.tenant).map((s) => ({ label: s.label, kind: s.kind, writable: s.kind === 'folder' && s.writable })),
        embedder: t.embedder.id,
        vectorStore: info.note,
        contextualRetrieval: state.contextual,
        lastSync: state.last
          ? { at: state.last.at.toISOString(), indexed: state.last.indexed, unchanged: state.last.unchanged, removed: state.last.removed, ms: Math.round(state.last.ms) }
          : null,
        problems: [...state.problems.values()].slice(0, 50),
      },
    };
    const lines = page.map((d) => `- ${d.path} — ${d.title ?? '(untitled)'}${d.tags.length ? ` [${d.tags.join(', ')}]` : ''} (${countOf(d.chunks, 'chunk')})`);
    const problems = structured.index.problems.map((p) => `- ${p.path}: ${p.message}`);
    return {
      structured,
      text: [
        `${page.length} document(s) in ${args.collection}${args.path ? ` under ${args.path}` : ''}${nextCursor ? ' (more: pass nextCursor)' : ''}.`,
        ...lines,
        `Index: ${t.embedder.id}; ${info.note}; contextual retrieval ${state.contextual}.`,
        ...(problems.length ? ['Not indexed:', ...problems] : []),
      ].join('\n'),
    };
  },
});
