import weaviate, {
  type Collection,
  type FilterValue,
  Filters,
  generateUuid5,
  type WeaviateClient,
} from 'weaviate-client';
import type { Secret } from '../../config/secret.js';
import { type FilterNode, parseFilter, type Scalar } from './filter.js';
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
 * Weaviate (`weaviate-client` 3.x: REST for schema and counts, gRPC for batch writes, deletes and vector
 * queries). Each (tenant, collection, model) is a Weaviate collection `Sophia_<tenant>__<collection>__<hash>`
 * with self-provided vectors (cosine). Object ids are UUIDv5 of Sophia's ids; metadata fields become
 * properties `m_<field>` for filtering, and the whole metadata is kept as JSON in `sophia_meta`.
 */
export interface WeaviateStoreOptions {
  /** REST endpoint, e.g. http://localhost:8080. */
  url: string;
  /** gRPC endpoint host:port (default: the REST host on port 50051). */
  grpc?: string | undefined;
  apiKey?: Secret | undefined;
  tenant: string;
  model: string;
  dims: number;
}

const BATCH = 200;

export class WeaviateVectorStore implements VectorStore {
  readonly kind = 'weaviate' as const;
  readonly dims: number;
  readonly #options: WeaviateStoreOptions;
  #client: Promise<WeaviateClient> | undefined;
  readonly #ready = new Map<string, Promise<void>>();

  constructor(options: WeaviateStoreOptions) {
    this.#options = options;
    this.dims = options.dims;
  }

  #connect(): Promise<WeaviateClient> {
    this.#client ??= (async () => {
      const http = new URL(this.#options.url);
      const grpcText = this.#options.grpc ?? `${http.hostname}:50051`;
      const grpc = /^https?:\/\//.test(grpcText) ? new URL(grpcText) : new URL(`http://${grpcText}`);
      const secure = http.protocol === 'https:';
      const key = this.#options.apiKey?.reveal();
      return weaviate.connectToCustom({
        httpHost: http.hostname,
        httpPort: Number(http.port || (secure ? 443 : 80)),
        httpSecure: secure,
        grpcHost: grpc.hostname,
        grpcPort: Number(grpc.port || 50051),
        grpcSecure: grpc.protocol === 'https:',
        ...(key ? { authCredentials: new weaviate.ApiKey(key) } : {}),
        timeout: { init: 5, query: 30, insert: 60 },
      });
    })();
    this.#client.catch(() => (this.#client = undefined));
    return wrap('connect', () => this.#client!);
  }

  #name(namespace: string): string {
    return `Sophia_${scopedName(this.#options.tenant, namespace, this.#options.model)}`;
  }

  async #collection(namespace: string, create: boolean): Promise<Collection | undefined> {
    const client = await this.#connect();
    const name = this.#name(namespace);
    if (!create) {
      const exists = await wrap('schema lookup', () => client.collections.exists(name));
      return exists ? client.collections.use(name) : undefined;
    }
    let ready = this.#ready.get(name);
    if (!ready) {
      ready = (async () => {
        if (await client.collections.exists(name)) return;
        await client.collections.create({
          name,
          description: `Sophia vectors: tenant ${this.#options.tenant}, collection ${namespace}, model ${this.#options.model}`,
          vectorizers: weaviate.configure.vectors.selfProvided({
            vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ distanceMetric: 'cosine' }),
          }),
          properties: [
            { name: 'sophia_id', dataType: 'text' },
            { name: 'sophia_meta', dataType: 'text' },
          ],
        });
      })();
      ready.catch(() => this.#ready.delete(name));
      this.#ready.set(name, ready);
    }
    await wrap('create collection', () => ready);
    return client.collections.use(name);
  }

  async describe(): Promise<VectorStoreInfo> {
    return { kind: 'weaviate', exact: false, note: `Weaviate at ${this.#options.url} (HNSW, approximate)` };
  }

  async upsert(namespace: string, records: VectorRecord[]): Promise<void> {
    checkNamespace(namespace);
    checkRecords(records, this.dims);
    if (records.length === 0) return;
    const collection = (await this.#collection(namespace, true))!;
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      const result = await wrap('batch insert', () =>
        collection.data.insertMany(
          batch.map((r) => ({
            id: generateUuid5(r.id),
            vectors: r.vector,
            properties: {
              sophia_id: r.id,
              sophia_meta: JSON.stringify(r.metadata ?? {}),
              ...toProperties(r.metadata ?? {}),
            },
          })),
        ),
      );
      if (result.hasErrors) {
        const first = Object.values(result.errors)[0];
        throw new VectorStoreError(`Weaviate batch insert failed: ${first?.message ?? 'unknown error'}`);
      }
    }
  }

  async delete(namespace: string, ids: string[]): Promise<void> {
    checkNamespace(namespace);
    if (ids.length === 0) return;
    const collection = await this.#collection(namespace, false);
    if (!collection) return;
    for (let i = 0; i < ids.length; i += BATCH) {
      const uuids = ids.slice(i, i + BATCH).map((id) => generateUuid5(id));
      await wrap('delete', () => collection.data.deleteMany(collection.filter.byId().containsAny(uuids)));
    }
  }

  async deleteNamespace(namespace: string): Promise<void> {
    checkNamespace(namespace);
    const client = await this.#connect();
    const name = this.#name(namespace);
    this.#ready.delete(name);
    if (await wrap('schema lookup', () => client.collections.exists(name)))
      await wrap('delete collection', () => client.collections.delete(name));
  }

  async count(namespace: string): Promise<number> {
    checkNamespace(namespace);
    const collection = await this.#collection(namespace, false);
    if (!collection) return 0;
    const res = await wrap('aggregate', () => collection.aggregate.overAll());
    return res.totalCount;
  }

  async query(namespaces: string | string[], q: VectorQuery): Promise<VectorMatch[]> {
    const list = [...new Set(Array.isArray(namespaces) ? namespaces : [namespaces])];
    list.forEach(checkNamespace);
    checkQuery(q, this.dims);
    const tree = q.filter ? parseFilter(q.filter) : undefined;
    const results = await Promise.all(
      list.map(async (ns) => {
        const collection = await this.#collection(ns, false);
        if (!collection) return [];
        const res = await wrap('query', () =>
          collection.query.nearVector(q.vector, {
            limit: q.topK,
            returnMetadata: ['distance'],
            returnProperties: ['sophia_id', 'sophia_meta'],
            ...(tree ? { filters: toWeaviateFilter(collection, tree) } : {}),
          }),
        );
        return res.objects.map((o) => ({
          id: String(o.properties.sophia_id),
          namespace: ns,
          score: 1 - (o.metadata?.distance ?? 1),
          metadata: parseMeta(o.properties.sophia_meta),
        }));
      }),
    );
    return results
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, q.topK);
  }

  async close(): Promise<void> {
    const c = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    await c?.close();
  }
}

