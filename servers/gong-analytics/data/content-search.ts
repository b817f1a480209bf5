import { sql } from 'kysely';
import { dealJoin, filterSql, type ResolvedFilter } from './call-filter.js';
import type { SegmentMatch } from './calls.js';
import type { Trx } from './resolve.js';

/**
 * Text search over calls through the `call_content` search collection that the analysis stage writes
 * (transcript chunks in kb_chunks, their BM25 postings in kb_terms, their place in the call in
 * call_content_chunks). Under row-level security PostgreSQL will not use a GIN index for `@@`, so ranking
 * reads only the postings of the query's words through kb_terms' tenant-first primary key
 * (tenant_id, collection, lexeme, chunk_id); the call filters are applied to the scored chunks; the best
 * sentence of each call's best chunk is then found among that chunk's few sentences, for the citation.
 * Okapi BM25 (k1 1.2, b 0.75), the same formula as shared/search/full-text.ts.
 */
const K1 = 1.2;
const B = 0.75;
const COLLECTION = 'call_content';
const TOTALS_TTL_MS = 60_000;
const totals = new Map<string, { at: number; n: number; avgdl: number }>();

async function collectionTotals(trx: Trx, tenant: string): Promise<{ n: number; avgdl: number }> {
  const hit = totals.get(tenant);
  if (hit && Date.now() - hit.at < TOTALS_TTL_MS) return hit;
  const { rows } = await sql<{ n: number; avgdl: number | null }>`
    select count(*)::int as n, avg(greatest(coalesce(c.token_count, 1), 1))::float8 as avgdl
    from kb_chunks c join kb_documents d on d.id = c.document_id
    where d.collection = ${COLLECTION}`.execute(trx);
  const value = { at: Date.now(), n: rows[0]?.n ?? 0, avgdl: rows[0]?.avgdl ?? 1 };
  totals.set(tenant, value);
  return value;
}

/** Whether the analysis stage has indexed any call content for this tenant. */
export async function callContentIndexed(trx: Trx): Promise<boolean> {
  const { rows } = await sql`select 1 from call_content_chunks limit 1`.execute(trx);
  return rows.length > 0;
}

export function isWebSearchSyntax(query: string): boolean {
  return /"|\sOR\s|(^|\s)-\w/.test(query);
}

export async function searchCallContent(
  trx: Trx,
  tenant: string,
  f: ResolvedFilter,
  query: string,
  limit: number,
): Promise<SegmentMatch[]> {
  const { rows: lex } = await sql<{ l: string[] | null }>`
    select tsvector_to_array(to_tsvector('english', ${query})) as l`.execute(trx);
  const lexemes = (lex[0]?.l ?? []).slice(0, 32);
  if (lexemes.length === 0) return [];
  const t = await collectionTotals(trx, tenant);
  if (t.n === 0) return [];
  const web = isWebSearchSyntax(query);
  const filtered = filterSql(f);
  const { rows } = await sql<{
    id: string;
    chunkId: string;
    first: number;
    last: number;
    startMs: number;
    score: number;
  }>`
    with post as materialized (
      select t.lexeme, t.chunk_id, t.tf::float8 as tf, t.dl::float8 as dl
      from kb_terms t
      where t.collection = ${COLLECTION} and t.lexeme = any(${lexemes}::text[])
    ),
    df as (select lexeme, count(*)::float8 as df from post group by lexeme),
    scored as (
      select post.chunk_id,
        sum(ln(1 + (${t.n}::float8 - df.df + 0.5) / (df.df + 0.5)) * post.tf * ${sql.lit(K1 + 1)}::float8
          / (post.tf + ${sql.lit(K1)}::float8 * (1 - ${sql.lit(B)}::float8 + ${sql.lit(B)}::float8 * post.dl / ${t.avgdl}::float8))) as score
      from post join df on df.lexeme = post.lexeme
      group by post.chunk_id
    ),
    placed as (
      select cc.call_id, s.chunk_id, cc.first_segment, cc.last_segment, cc.start_ms, s.score
      from scored s join call_content_chunks cc on cc.chunk_id = s.chunk_id
      join calls c on c.id = cc.call_id ${dealJoin}
      where ${filtered}
      ${web ? sql`and exists (select 1 from kb_chunks k where k.id = s.chunk_id and k.tsv @@ websearch_to_tsquery('english', ${query}))` : sql``}
    ),
    best as (select distinct on (call_id) * from placed order by call_id, score desc, chunk_id)
    select call_id::text as id, chunk_id::text as "chunkId", first_segment as first, last_segment as last,
      start_ms as "startMs", score::float8 as score
    from best order by score desc, call_id limit ${limit}`.execute(trx);
  if (rows.length === 0) return [];
  // The best sentence of each chunk: the one sharing most of the query's words (ties: the earliest).
  const { rows: sentences } = await sql<{
    id: string;
    segmentIndex: number;
    startMs: number;
    text: string;
    speaker: string | null;
  }>`
    with pick as (
      select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.first)}::int[], ${rows.map((r) => r.last)}::int[])
        as x(call_id, first, last)
    ),
    q as (select to_tsquery('english', ${lexemes
      .map((l) => l.replace(/'/g, "''"))
      .map((l) => `'${l}'`)
      .join(' | ')}) as q)
    select distinct on (s.call_id) s.call_id::text as id, s.segment_index as "segmentIndex", s.start_ms as "startMs",
      s.text, coalesce(u.full_name, k.full_name, p.name) as speaker
    from pick join transcript_segments s on s.call_id = pick.call_id and s.segment_index between pick.first and pick.last
    cross join q
    left join call_participants p on p.id = s.participant_id
    left join users u on u.id = p.user_id
    left join contacts k on k.id = p.contact_id
    order by s.call_id, ts_rank(s.tsv, q.q) desc, s.segment_index`.execute(trx);
  const best = new Map(sentences.map((s) => [s.id, s]));
  return rows.map((r) => {
    const s = best.get(r.id);
    return {
      id: r.id,
      segmentIndex: s?.segmentIndex ?? r.first,
      startMs: s?.startMs ?? r.startMs,
      speaker: s?.speaker ?? null,
      text: s?.text ?? '',
      score: Number(r.score),
    };
  });
}
