import type { SophiaConfig } from '../../config/config.js';
import type { SophiaDatabase } from '../../db/database.js';
import type { Logger } from '../../log/logger.js';
import { PgVectorStore } from './pgvector.js';
import { PineconeVectorStore } from './pinecone.js';
import type { VectorStore } from './vector-store.js';
import { WeaviateVectorStore } from './weaviate.js';

/** The configured vector store (SOPHIA_VECTOR_STORE: pgvector by default, pinecone or weaviate). */
export function vectorStoreFromConfig(
  config: SophiaConfig,
  scope: { database: SophiaDatabase; tenant: string; model: string; dims: number; logger?: Logger },
): VectorStore {
  switch (config.search.vectorStore) {
    case 'pgvector':
      return new PgVectorStore({ ...scope, ...(scope.logger ? { logger: scope.logger } : {}) });
    case 'pinecone':
      if (!config.keys.pinecone) throw new Error('SOPHIA_VECTOR_STORE=pinecone needs PINECONE_API_KEY');
      return new PineconeVectorStore({
        apiKey: config.keys.pinecone,
        index: config.search.pineconeIndex,
        indexHost: config.search.pineconeIndexHost,
        controllerHostUrl: config.keys.pineconeControllerHost,
        tenant: scope.tenant,
        model: scope.model,
        dims: scope.dims,
      });
    case 'weaviate':
      if (!config.keys.weaviateUrl) throw new Error('SOPHIA_VECTOR_STORE=weaviate needs WEAVIATE_URL');
      return new WeaviateVectorStore({
        url: config.keys.weaviateUrl,
        grpc: config.search.weaviateGrpc,
        apiKey: config.keys.weaviate,
        tenant: scope.tenant,
        model: scope.model,
        dims: scope.dims,
      });
  }
}
