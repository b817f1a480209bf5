import { sql } from 'kysely';
import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import { checkCollections } from './collections.js';
import type { Embedder } from './embedder/embedder.js';
import { ancestors } from './search-filter.js';
import { invalidateTotals } from './full-text.js';
import type { VectorRecord, VectorStore } from './vector-store/vector-store.js';

/**
 * The write side of search: documents and their chunks go into kb_documents / kb_chunks (full-text) and the
 * chunks' vectors into the vector store, kept in step. A document whose content hash and embedder are
 * unchanged and that was fully indexed is skipped. Vectors are written after the rows commit (no network
 * call inside a transaction); a document is marked indexed only once its vectors are stored, so a failure
 * is retried by the next sync, and full-text search works in the meantime.
 */
export interface ChunkInput {
  headingPath: string | null;
  startLine: number;
  endLine: number;
  content: string;
  /** Contextual-retrieval text written by a model, if any. */
  context?: string | null;
}

export interface DocumentInput {
  collection: string;
  path: string;
  title: string | null;
  sourceUri?: string | null;
  mime?: string | null;
  contentHash: string;
  sizeBytes: number;
  tags?: string[];
  metadata?: Record<string, unknown>;
  chunks: ChunkInput[];
}

export interface IndexResult {
  path: string;
  status: 'indexed' | 'unchanged';
  documentId: string;
  chunks: number;
}

export interface SearchIndexOptions {
  database: SophiaDatabase;
  tenant: string;
  embedder: Embedder;
  store: VectorStore;
  logger?: Logger;
}

const INSERT_BATCH = 200;

/** The text a chunk is embedded as: where it sits (title, headings, context) and what it says. */
export function embeddingText(title: string | null, c: ChunkInput): string {
  return [title, c.headingPath, c.context, c.content].filter((s) => s && s.trim()).join('\n');
}

