import { sql } from 'kysely';
import { dealJoin, filterSql, outcomeSql, type ResolvedFilter } from './call-filter.js';
import type { Trx } from './resolve.js';

/** Reads of calls and transcripts (0001 tables), in the caller's tenant transaction. */
export interface CallSummary {
  id: string;
  callId: string;
  title: string | null;
  startedAt: Date;
  durationSeconds: number | null;
  scope: string | null;
  rep: string | null;
  account: string | null;
  dealName: string | null;
  dealStage: string | null;
  outcome: string | null;
}

export interface SegmentMatch {
  id: string;
  segmentIndex: number;
  startMs: number;
  speaker: string | null;
  text: string;
  score: number;
}

const summaryColumns = sql`c.id::text as id, c.source_id as "callId", c.title, c.started_at as "startedAt",
  c.duration_seconds as "durationSeconds", c.scope,
  (select u.full_name from users u where u.id = c.primary_user_id) as rep,
  (select a.name from accounts a where a.id = c.account_id) as account,
  o.name as "dealName", o.stage as "dealStage", ${outcomeSql} as outcome`;

/** Filtered calls, newest first. */
export async function listCalls(trx: Trx, f: ResolvedFilter, offset: number, limit: number) {
  const { rows } = await sql<CallSummary & { total: string }>`
    select ${summaryColumns}, count(*) over () as total
    from calls c ${dealJoin}
    where ${filterSql(f)}
    order by c.started_at desc, c.id
    offset ${offset} limit ${limit}`.execute(trx);
  return { rows, total: rows.length ? Number(rows[0]!.total) : offset > 0 ? offset : 0 };
}

export async function callSummaries(trx: Trx, ids: readonly string[]): Promise<Map<string, CallSummary>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<CallSummary>`
    select ${summaryColumns} from calls c ${dealJoin} where c.id = any(${ids}::uuid[])`.execute(trx);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Full-text search over transcript sentences of the filtered calls (websearch syntax: words, "phrases",
 * OR, -not). Returns the best sentence per call, ranked by ts_rank_cd.
 */
export async function searchTranscripts(
  trx: Trx,
  f: ResolvedFilter,
  query: string,
  limit: number,
): Promise<SegmentMatch[]> {
  const { rows } = await sql<SegmentMatch>`
    with q as (select websearch_to_tsquery('english', ${query}) as q),
    hits as (
      select s.call_id, s.segment_index, s.start_ms, s.text, s.participant_id, ts_rank_cd(s.tsv, q.q) as score
      from transcript_segments s cross join q
      join calls c on c.id = s.call_id ${dealJoin}
      where s.tsv @@ q.q and ${filterSql(f)}
    ),
    best as (
      select distinct on (call_id) * from hits order by call_id, score desc, segment_index
    )
    select b.call_id::text as id, b.segment_index as "segmentIndex", b.start_ms as "startMs", b.text,
           coalesce(p.name, p.email) as speaker, b.score::float8 as score
    from best b left join call_participants p on p.id = b.participant_id
    order by b.score desc, b.call_id
    limit ${limit}`.execute(trx);
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}
