import { sql, type RawBuilder } from 'kysely';
import { dealJoin, filterSql, outcomeSql, type ResolvedFilter } from './call-filter.js';
import type { Trx } from './resolve.js';

/** Objection episodes (the analysis stage's `objection_episodes`) of the filtered calls. */
export interface ObjectionRow {
  callId: string;
  type: string;
  quote: string;
  speaker: string | null;
  startMs: number;
  response: string | null;
  responder: string | null;
  responseStartMs: number | null;
  handling: string | null;
  pauseMs: number | null;
  nextStep: boolean;
  startedAt: Date;
  account: string | null;
  outcome: string | null;
}

export interface TypeCount {
  type: string;
  episodes: number;
  calls: number;
  answered: number;
  nextStep: number;
  won: number;
  lost: number;
}

function where(f: ResolvedFilter, type: string | undefined): RawBuilder<boolean> {
  return sql<boolean>`${filterSql(f)}
    ${type ? sql`and e.type = ${type}` : sql``}
    ${f.range.from ? sql`and e.call_started_at >= ${f.range.from}` : sql``}
    ${f.range.to ? sql`and e.call_started_at < ${f.range.to}` : sql``}`;
}

const from = sql`objection_episodes e join calls c on c.id = e.call_id ${dealJoin}`;

export async function objectionCounts(trx: Trx, f: ResolvedFilter, type?: string): Promise<TypeCount[]> {
  const { rows } = await sql<TypeCount>`
    select e.type, count(*)::int as episodes, count(distinct e.call_id)::int as calls,
      count(e.response_text)::int as answered, count(*) filter (where e.next_step_detected)::int as "nextStep",
      count(*) filter (where o.is_won)::int as won, count(*) filter (where o.is_closed and not o.is_won)::int as lost
    from ${from}
    where ${where(f, type)}
    group by e.type order by episodes desc, e.type`.execute(trx);
  return rows;
}

export async function objectionTrend(
  trx: Trx,
  f: ResolvedFilter,
  type: string | undefined,
  grain: 'month' | 'quarter',
): Promise<Array<{ period: Date; type: string; n: number }>> {
  const { rows } = await sql<{ period: Date; type: string; n: number }>`
    select date_trunc(${grain}, e.call_started_at at time zone 'UTC') as period, e.type, count(*)::int as n
    from ${from}
    where ${where(f, type)}
    group by 1, 2 order by 1, 2`.execute(trx);
  return rows;
}

export async function objectionList(
  trx: Trx,
  f: ResolvedFilter,
  type: string | undefined,
  offset: number,
  limit: number,
): Promise<ObjectionRow[]> {
  const { rows } = await sql<ObjectionRow>`
    select c.source_id as "callId", e.type, e.quote, coalesce(p.name, e.speaker_id) as speaker, e.start_ms as "startMs",
      e.response_text as response, coalesce(rp.name, e.response_speaker_id) as responder,
      e.response_start_ms as "responseStartMs", e.handling, e.pause_before_answer_ms as "pauseMs",
      e.next_step_detected as "nextStep", c.started_at as "startedAt",
      (select a.name from accounts a where a.id = c.account_id) as account, ${outcomeSql} as outcome
    from ${from}
    left join call_participants p on p.id = e.participant_id
    left join call_participants rp on rp.id = e.response_participant_id
    where ${where(f, type)}
    order by e.call_started_at desc, e.call_id, e.start_ms
    offset ${offset} limit ${limit}`.execute(trx);
  return rows;
}
