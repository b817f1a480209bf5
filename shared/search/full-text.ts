import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { normalizePrefix, type SearchFilter } from './search-filter.js';

/**
 * PostgreSQL full-text ranking over kb_chunks (the GIN-indexed `tsv`), the same SQL on PGlite and PostgreSQL.
 *
 * A natural-language query matches chunks containing ANY of its stemmed words (an OR query) and is ranked
 * by Okapi BM25 (k1 1.2, b 0.75) computed in SQL from the postings table kb_terms (term frequency and chunk
 * length per chunk and stemmed word, written from the chunk's tsvector at indexing): document frequencies
 * are counted from the postings of the query's words, N and the average length from the searched chunks.
 * Queries in web-search syntax (a quoted phrase or OR) run against the tsvector with `websearch_to_tsquery`
 * instead, ranked by `ts_rank_cd`.
 *
 * Why a postings table: under row-level security PostgreSQL will not use the GIN index for `@@` (the
 * operator is not leakproof), so a tsvector search reads every chunk of the tenant. Text equality is
 * leakproof, so the btree on kb_terms (tenant, collection, lexeme) is used and a search reads only the
 * postings of its words (measured in bench/search-bench.ts).
 */
export interface FullTextHit {
  chunkId: string;
  score: number;
}

export interface FullTextOptions {
  query: string;
  collections: string[];
  filter?: SearchFilter | undefined;
  limit: number;
  /** The tenant the transaction is scoped to (keys the BM25 totals cache). */
  tenant?: string;
}

const K1 = 1.2;
const B = 0.75;

export function isWebSearchSyntax(query: string): boolean {
  return /"|\sOR\s/.test(query);
}

function filterSql(filter: SearchFilter | undefined) {
  const parts = [];
  if (filter?.paths?.length) parts.push(sql`d.path in (${sql.join(filter.paths)})`);
  const prefix = normalizePrefix(filter?.pathPrefix);
  if (prefix) parts.push(sql`starts_with(d.path, ${`${prefix}/`})`);
  if (filter?.tags?.length) parts.push(sql`d.tags && ${filter.tags}::text[]`);
  return parts.length ? sql`and ${sql.join(parts, sql` and `)}` : sql``;
}

export async function fullTextSearch(trx: Transaction<Database>, o: FullTextOptions): Promise<FullTextHit[]> {
  if (o.collections.length === 0) return [];
  const where = sql`d.collection in (${sql.join(o.collections)}) ${filterSql(o.filter)}`;
  if (isWebSearchSyntax(o.query)) {
    const { rows } = await sql<{ id: string; score: number }>`
      select c.id, ts_rank_cd(c.tsv, q) as score
      from kb_chunks c join kb_documents d on d.id = c.document_id,
           websearch_to_tsquery('english', ${o.query}) q
      where ${where} and c.tsv @@ q
      order by score desc, c.id limit ${o.limit}`.execute(trx);
    return rows.map((r) => ({ chunkId: r.id, score: Number(r.score) }));
  }
  // The query's stemmed words first (one round trip): passed as a parameter, the planner uses the btree.
  const { rows: lex } = await sql<{ l: string[] }>`
    select tsvector_to_array(to_tsvector('english', ${o.query})) as l`.execute(trx);
  const lexemes = (lex[0]?.l ?? []).slice(0, 64);
  if (lexemes.length === 0) return [];
  const hasFilter = !!(
    o.filter?.paths?.length ||
    normalizePrefix(o.filter?.pathPrefix) ||
    o.filter?.tags?.length
  );
  const inFilter = hasFilter
    ? sql`and t.chunk_id in (select c.id from kb_chunks c join kb_documents d on d.id = c.document_id where ${where})`
    : sql``;
  const totals = await collectionTotals(
    trx,
    where,
    `${o.tenant ?? ''}|${hasFilter ? JSON.stringify([o.collections, o.filter]) : JSON.stringify(o.collections)}`,
  );
  if (totals.n === 0) return [];
  const { rows } = await sql<{ id: string; score: number }>`
    with post as materialized (
      select t.lexeme, t.chunk_id, t.tf::float8 as tf, t.dl::float8 as dl
      from kb_terms t
      where t.collection in (${sql.join(o.collections)}) and t.lexeme = any(${lexemes}::text[]) ${inFilter}
    ),
    df as (select lexeme, count(*)::float8 as df from post group by lexeme)
    select post.chunk_id as id,
      sum(ln(1 + (${totals.n}::float8 - df.df + 0.5) / (df.df + 0.5)) * post.tf * ${sql.lit(K1 + 1)}::float8
          / (post.tf + ${sql.lit(K1)}::float8 * (1 - ${sql.lit(B)}::float8 + ${sql.lit(B)}::float8 * post.dl / ${totals.avgdl}::float8))) as score
    from post join df on df.lexeme = post.lexeme
    group by post.chunk_id
    order by score desc, post.chunk_id
    limit ${o.limit}`.execute(trx);
  return rows.map((r) => ({ chunkId: r.id, score: Number(r.score) }));
}

/**
 * N and the average chunk length of the searched chunks, for BM25. Cached for a few seconds per tenant
 * and scope (a count over every chunk would otherwise cost as much as the search); writes made through
 * this process clear the cache at once (`invalidateTotals`), other processes' writes within TOTALS_TTL_MS.
 */
const TOTALS_TTL_MS = 5000;
const totalsCache = new Map<string, { at: number; n: number; avgdl: number }>();

export function invalidateTotals(): void {
  totalsCache.clear();
}

async function collectionTotals(trx: Transaction<Database>, where: ReturnType<typeof sql>, key: string) {
  const hit = totalsCache.get(key);
  if (hit && Date.now() - hit.at < TOTALS_TTL_MS) return hit;
  const { rows } = await sql<{ n: string; avgdl: number | null }>`
    select count(*) as n, avg(greatest(coalesce(c.token_count, 1), 1))::float8 as avgdl
    from kb_chunks c join kb_documents d on d.id = c.document_id where ${where}`.execute(trx);
  const v = { at: Date.now(), n: Number(rows[0]?.n ?? 0), avgdl: Number(rows[0]?.avgdl ?? 1) || 1 };
  if (totalsCache.size > 1000) totalsCache.clear();
  totalsCache.set(key, v);
  return v;
}
