import type { SophiaConfig } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import { type EmbeddingCache, MemoryEmbeddingCache, NoEmbeddingCache } from './cache.js';
import { CachedEmbedder } from './cached-embedder.js';
import type { Embedder } from './embedder.js';
import { OfflineEmbedder } from './offline.js';
import { OpenAiEmbedder } from './openai.js';
import { RedisEmbeddingCache } from './redis-cache.js';
import { TransformersEmbedder } from './transformers.js';
import { VoyageEmbedder } from './voyage.js';

/**
 * The configured embedder (SOPHIA_EMBEDDER: offline by default, transformers, voyage or openai) wrapped in
 * the configured cache (SOPHIA_EMBEDDING_CACHE: auto = Redis when REDIS_URL is set, else in-process).
 */
export function embedderFromConfig(config: SophiaConfig): Embedder {
  const s = config.search;
  const dims = s.embedderDims || undefined;
  switch (s.embedder) {
    case 'offline':
      return new OfflineEmbedder(dims ? { dims } : {});
    case 'transformers':
      if (!s.embedderModel)
        throw new Error(
          'SOPHIA_EMBEDDER=transformers needs SOPHIA_EMBEDDER_MODEL set to a local model folder',
        );
      return new TransformersEmbedder({
        modelDir: s.embedderModel,
        ...(s.pooling ? { pooling: s.pooling } : {}),
        ...(s.queryPrefix !== undefined ? { queryPrefix: s.queryPrefix } : {}),
        ...(s.documentPrefix !== undefined ? { documentPrefix: s.documentPrefix } : {}),
      });
    case 'voyage':
      if (!config.keys.voyage) throw new Error('SOPHIA_EMBEDDER=voyage needs VOYAGE_API_KEY');
      return new VoyageEmbedder({
        apiKey: config.keys.voyage,
        baseUrl: config.keys.voyageBaseUrl,
        ...(s.embedderModel ? { model: s.embedderModel } : {}),
        ...(dims ? { dims } : {}),
      });
    case 'openai':
      return new OpenAiEmbedder({
        apiKey: config.keys.openai,
        baseUrl: config.keys.openaiBaseUrl,
        ...(s.embedderModel ? { model: s.embedderModel } : {}),
        ...(dims ? { dims } : {}),
        ...(s.queryPrefix !== undefined ? { queryPrefix: s.queryPrefix } : {}),
      });
  }
}

export function embeddingCacheFromConfig(config: SophiaConfig, logger: Logger): EmbeddingCache {
  const mode = config.search.cache;
  if (mode === 'none') return new NoEmbeddingCache();
  if (mode === 'redis' || (mode === 'auto' && config.redisUrl)) {
    if (!config.redisUrl) throw new Error('SOPHIA_EMBEDDING_CACHE=redis needs REDIS_URL');
    return new RedisEmbeddingCache({ url: config.redisUrl, logger: logger.child('embedding-cache') });
  }
  return new MemoryEmbeddingCache();
}

export function cachedEmbedderFromConfig(config: SophiaConfig, logger: Logger): CachedEmbedder {
  return new CachedEmbedder(embedderFromConfig(config), embeddingCacheFromConfig(config, logger));
}
