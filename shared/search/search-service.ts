import type { SophiaConfig } from '../config/config.js';
import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import type { Embedder } from './embedder/embedder.js';
import { cachedEmbedderFromConfig } from './embedder/from-config.js';
import { HybridSearch } from './hybrid.js';
import { SearchIndex } from './search-index.js';
import { vectorStoreFromConfig } from './vector-store/from-config.js';
import type { VectorStore } from './vector-store/vector-store.js';

/**
 * Everything search needs for one tenant, built from the configuration: the (cached) embedder, the vector
 * store, the index (write side) and hybrid search (read side). One embedder serves every tenant of a
 * process; stores are per tenant.
 */
export interface TenantSearch {
  tenant: string;
  embedder: Embedder;
  store: VectorStore;
  index: SearchIndex;
  search: HybridSearch;
}

export class SearchService {
  readonly embedder: Embedder;
  readonly #tenants = new Map<string, TenantSearch>();

  constructor(
    private readonly o: {
      config: SophiaConfig;
      database: SophiaDatabase;
      logger: Logger;
      embedder?: Embedder;
      /** Overrides the configured store (tests, benchmarks). */
      storeFor?: (tenant: string, model: string, dims: number) => VectorStore;
    },
  ) {
    this.embedder = o.embedder ?? cachedEmbedderFromConfig(o.config, o.logger);
  }

  forTenant(tenant: string): TenantSearch {
    let t = this.#tenants.get(tenant);
    if (!t) {
      const store =
        this.o.storeFor?.(tenant, this.embedder.id, this.embedder.dims) ??
        vectorStoreFromConfig(this.o.config, {
          database: this.o.database,
          tenant,
          model: this.embedder.id,
          dims: this.embedder.dims,
          logger: this.o.logger.child('vectors'),
        });
      const scope = { database: this.o.database, tenant, embedder: this.embedder, store };
      t = {
        tenant,
        embedder: this.embedder,
        store,
        index: new SearchIndex({ ...scope, logger: this.o.logger }),
        search: new HybridSearch(scope),
      };
      this.#tenants.set(tenant, t);
    }
    return t;
  }

  async close(): Promise<void> {
    for (const t of this.#tenants.values()) await t.store.close();
    this.#tenants.clear();
    await this.embedder.close?.();
  }
}
