import { defineServer } from '../../shared/runtime/server-definition.js';
import { docUri } from './citations.js';
import { knowledgeBaseFor } from './knowledge-base.js';
import { answerWithCitations } from './prompts/answer.js';
import { documentResource } from './resources/documents.js';
import { getDocument, listDocumentsTool } from './tools/documents.js';
import { searchKnowledge } from './tools/search.js';
import { saveDocument } from './tools/write.js';
import { watchFolders } from './watcher.js';

export const definition = defineServer({
  name: 'knowledge-base',
  title: 'Sophia knowledge base',
  version: '0.1.0',
  instructions:
    "Sophia's knowledge base: guides to Sophia's data model and servers, Fair Housing and FDCPA / Regulation F compliance guides (not legal advice), " +
    'an apartment-industry primer for sales, and any configured folders or GitHub docs. Use search_knowledge to find passages (hybrid full-text + vector search), ' +
    'get_document to read around a hit, list_documents to browse; cite passages as [path:lines]. save_document adds or updates a document (a write).',
  tools: [searchKnowledge, getDocument, listDocumentsTool, saveDocument],
  resources: [documentResource],
  prompts: [answerWithCitations],
  async start(ctx) {
    const kb = await knowledgeBaseFor(ctx);
    kb.writableFor(ctx.tenant);
    if (!ctx.config.search.kbWatch) {
      void kb.ensureSynced(ctx.tenant);
      return;
    }
    // Watch first, then sync, so a change made during the initial sync is not missed.
    const watcher = watchFolders(kb, ctx.tenant, ctx.logger.child('kb-watch'), async (path, _kind, tenant) => {
      await ctx.notifyResourceUpdated(docUri(path), tenant);
    });
    void kb.ensureSynced(ctx.tenant);
    return async () => {
      await watcher.close();
      await kb.close();
    };
  },
});
