import { Pinecone, type Index } from '@pinecone-database/pinecone';
import type { Secret } from '../../config/secret.js';
import { parseFilter } from './filter.js';
import { scopedName } from './namespace-name.js';
import {
  checkNamespace,
  checkQuery,
  checkRecords,
  type Metadata,
  type VectorMatch,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
  type VectorStoreInfo,
  VectorStoreError,
} from './vector-store.js';

/**
 * Pinecone (`@pinecone-database/pinecone` 8.x, REST). One existing index (created in the Pinecone console
 * with metric cosine and the embedder's dimension); each (tenant, collection, model) is a Pinecone
 * namespace. Filters are passed through unchanged: Sophia's filter language is Pinecone's.
 */
export interface PineconeStoreOptions {
  apiKey: Secret;
  /** Index name (the host is then looked up through the control plane) ... */
  index?: string | undefined;
  /** ... or the index host directly (https://NAME-PROJECT.svc.REGION.pinecone.io). */
  indexHost?: string | undefined;
  /** Control-plane URL override (PINECONE_CONTROLLER_HOST), e.g. a local test server. */
  controllerHostUrl?: string | undefined;
  tenant: string;
  model: string;
  dims: number;
}

const UPSERT_BATCH = 100;
const DELETE_BATCH = 1000;

export class PineconeVectorStore implements VectorStore {
  readonly kind = 'pinecone' as const;
  readonly dims: number;
  readonly #index: Index;
  readonly #options: PineconeStoreOptions;

  constructor(options: PineconeStoreOptions) {
    if (!options.index && !options.indexHost)
      throw new Error('Pinecone needs PINECONE_INDEX (index name) or PINECONE_INDEX_HOST');
    this.#options = options;
    this.dims = options.dims;
    const pc = new Pinecone({
      apiKey: options.apiKey.reveal(),
      ...(options.controllerHostUrl ? { controllerHostUrl: options.controllerHostUrl } : {}),
    });
    this.#index = pc.index({
      ...(options.index ? { name: options.index } : {}),
      ...(options.indexHost ? { host: options.indexHost } : {}),
    });
  }

  #ns(collection: string): Index {
    return this.#index.namespace(scopedName(this.#options.tenant, collection, this.#options.model));
  }

  async describe(): Promise<VectorStoreInfo> {
    return {
      kind: 'pinecone',
      exact: false,
      note: `Pinecone index ${this.#options.index ?? this.#options.indexHost} (approximate nearest neighbours)`,
    };
  }

  async upsert(namespace: string, records: VectorRecord[]): Promise<void> {
    checkNamespace(namespace);
    checkRecords(records, this.dims);
    const ns = this.#ns(namespace);
    for (let i = 0; i < records.length; i += UPSERT_BATCH) {
      const batch = records.slice(i, i + UPSERT_BATCH);
      await wrap('upsert', () =>
        ns.upsert({
          records: batch.map((r) => ({ id: r.id, values: r.vector, metadata: r.metadata ?? {} })),
        }),
      );
    }
  }

  async delete(namespace: string, ids: string[]): Promise<void> {
    checkNamespace(namespace);
    const ns = this.#ns(namespace);
    for (let i = 0; i < ids.length; i += DELETE_BATCH) {
      const batch = ids.slice(i, i + DELETE_BATCH);
      await wrap('delete', () => ns.deleteMany({ ids: batch }));
    }
  }

  async deleteNamespace(namespace: string): Promise<void> {
    checkNamespace(namespace);
    if ((await this.count(namespace)) === 0) return;
    await wrap('delete namespace', () => this.#ns(namespace).deleteAll());
  }

  async count(namespace: string): Promise<number> {
    checkNamespace(namespace);
    const stats = await wrap('describe index stats', () => this.#index.describeIndexStats());
    const name = scopedName(this.#options.tenant, namespace, this.#options.model);
    return stats.namespaces?.[name]?.recordCount ?? 0;
  }

  async query(namespaces: string | string[], q: VectorQuery): Promise<VectorMatch[]> {
    const list = [...new Set(Array.isArray(namespaces) ? namespaces : [namespaces])];
    list.forEach(checkNamespace);
    checkQuery(q, this.dims);
    if (q.filter) parseFilter(q.filter);
    const results = await Promise.all(
      list.map(async (ns) => {
        const res = await wrap('query', () =>
          this.#ns(ns).query({
            vector: q.vector,
            topK: q.topK,
            includeMetadata: true,
            ...(q.filter ? { filter: q.filter as object } : {}),
          }),
        );
        return (res.matches ?? []).map((m) => ({
          id: m.id,
          namespace: ns,
          score: m.score ?? 0,
          metadata: (m.metadata ?? {}) as Metadata,
        }));
      }),
    );
    return results
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, q.topK);
  }

  async close(): Promise<void> {}
}

async function wrap<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new VectorStoreError(`Pinecone ${what} failed: ${msg.split('\n')[0]}`);
  }
}
