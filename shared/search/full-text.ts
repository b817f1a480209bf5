import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { normalizePrefix, type SearchFilter } from './search-filter.js';

/**
 * PostgreSQL full-text ranking over kb_chunks (the GIN-indexed `tsv`), the same SQL on PGlite and PostgreSQL.
 *
 * A natural-language query matches chunks containing ANY of its stemmed words (an OR query) and is ranked
 * by Okapi BM25 (k1 1.2, b 0.75) computed in SQL: term frequencies come from each matching chunk's tsvector
 * positions (only the query's lexemes are kept: `ts_filter(setweight(tsv, 'A', lexemes), '{a}')`), document
 * frequencies from the matching chunks themselves, N and the average length (token_count) from the
 * searched collections. Queries in web-search syntax (a quoted phrase or OR) run as `websearch_to_tsquery`
 * instead, ranked by `ts_rank_cd`.
 *
 * Under row-level security PostgreSQL will not use the GIN index for `@@` (the operator is not leakproof),
 * so each search reads the tenant's chunks of the searched collections: cost grows linearly with them
 * (measured in bench/search-bench.ts).
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
  const { rows: lex } = await sql<{ l: string[] }>`
    select tsvector_to_array(to_tsvector('english', ${o.query})) as l`.execute(trx);
  const lexemes = (lex[0]?.l ?? []).slice(0, 64);
  if (lexemes.length === 0) return [];
  // The OR query: each lexeme as a quoted tsquery operand (backslashes and quotes escaped).
  const orQuery = lexemes.map((l) => `'${l.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(' | ');
  const len = sql`greatest(coalesce(c.token_count, 1), 1)::float8`;
  const { rows } = await sql<{ id: string; score: number }>`
    with cand as materialized (
      select c.id, ${len} as len, ts_filter(setweight(c.tsv, 'A', ${lexemes}::text[]), '{a}') as qv
      from kb_chunks c join kb_documents d on d.id = c.document_id
      where ${where} and c.tsv @@ ${orQuery}::tsquery
    ),
    tf as materialized (
      select cand.id, cand.len, u.lexeme, coalesce(array_length(u.positions, 1), 1)::float8 as tf
      from cand, unnest(cand.qv) u
    ),
    df as materialized (select lexeme, count(*)::float8 as df from tf group by lexeme),
    totals as materialized (
      select count(*)::float8 as n, coalesce(avg(${len}), 1)::float8 as avglen
      from kb_chunks c join kb_documents d on d.id = c.document_id where ${where}
    )
    select tf.id,
      sum(ln(1 + (t.n - df.df + 0.5) / (df.df + 0.5)) * tf.tf * ${sql.lit(K1 + 1)}::float8
          / (tf.tf + ${sql.lit(K1)}::float8 * (1 - ${sql.lit(B)}::float8 + ${sql.lit(B)}::float8 * tf.len / t.avglen))) as score
    from tf join df on df.lexeme = tf.lexeme cross join totals t
    group by tf.id
    order by score desc, tf.id
    limit ${o.limit}`.execute(trx);
  return rows.map((r) => ({ chunkId: r.id, score: Number(r.score) }));
}
