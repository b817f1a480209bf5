import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { llmFor } from '../../../shared/llm/llm.js';
import { documentChunks, findDocument } from '../../../shared/search/documents.js';
import { citation, docUri } from '../citations.js';
import { MAX_DOCUMENT_BYTES } from '../extract.js';
import { knowledgeBaseFor } from '../knowledge-base.js';
import { COLLECTION } from '../sources.js';
import { countOf } from '../../../shared/util/plural.js';

const PATH = /^(?!.*(^|\/)\.)(?!.*\/\/)[A-Za-z0-9][A-Za-z0-9 _.\-/]*\.(md|txt)$/;

export const saveDocument = defineTool({
  name: 'save_document',
  title: 'Add or update a knowledge-base document',
  toolset: 'knowledge-write',
  description: `Adds a document to the knowledge base, or replaces one previously saved with this tool (a write: it changes what your tenant's searches return). The document is stored as a file in your tenant's own knowledge-base folder and indexed at once (chunked by headings, embedded, full-text indexed).
- path: where it lives, e.g. "playbooks/pricing-objections.md" (.md or .txt; letters, digits, - _ . / only).
- content: the full text (markdown for .md), at most 1 MB.
- title, tags: written as front matter for .md documents (tags make search filters possible).
Documents that come from Sophia's shipped guides, configured folders or GitHub cannot be changed here. Not available in read-only mode.`,
  input: {
    path: z.string().trim().max(300).regex(PATH, 'path must be relative, end in .md or .txt, and use letters, digits, spaces, - _ . / (no ".." or hidden files)'),
    content: z.string().min(1, 'content is empty'),
    title: z.string().trim().max(200).optional(),
    tags: z.array(z.string().trim().min(1).max(50).regex(/^[^,[\]\n]+$/, 'a tag cannot contain commas, brackets or newlines')).max(20).optional(),
  },
  output: {
    path: z.string(),
    uri: z.string(),
    created: z.boolean().describe('False when an existing document was replaced'),
    chunks: z.number().int(),
    sizeBytes: z.number().int(),
    outline: z.array(z.object({ heading: z.string().nullable(), citation: z.string() })),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const bytes = Buffer.byteLength(args.content, 'utf8');
    if (bytes > MAX_DOCUMENT_BYTES)
      throw new ToolInputError(
        `The document is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB. Split it into several documents.`,
      );
    if (args.content.includes('\u0000')) throw new ToolInputError('The content contains NUL characters: only text documents can be saved.');
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const db = await ctx.database();
    const existing = await db.withTenant(ctx.tenant, (trx) => findDocument(trx, COLLECTION, args.path), { readOnly: true });
    const target = kb.writableFor(ctx.tenant);
    if (existing && !(existing.sourceUri ?? '').startsWith(target.uriPrefix)) {
      const owner = kb.sourceOf(ctx.tenant, existing.path, existing.sourceUri);
      throw new ToolInputError(
        `'${args.path}' belongs to ${owner?.label ?? 'another source'} and cannot be changed here; save under another path (e.g. "notes/${args.path}").`,
      );
    }
    let text = args.content;
    if (args.path.endsWith('.md') && (args.title || args.tags?.length) && !text.startsWith('---\n')) {
      const front = ['---', ...(args.title ? [`title: ${args.title.replace(/\n/g, ' ')}`] : []), ...(args.tags?.length ? [`tags: [${args.tags.join(', ')}]`] : []), '---', ''];
      text = front.join('\n') + text;
    }
    const file = join(target.root, args.path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { encoding: 'utf8', mode: 0o600 });
    renameSync(tmp, file);
    const r = await kb.indexFile(ctx.tenant, target, args.path, llmFor(ctx));
    if (typeof r === 'object') throw new ToolInputError(`Saved the file but could not index it: ${r.message}`);
    const saved = await db.withTenant(ctx.tenant, async (trx) => {
      const doc = await findDocument(trx, COLLECTION, args.path);
      if (!doc) return undefined;
      return { doc, chunks: await documentChunks(trx, doc.id) };
    });
    if (!saved) throw new Error('the saved document is missing from the index');
    const outline = saved.chunks.map((c) => ({ heading: c.headingPath, citation: citation(args.path, c.startLine, c.endLine, c.headingPath) }));
    return {
      structured: {
        path: args.path,
        uri: docUri(args.path),
        created: !existing,
        chunks: saved.chunks.length,
        sizeBytes: Buffer.byteLength(text, 'utf8'),
        outline,
      },
      text: `${existing ? 'Updated' : 'Added'} ${args.path} (${countOf(saved.chunks.length, 'chunk')}, searchable now).\n${outline.map((o) => `- [${o.citation}]`).join('\n')}`,
    };
  },
});
