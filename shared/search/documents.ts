import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { normalizePrefix } from './search-filter.js';

/**
 * Reads of the searchable documents (kb_documents) and their chunks (kb_chunks): the one module that knows
 * those tables' shape. Writes go through SearchIndex, which also keeps the vectors in step.
 */
export interface DocumentSummary {
  id: string;
  collection: string;
  path: string;
  title: string | null;
  tags: string[];
  mime: string | null;
  sizeBytes: number;
  sourceUri: string | null;
  chunks: number;
  updatedAt: Date;
  indexedAt: Date | null;
}

export interface ChunkRow {
  id: string;
  chunkIndex: number;
  headingPath: string | null;
  startLine: number;
  endLine: number;
  content: string;
  context: string | null;
}

export interface ListOptions {
  collections?: string[] | undefined;
  pathPrefix?: string | undefined;
  tag?: string | undefined;
  /** Paths sort after this one (keyset pagination). */
  after?: { collection: string; path: string } | undefined;
  limit: number;
}

export async function listDocuments(trx: Transaction<Database>, o: ListOptions): Promise<DocumentSummary[]> {
  let q = trx
    .selectFrom('kb_documents as d')
    .select((eb) => [
      'd.id',
      'd.collection',
      'd.path',
      'd.title',
      'd.tags',
      'd.mime',
      'd.size_bytes',
      'd.source_uri',
      'd.updated_at',
      'd.indexed_at',
      eb
        .selectFrom('kb_chunks as c')
        .whereRef('c.document_id', '=', 'd.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('chunks'),
    ])
    .orderBy('d.collection')
    .orderBy('d.path')
    .limit(o.limit);
  if (o.collections?.length) q = q.where('d.collection', 'in', o.collections);
  const prefix = normalizePrefix(o.pathPrefix);
  if (prefix) q = q.where(sql<boolean>`starts_with(d.path, ${`${prefix}/`})`);
  if (o.tag) q = q.where(sql<boolean>`${o.tag} = any(d.tags)`);
  if (o.after) q = q.where(sql<boolean>`(d.collection, d.path) > (${o.after.collection}, ${o.after.path})`);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    collection: r.collection,
    path: r.path,
    title: r.title,
    tags: r.tags,
    mime: r.mime,
    sizeBytes: r.size_bytes,
    sourceUri: r.source_uri,
    chunks: Number(r.chunks ?? 0),
    updatedAt: r.updated_at,
    indexedAt: r.indexed_at,
  }));
}

export async function findDocument(
  trx: Transaction<Database>,
  collection: string,
  path: string,
): Promise<(DocumentSummary & { metadata: Record<string, unknown> | null }) | undefined> {
  const rows = await trx
    .selectFrom('kb_documents')
    .selectAll()
    .where('collection', '=', collection)
    .where('path', '=', path)
    .execute();
  const r = rows[0];
  if (!r) return undefined;
  const chunks = await trx
    .selectFrom('kb_chunks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('document_id', '=', r.id)
    .executeTakeFirstOrThrow();
  return {
    id: r.id,
    collection: r.collection,
    path: r.path,
    title: r.title,
    tags: r.tags,
    mime: r.mime,
    sizeBytes: r.size_bytes,
    sourceUri: r.source_uri,
    chunks: Number(chunks.n),
    updatedAt: r.updated_at,
    indexedAt: r.indexed_at,
    metadata: r.metadata as Record<string, unknown> | null,
  };
}

export async function documentChunks(trx: Transaction<Database>, documentId: string): Promise<ChunkRow[]> {
  const rows = await trx
    .selectFrom('kb_chunks')
    .select(['id', 'chunk_index', 'heading_path', 'start_line', 'end_line', 'content', 'context'])
    .where('document_id', '=', documentId)
    .orderBy('chunk_index')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    chunkIndex: r.chunk_index,
    headingPath: r.heading_path,
    startLine: r.start_line,
    endLine: r.end_line,
    content: r.content,
    context: r.context,
  }));
}

/** Paths in the collections starting with `prefix` (for completion), at most `limit`. */
export async function completePaths(
  trx: Transaction<Database>,
  collections: string[],
  prefix: string,
  limit: number,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('kb_documents')
    .select('path')
    .where('collection', 'in', collections)
    .where(sql<boolean>`starts_with(lower(path), ${prefix.toLowerCase()})`)
    .orderBy('path')
    .limit(limit)
    .execute();
  return [...new Set(rows.map((r) => r.path))];
}

export interface HitRow {
  chunkId: string;
  documentId: string;
  collection: string;
  path: string;
  title: string | null;
  tags: string[];
  headingPath: string | null;
  startLine: number;
  endLine: number;
  content: string;
  context: string | null;
}

/** The chunks behind a list of hit ids (ids that no longer exist are absent). */
export async function chunksByIds(trx: Transaction<Database>, ids: string[]): Promise<Map<string, HitRow>> {
  const out = new Map<string, HitRow>();
  const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return out;
  const rows = await trx
    .selectFrom('kb_chunks as c')
    .innerJoin('kb_documents as d', 'd.id', 'c.document_id')
    .select([
      'c.id',
      'c.document_id',
      'd.collection',
      'd.path',
      'd.title',
      'd.tags',
      'c.heading_path',
      'c.start_line',
      'c.end_line',
      'c.content',
      'c.context',
    ])
    .where('c.id', 'in', valid)
    .execute();
  for (const r of rows)
    out.set(r.id, {
      chunkId: r.id,
      documentId: r.document_id,
      collection: r.collection,
      path: r.path,
      title: r.title,
      tags: r.tags,
      headingPath: r.heading_path,
      startLine: r.start_line,
      endLine: r.end_line,
      content: r.content,
      context: r.context,
    });
  return out;
}
