import { defineResource } from '../../../shared/runtime/define-resource.js';
import { completePaths, documentChunks, findDocument, listDocuments } from '../../../shared/search/documents.js';
import { docUri } from '../citations.js';
import { linesOf } from '../document-view.js';
import { knowledgeBaseFor } from '../knowledge-base.js';
import { COLLECTION } from '../sources.js';
import { countOf } from '../../../shared/util/plural.js';

/** kb://docs/{+path}: every knowledge-base document as a readable resource, listed and path-completed. */
export const documentResource = defineResource({
  name: 'kb-document',
  template: 'kb://docs/{+path}',
  title: 'Knowledge-base document',
  description:
    'A knowledge-base document as text (markdown for .md; extracted text for PDF). Paths complete as you type; search_knowledge finds passages.',
  mimeType: 'text/markdown',
  async list(ctx) {
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const db = await ctx.database();
    const docs = await db.withTenant(ctx.tenant, (trx) => listDocuments(trx, { collections: [COLLECTION], limit: 500 }), {
      readOnly: true,
    });
    return docs.map((d) => ({
      uri: docUri(d.path),
      name: d.path,
      ...(d.title ? { title: d.title } : {}),
      description: `${countOf(d.chunks, 'chunk')}${d.tags.length ? `; tags: ${d.tags.join(', ')}` : ''}`,
      mimeType: d.mime === 'text/markdown' ? 'text/markdown' : 'text/plain',
    }));
  },
  complete: {
    async path(value, ctx) {
      const kb = await knowledgeBaseFor(ctx);
      await kb.ensureSynced(ctx.tenant);
      const db = await ctx.database();
      return db.withTenant(ctx.tenant, (trx) => completePaths(trx, [COLLECTION], value, 50), { readOnly: true });
    },
  },
  async read(_uri, vars, ctx) {
    const path = decodeURIComponent(vars.path ?? '');
    const kb = await knowledgeBaseFor(ctx);
    await kb.ensureSynced(ctx.tenant);
    const db = await ctx.database();
    const found = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const doc = await findDocument(trx, COLLECTION, path);
        return doc ? { doc, chunks: await documentChunks(trx, doc.id) } : undefined;
      },
      { readOnly: true },
    );
    if (!found) throw new Error(`No knowledge-base document '${path}'. List resources or use list_documents to see the paths.`);
    const { chunks, doc } = found;
    const text = linesOf(chunks, chunks[0]?.startLine ?? 1, chunks[chunks.length - 1]?.endLine ?? 1);
    return { text, mimeType: doc.mime === 'text/markdown' ? 'text/markdown' : 'text/plain' };
  },
});
