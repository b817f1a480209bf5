import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import pgvector from 'pgvector';
import type { Database } from '../../../schema/database.js';
import type { SophiaDatabase } from '../../db/database.js';
import type { Logger } from '../../log/logger.js';
import { matches, parseFilter } from './filter.js';
import { filterToSql } from './pg-filter.js';
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
} from './vector-store.js';

/**
 * The default vector store: the `embeddings` table of Sophia's own database, per tenant (row-level security)
 * and model.
 *  - With the pgvector extension (PGlite always; PostgreSQL when installed): the column is `vector`, and an
 *    HNSW index (cosine) is created per model and dimension as a partial expression index
 *    (`(embedding::vector(D)) where model = ... and dims = D`), so several models can share the table.
 *    Filtered queries use pgvector's iterative index scan. Results are approximate (HNSW).
 *  - Without it (e.g. Debian's PostgreSQL 15): the column is `real[]` and queries are an exact scan in this
 *    process over the namespace's vectors, loaded once and kept in memory (re-read when the namespace
 *    changes). Exact, and slower as the namespace grows (linear in its size); `describe()` says so.
 */
export interface PgVectorOptions {
  database: SophiaDatabase;
  tenant: string;
  /** Embedder id: vectors of other models in the table are ignored. */
  model: string;
  dims: number;
  logger?: Logger;
  /** Memory budget for the exact-scan cache (no pgvector), in megabytes. Default 512. */
  scanCacheMegabytes?: number;
}

interface ScanEntry {
  version: string;
  ids: string[];
  namespaces: string[];
  metadata: Metadata[];
  vectors: Float32Array;
  /** Euclidean norm of each vector (computed once at load). */
  norms: Float32Array;
}

const MAX_BATCH = 500;

export class PgVectorStore implements VectorStore {
  readonly kind = 'pgvector' as const;
  readonly dims: number;
  readonly #db: SophiaDatabase;
  readonly #tenant: string;
  readonly #model: string;
  readonly #logger: Logger | undefined;
  readonly #scanCache: LRUCache<string, ScanEntry>;
  #features: Promise<{ pgvector: boolean; version: string }> | undefined;
  #indexReady: Promise<void> | undefined;
  #warned = false;

