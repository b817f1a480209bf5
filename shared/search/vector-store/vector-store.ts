import { VectorStoreError } from './errors.js';
import type { Filter } from './filter.js';
import type { Metadata } from './metadata.js';

export { VectorStoreError } from './errors.js';
export type { Metadata, MetadataValue } from './metadata.js';

/**
 * Where vectors live. One contract, three backends (pgvector on the `embeddings` table — the default —,
 * Pinecone, Weaviate), all tested by the same contract suite. A store instance is bound to one tenant and
 * one embedding model; `namespace` is the collection (call_content, knowledge_base, ...).
 */
export interface VectorRecord {
  id: string;
  vector: number[];
  metadata?: Metadata;
}

export interface VectorMatch {
  id: string;
  namespace: string;
  /** Cosine similarity, higher is closer (1 = same direction). */
  score: number;
  metadata: Metadata;
}

export interface VectorQuery {
  vector: number[];
  topK: number;
  filter?: Filter | undefined;
}

export interface VectorStoreInfo {
  kind: 'pgvector' | 'pinecone' | 'weaviate';
  /** Whether results are exact nearest neighbours (a scan) or approximate (an ANN index). */
  exact: boolean;
  /** One line for people, e.g. "HNSW index (pgvector 0.8.0)" or why it is scanning. */
  note: string;
}

export interface VectorStore {
  readonly kind: VectorStoreInfo['kind'];
  readonly dims: number;
  describe(): Promise<VectorStoreInfo>;
  /** Inserts or replaces records (same id = replace). */
  upsert(namespace: string, records: VectorRecord[]): Promise<void>;
  /** Deletes records by id; unknown ids are ignored. */
  delete(namespace: string, ids: string[]): Promise<void>;
  /** Deletes every record of the namespace. */
  deleteNamespace(namespace: string): Promise<void>;
  /** The `topK` nearest records (cosine), best first, across one or more namespaces. */
  query(namespaces: string | string[], query: VectorQuery): Promise<VectorMatch[]>;
  /** Number of records in the namespace. */
  count(namespace: string): Promise<number>;
  close(): Promise<void>;
}

const NAMESPACE = /^[a-z][a-z0-9_]{0,62}$/;

export function checkNamespace(namespace: string): void {
  if (!NAMESPACE.test(namespace))
    throw new VectorStoreError(
      `invalid namespace '${namespace}': use lowercase letters, digits and _ (start with a letter, at most 63)`,
    );
}

/** Validates records before they reach a backend. */
export function checkRecords(records: VectorRecord[], dims: number): void {
  const seen = new Set<string>();
  for (const r of records) {
    if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > 512)
      throw new VectorStoreError('every record needs an id of 1 to 512 characters');
    if (seen.has(r.id)) throw new VectorStoreError(`record id '${r.id}' appears twice in one upsert`);
    seen.add(r.id);
    if (!Array.isArray(r.vector) || r.vector.length !== dims)
      throw new VectorStoreError(
        `record '${r.id}' has ${Array.isArray(r.vector) ? r.vector.length : 'no'} dimensions, the store expects ${dims}`,
      );
    if (!r.vector.every((x) => Number.isFinite(x)))
      throw new VectorStoreError(`record '${r.id}' has a value that is not a finite number`);
    for (const [k, v] of Object.entries(r.metadata ?? {})) {
      const ok =
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isFinite(v)) ||
        (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok)
        throw new VectorStoreError(
          `record '${r.id}': metadata '${k}' must be a string, number, boolean or list of strings`,
        );
    }
  }
}

export function checkQuery(q: VectorQuery, dims: number): void {
  if (!Array.isArray(q.vector) || q.vector.length !== dims)
    throw new VectorStoreError(
      `query vector has ${q.vector?.length ?? 0} dimensions, the store expects ${dims}`,
    );
  if (!Number.isInteger(q.topK) || q.topK < 1 || q.topK > 1000)
    throw new VectorStoreError(`topK must be a whole number from 1 to 1000, got ${q.topK}`);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