export function estimateChunkTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class SearchIndex {
  readonly #o: SearchIndexOptions;

  constructor(options: SearchIndexOptions) {
    this.#o = options;
  }

  get embedder(): Embedder {
    return this.#o.embedder;
  }

  get store(): VectorStore {
    return this.#o.store;
  }

  /** Whether a document with this content is already fully indexed with the current embedder. */
  async isCurrent(collection: string, path: string, contentHash: string): Promise<boolean> {
    const row = await this.#o.database.withTenant(
      this.#o.tenant,
      (trx) =>
        trx
          .selectFrom('kb_documents')
          .select(['content_hash', 'indexed_at', sql<string | null>`metadata->>'embedder'`.as('embedder')])
          .where('collection', '=', collection)
          .where('path', '=', path)
          .executeTakeFirst(),
      { readOnly: true },
    );
    return (
      !!row &&
      row.content_hash === contentHash &&
      row.indexed_at !== null &&
      row.embedder === this.#o.embedder.id
    );
  }

  async upsertDocument(doc: DocumentInput, signal?: AbortSignal): Promise<IndexResult> {
    const [r] = await this.upsertDocuments([doc], signal);
    return r!;
  }

  /** Indexes several documents; embedding is batched across them. */
  async upsertDocuments(docs: DocumentInput[], signal?: AbortSignal): Promise<IndexResult[]> {
    checkCollections(docs.map((d) => d.collection));
    const results: IndexResult[] = [];
    const pending: Array<{ doc: DocumentInput; documentId: string; chunkIds: string[]; oldIds: string[] }> =
      [];
    for (const doc of docs) {
      if (await this.isCurrent(doc.collection, doc.path, doc.contentHash)) {
        const id = await this.#documentId(doc.collection, doc.path);
        results.push({
          path: doc.path,
          status: 'unchanged',
          documentId: id ?? '',
          chunks: doc.chunks.length,
        });
        continue;
      }
      const written = await this.#writeRows(doc);
      pending.push({ doc, ...written });
      results.push({
        path: doc.path,
        status: 'indexed',
        documentId: written.documentId,
        chunks: doc.chunks.length,
      });
    }
    if (pending.length === 0) return results;

    const texts: string[] = [];
    const where: Array<{ p: number; c: number }> = [];
    pending.forEach((p, pi) =>
      p.doc.chunks.forEach((c, ci) => {
        texts.push(embeddingText(p.doc.title, c));
        where.push({ p: pi, c: ci });
      }),
    );
    const vectors = await this.#o.embedder.embed(texts, 'document', signal);
    const byCollection = new Map<string, VectorRecord[]>();
    vectors.forEach((vector, i) => {
      const { p, c } = where[i]!;
      const item = pending[p]!;
      const list = byCollection.get(item.doc.collection) ?? [];
      list.push({
        id: item.chunkIds[c]!,
        vector,
        metadata: {
          path: item.doc.path,
          dirs: ancestors(item.doc.path),
          tags: item.doc.tags ?? [],
          document_id: item.documentId,
        },
      });
      byCollection.set(item.doc.collection, list);
    });
    for (const [collection, records] of byCollection) await this.#o.store.upsert(collection, records);
    for (const item of pending) {
      if (item.oldIds.length) await this.#o.store.delete(item.doc.collection, item.oldIds);
    }
    await this.#o.database.withTenant(this.#o.tenant, (trx) =>
      trx
        .updateTable('kb_documents')
        .set({
          indexed_at: new Date(),
          metadata: sql`coalesce(metadata, '{}'::jsonb) || ${JSON.stringify({ embedder: this.#o.embedder.id })}::jsonb`,
        })
        .where(
          'id',
          'in',
          pending.map((p) => p.documentId),
        )
        .execute(),
    );
    return results;
  }

  async #documentId(collection: string, path: string): Promise<string | undefined> {
    const row = await this.#o.database.withTenant(
      this.#o.tenant,
      (trx) =>
        trx
          .selectFrom('kb_documents')
          .select('id')
          .where('collection', '=', collection)
          .where('path', '=', path)
          .executeTakeFirst(),
      { readOnly: true },
    );
    return row?.id;
  }

  async #writeRows(
    doc: DocumentInput,
  ): Promise<{ documentId: string; chunkIds: string[]; oldIds: string[] }> {
    return this.#o.database
      .withTenant(this.#o.tenant, async (trx) => {
        const metadata = JSON.stringify(doc.metadata ?? {});
        const row = await trx
          .insertInto('kb_documents')
          .values({
            tenant_id: this.#o.tenant,
            collection: doc.collection,
            path: doc.path,
            title: doc.title,
            source_uri: doc.sourceUri ?? null,
            mime: doc.mime ?? null,
            content_hash: doc.contentHash,
            size_bytes: doc.sizeBytes,
            tags: doc.tags ?? [],
            metadata,
            indexed_at: null,
          })
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'collection', 'path']).doUpdateSet({
              title: doc.title,
              source_uri: doc.sourceUri ?? null,
              mime: doc.mime ?? null,
              content_hash: doc.contentHash,
              size_bytes: doc.sizeBytes,
              tags: doc.tags ?? [],
              metadata,
              indexed_at: null,
              updated_at: new Date(),
            }),
          )
          .returning('id')
          .executeTakeFirstOrThrow();
        const old = await trx
          .deleteFrom('kb_chunks')
          .where('document_id', '=', row.id)
          .returning('id')
          .execute();
        const chunkIds: string[] = [];
        for (let i = 0; i < doc.chunks.length; i += INSERT_BATCH) {
          const batch = doc.chunks.slice(i, i + INSERT_BATCH);
          const inserted = await trx
            .insertInto('kb_chunks')
            .values(
              batch.map((c, j) => ({
                tenant_id: this.#o.tenant,
                document_id: row.id,
                chunk_index: i + j,
                heading_path: c.headingPath,
                start_line: c.startLine,
                end_line: c.endLine,
                content: c.content,
                context: c.context ?? null,
                token_count: estimateChunkTokens(c.content),
              })),
            )
            .returning(['id', 'chunk_index'])
            .execute();
          inserted.sort((a, b) => a.chunk_index - b.chunk_index).forEach((r) => chunkIds.push(r.id));
        }
        // BM25 postings from the chunks' own tsvectors (same stemming as the full-text column).
        await sql`insert into kb_terms (tenant_id, collection, lexeme, chunk_id, tf, dl)
        select c.tenant_id, ${doc.collection}, u.lexeme, c.id, coalesce(array_length(u.positions, 1), 1),
               greatest(coalesce(c.token_count, 1), 1)
        from kb_chunks c, unnest(c.tsv) u
        where c.document_id = ${row.id}`.execute(trx);
        return { documentId: row.id, chunkIds, oldIds: old.map((o) => o.id) };
      })
      .finally(invalidateTotals);
  }

  /** Removes a document, its chunks and their vectors. Returns whether it existed. */
  async removeDocument(collection: string, path: string): Promise<boolean> {
    checkCollections([collection]);
    const removed = await this.#o.database.withTenant(this.#o.tenant, async (trx) => {
      const doc = await trx
        .selectFrom('kb_documents')
        .select('id')
        .where('collection', '=', collection)
        .where('path', '=', path)
        .executeTakeFirst();
      if (!doc) return undefined;
      const chunks = await trx
        .selectFrom('kb_chunks')
        .select('id')
        .where('document_id', '=', doc.id)
        .execute();
      await trx.deleteFrom('kb_documents').where('id', '=', doc.id).execute();
      return chunks.map((c) => c.id);
    });
    invalidateTotals();
    if (!removed) return false;
    if (removed.length) await this.#o.store.delete(collection, removed);
    return true;
  }

  /** Removes every document of a collection and its vectors (used for scratch evaluation collections). */
  async removeCollection(collection: string): Promise<void> {
    checkCollections([collection]);
    await this.#o.database.withTenant(this.#o.tenant, (trx) =>
      trx.deleteFrom('kb_documents').where('collection', '=', collection).execute(),
    );
    invalidateTotals();
    await this.#o.store.deleteNamespace(collection);
  }

  /** Paths of the documents in a collection whose source URI starts with `sourcePrefix` (for syncs). */
  async paths(collection: string, sourcePrefix?: string): Promise<string[]> {
    const rows = await this.#o.database.withTenant(
      this.#o.tenant,
      (trx) => {
        let q = trx.selectFrom('kb_documents').select('path').where('collection', '=', collection);
        if (sourcePrefix) q = q.where(sql<boolean>`starts_with(coalesce(source_uri, ''), ${sourcePrefix})`);
        return q.execute();
      },
      { readOnly: true },
    );
    return rows.map((r) => r.path);
  }
}