  constructor(options: PgVectorOptions) {
    if (!Number.isInteger(options.dims) || options.dims < 1 || options.dims > 16_000)
      throw new Error(`pgvector store: dims must be from 1 to 16000, got ${options.dims}`);
    this.#db = options.database;
    this.#tenant = options.tenant;
    this.#model = options.model;
    this.dims = options.dims;
    this.#logger = options.logger;
    this.#scanCache = new LRUCache<string, ScanEntry>({
      maxSize: (options.scanCacheMegabytes ?? 512) * 1024 * 1024,
      sizeCalculation: (e) => e.vectors.byteLength + e.norms.byteLength + e.ids.length * 200 + 1,
    });
  }

  /** Bumps the namespace's version in the writing transaction (readers compare it to their cached copy). */
  async #bump(trx: Transaction<Database>, namespace: string): Promise<void> {
    await sql`insert into embedding_versions (tenant_id, collection, model) values (${this.#tenant}, ${namespace}, ${this.#model})
      on conflict (tenant_id, collection, model) do update set version = embedding_versions.version + 1, updated_at = now()`.execute(
      trx,
    );
  }

  async describe(): Promise<VectorStoreInfo> {
    const f = await this.#engine();
    if (f.pgvector) {
      const hnsw = this.dims <= 2000;
      return {
        kind: 'pgvector',
        exact: !hnsw,
        note: hnsw
          ? `pgvector ${f.version}: HNSW index (cosine), approximate`
          : `pgvector ${f.version}: ${this.dims} dimensions is over HNSW's 2000 limit, exact scan`,
      };
    }
    return {
      kind: 'pgvector',
      exact: true,
      note: 'pgvector is not installed in this database: vectors are real[] and searched by an exact scan in memory (slower as collections grow)',
    };
  }

  async upsert(namespace: string, records: VectorRecord[]): Promise<void> {
    checkNamespace(namespace);
    checkRecords(records, this.dims);
    if (records.length === 0) return;
    const f = await this.#engine();
    if (f.pgvector) await this.#ensureIndex();
    for (let i = 0; i < records.length; i += MAX_BATCH) {
      const batch = records.slice(i, i + MAX_BATCH);
      await this.#db.withTenant(this.#tenant, async (trx) => {
        const rows = batch.map(
          (r) =>
            sql`(${this.#tenant}, ${namespace}, ${r.id}, ${this.#model}, ${this.dims}, ${
              f.pgvector ? sql`${pgvector.toSql(r.vector)}::vector` : sql`${r.vector}::real[]`
            }, ${JSON.stringify(r.metadata ?? {})}::jsonb, now())`,
        );
        await sql`insert into embeddings (tenant_id, collection, item_id, model, dims, embedding, metadata, updated_at)
          values ${sql.join(rows)}
          on conflict (tenant_id, collection, model, item_id) do update
          set embedding = excluded.embedding, dims = excluded.dims, metadata = excluded.metadata, updated_at = clock_timestamp()`.execute(
          trx,
        );
        await this.#bump(trx, namespace);
      });
    }
  }

  async delete(namespace: string, ids: string[]): Promise<void> {
    checkNamespace(namespace);
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      const batch = ids.slice(i, i + MAX_BATCH);
      await this.#db.withTenant(this.#tenant, async (trx) => {
        await trx
          .deleteFrom('embeddings')
          .where('collection', '=', namespace)
          .where('model', '=', this.#model)
          .where('item_id', 'in', batch)
          .execute();
        await this.#bump(trx, namespace);
      });
    }
  }

  async deleteNamespace(namespace: string): Promise<void> {
    checkNamespace(namespace);
    await this.#db.withTenant(this.#tenant, async (trx) => {
      await trx
        .deleteFrom('embeddings')
        .where('collection', '=', namespace)
        .where('model', '=', this.#model)
        .execute();
      await this.#bump(trx, namespace);
    });
  }

  async count(namespace: string): Promise<number> {
    checkNamespace(namespace);
    const row = await this.#db.withTenant(
      this.#tenant,
      (trx) =>
        trx
          .selectFrom('embeddings')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('collection', '=', namespace)
          .where('model', '=', this.#model)
          .executeTakeFirstOrThrow(),
      { readOnly: true },
    );
    return Number(row.n);
  }

  async query(namespaces: string | string[], q: VectorQuery): Promise<VectorMatch[]> {
    const list = [...new Set(Array.isArray(namespaces) ? namespaces : [namespaces])];
    list.forEach(checkNamespace);
    checkQuery(q, this.dims);
    if (list.length === 0) return [];
    const filter = q.filter ? parseFilter(q.filter) : undefined;
    const f = await this.#engine();
    if (f.pgvector && this.dims <= 2000) return this.#queryIndexed(list, q, filter);
    return this.#queryScan(list, q, filter);
  }

  async close(): Promise<void> {
    this.#scanCache.clear();
  }

  #engine(): Promise<{ pgvector: boolean; version: string }> {
    this.#features ??= (async () => {
      const f = await this.#db.features();
      let version = '';
      if (f.pgvector) {
        const { rows } = await sql<{
          v: string;
        }>`select extversion as v from pg_extension where extname = 'vector'`.execute(this.#db.db);
        version = rows[0]?.v ?? '';
      } else if (!this.#warned) {
        this.#warned = true;
        this.#logger?.warn(
          'pgvector is not installed: vector search is an exact in-memory scan (slower on large collections)',
        );
      }
      // The column type was fixed when the schema was created; trust the table, not only the extension.
      const { rows: col } = await sql<{ t: string }>`
        select format_type(atttypid, atttypmod) as t from pg_attribute
        where attrelid = 'embeddings'::regclass and attname = 'embedding'`.execute(this.#db.db);
      const isVector = (col[0]?.t ?? '').startsWith('vector');
      return { pgvector: f.pgvector && isVector, version };
    })();
    return this.#features;
  }

  #indexName(): string {
    const h = createHash('sha256').update(`${this.#model}|${this.dims}`).digest('hex').slice(0, 16);
    return `embeddings_hnsw_${h}`;
  }

  /** Creates the HNSW index for this model and dimension once (an admin operation; idempotent). */
  #ensureIndex(): Promise<void> {
    if (this.dims > 2000) return Promise.resolve();
    this.#indexReady ??= (async () => {
      const name = this.#indexName();
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_indexes where indexname = ${name}`.execute(this.#db.db);
      if ((rows[0]?.n ?? 0) > 0) return;
      await sql
        .raw(
          `create index if not exists ${name} on embeddings using hnsw ((embedding::vector(${this.dims})) vector_cosine_ops) ` +
            `where model = ${quote(this.#model)} and dims = ${this.dims}`,
        )
        .execute(this.#db.db);
      this.#logger?.info('created HNSW index', { index: name, model: this.#model, dims: this.dims });
    })();
    this.#indexReady.catch(() => (this.#indexReady = undefined));
    return this.#indexReady;
  }

  async #queryIndexed(
    namespaces: string[],
    q: VectorQuery,
    filter: ReturnType<typeof parseFilter> | undefined,
  ): Promise<VectorMatch[]> {
    await this.#ensureIndex();
    const d = sql.raw(String(this.dims));
    const qv = sql`${pgvector.toSql(q.vector)}::vector(${d})`;
    const rows = await this.#db.withTenant(
      this.#tenant,
      async (trx: Transaction<Database>) => {
        await sql`select set_config('hnsw.ef_search', ${String(Math.min(1000, Math.max(40, q.topK * 2)))}, true)`.execute(
          trx,
        );
        if (filter || namespaces.length > 1)
          await sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(trx);
        const { rows } = await sql<{
          item_id: string;
          collection: string;
          metadata: Metadata | null;
          distance: number;
        }>`
          select item_id, collection, metadata, (embedding::vector(${d}) <=> ${qv}) as distance
          from embeddings
          where model = ${sql.lit(this.#model)} and dims = ${d} and collection in (${sql.join(namespaces)})
          ${filter ? sql`and ${filterToSql(filter)}` : sql``}
          order by embedding::vector(${d}) <=> ${qv}
          limit ${q.topK}`.execute(trx);
        return rows;
      },
      { readOnly: true },
    );
    return rows
      .map((r) => ({
        id: r.item_id,
        namespace: r.collection,
        score: 1 - Number(r.distance),
        metadata: r.metadata ?? {},
      }))
      .sort((a, b) => b.score - a.score);
  }

  async #queryScan(
    namespaces: string[],
    q: VectorQuery,
    filter: ReturnType<typeof parseFilter> | undefined,
  ): Promise<VectorMatch[]> {
    const qv = Float32Array.from(q.vector);
    let qn = 0;
    for (const x of qv) qn += x * x;
    qn = Math.sqrt(qn) || 1;
    const best: VectorMatch[] = [];
    for (const ns of namespaces) {
      const entry = await this.#loadScan(ns);
      const n = entry.ids.length;
      const dims = this.dims;
      for (let i = 0; i < n; i++) {
        // Hand the event loop back now and then: the scan is CPU work in this process, and a hybrid search's
        // full-text query (several round trips) runs concurrently and would otherwise wait for all of it.
        if (i > 0 && i % SCAN_SLICE === 0) await yieldToEventLoop();
        const md = entry.metadata[i]!;
        if (filter && !matches(filter, md)) continue;
        let dot = 0;
        const off = i * dims;
        const v = entry.vectors;
        for (let j = 0; j < dims; j++) dot += v[off + j]! * qv[j]!;
        const vn = entry.norms[i]!;
        const score = vn === 0 ? 0 : dot / (vn * qn);
        if (best.length < q.topK || score > best[best.length - 1]!.score) {
          // Insert in order (best stays sorted, at most topK long).
          let at = best.length;
          while (at > 0 && best[at - 1]!.score < score) at--;
          best.splice(at, 0, { id: entry.ids[i]!, namespace: ns, score, metadata: md });
          if (best.length > q.topK) best.pop();
        }
      }
    }
    return best;
  }

  async #loadScan(namespace: string): Promise<ScanEntry> {
    const key = `${this.#tenant}|${namespace}|${this.#model}`;
    return this.#db.withTenant(
      this.#tenant,
      async (trx) => {
        const { rows: v } = await sql<{ version: string }>`
          select version from embedding_versions where collection = ${namespace} and model = ${this.#model}`.execute(
          trx,
        );
        const version = v[0]?.version ?? '0';
        const cached = this.#scanCache.get(key);
        if (cached && cached.version === version) return cached;
        const { rows } = await sql<{ item_id: string; embedding: number[]; metadata: Metadata | null }>`
          select item_id, embedding, metadata from embeddings
          where collection = ${namespace} and model = ${this.#model} and dims = ${this.dims}`.execute(trx);
        const vectors = new Float32Array(rows.length * this.dims);
        const norms = new Float32Array(rows.length);
        rows.forEach((r, i) => {
          vectors.set(r.embedding, i * this.dims);
          let s = 0;
          for (const x of r.embedding) s += x * x;
          norms[i] = Math.sqrt(s);
        });
        const entry: ScanEntry = {
          version,
          ids: rows.map((r) => r.item_id),
          namespaces: rows.map(() => namespace),
          metadata: rows.map((r) => r.metadata ?? {}),
          vectors,
          norms,
        };
        this.#scanCache.set(key, entry);
        return entry;
      },
      { readOnly: true },
    );
  }
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Vectors scanned between two yields to the event loop (about 2 ms of work at 1,024 dimensions). */
const SCAN_SLICE = 2048;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