function toProperties(md: Metadata): Record<string, unknown> {
  return Object.fromEntries(Object.entries(md).map(([k, v]) => [`m_${k.replace(/-/g, '_')}`, v]));
}

function parseMeta(v: unknown): Metadata {
  try {
    return typeof v === 'string' ? (JSON.parse(v) as Metadata) : {};
  } catch {
    return {};
  }
}

/** Sophia's filter tree as Weaviate filters (equality on text uses ContainsAny so list fields match too). */
export function toWeaviateFilter(collection: Collection, node: FilterNode): FilterValue {
  if (node.kind !== 'cmp') {
    const parts = node.children.map((c) => toWeaviateFilter(collection, c));
    return node.kind === 'and' ? Filters.and(...parts) : Filters.or(...parts);
  }
  const prop = collection.filter.byProperty(`m_${node.field.replace(/-/g, '_')}`);
  const eq = (v: Scalar): FilterValue => (typeof v === 'string' ? prop.containsAny([v]) : prop.equal(v));
  switch (node.op) {
    case '$eq':
      return eq(node.value as Scalar);
    case '$ne':
      return Filters.not(eq(node.value as Scalar));
    case '$in':
      return Filters.or(...(node.value as Scalar[]).map(eq));
    case '$nin':
      return Filters.not(Filters.or(...(node.value as Scalar[]).map(eq)));
    case '$gt':
      return prop.greaterThan(node.value as number);
    case '$gte':
      return prop.greaterOrEqual(node.value as number);
    case '$lt':
      return prop.lessThan(node.value as number);
    case '$lte':
      return prop.lessOrEqual(node.value as number);
  }
}

async function wrap<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof VectorStoreError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new VectorStoreError(`Weaviate ${what} failed: ${msg.split('\n')[0]!.slice(0, 300)}`);
  }
}
