import { sql } from 'kysely';
import { outcomeSql, dealJoin } from './call-filter.js';
import type { CallRef, Trx } from './resolve.js';

/** One call with its parties resolved, its deal and account, and pages of its transcript. */
export interface CallDetail {
  id: string;
  callId: string;
  title: string | null;
  startedAt: Date;
  durationSeconds: number | null;
  scope: string | null;
  direction: string | null;
  system: string | null;
  url: string | null;
  brief: string | null;
  interactionStats: Record<string, unknown> | null;
  rep: string | null;
  repEmail: string | null;
  account: {
    id: string;
    name: string;
    pmsPlatform: string | null;
    portfolioUnits: number | null;
    region: string | null;
  } | null;
  deal: {
    id: string;
    name: string;
    stage: string | null;
    outcome: string | null;
    amount: string | null;
    closeDate: Date | null;
  } | null;
}

export interface Party {
  participantId: string;
  speakerId: string | null;
  name: string | null;
  email: string | null;
  title: string | null;
  company: string | null;
  affiliation: string;
  talkTimeMs: number | null;
  kind: 'user' | 'contact' | 'unknown';
  account: string | null;
}

export interface Segment {
  segmentIndex: number;
  startMs: number;
  endMs: number;
  speakerId: string | null;
  speaker: string | null;
  affiliation: string | null;
  text: string;
}

export async function callDetail(trx: Trx, ref: CallRef): Promise<CallDetail> {
  const { rows } = await sql<Omit<CallDetail, 'account' | 'deal'> & Record<string, unknown>>`
    select c.id::text as id, c.source_id as "callId", c.title, c.started_at as "startedAt",
      c.duration_seconds as "durationSeconds", c.scope, c.direction, c.system, c.url, c.brief,
      c.interaction_stats as "interactionStats",
      u.full_name as rep, u.email as "repEmail",
      a.id::text as a_id, a.name as a_name, a.pms_platform as a_pms, a.portfolio_units as a_units, a.region as a_region,
      o.id::text as o_id, o.name as o_name, o.stage as o_stage, ${outcomeSql} as o_outcome, o.amount::text as o_amount,
      o.close_date as o_close
    from calls c ${dealJoin}
    left join users u on u.id = c.primary_user_id
    left join accounts a on a.id = c.account_id
    where c.id = ${ref.id}`.execute(trx);
  const r = rows[0]!;
  return {
    id: r.id,
    callId: r.callId,
    title: r.title,
    startedAt: r.startedAt,
    durationSeconds: r.durationSeconds,
    scope: r.scope,
    direction: r.direction,
    system: r.system,
    url: r.url,
    brief: r.brief,
    interactionStats: r.interactionStats,
    rep: r.rep,
    repEmail: r.repEmail,
    account: r.a_id
      ? {
          id: r.a_id as string,
          name: r.a_name as string,
          pmsPlatform: (r.a_pms as string | null) ?? null,
          portfolioUnits: (r.a_units as number | null) ?? null,
          region: (r.a_region as string | null) ?? null,
        }
      : null,
    deal: r.o_id
      ? {
          id: r.o_id as string,
          name: r.o_name as string,
          stage: (r.o_stage as string | null) ?? null,
          outcome: (r.o_outcome as string | null) ?? null,
          amount: (r.o_amount as string | null) ?? null,
          closeDate: (r.o_close as Date | null) ?? null,
        }
      : null,
  };
}

export async function callParties(trx: Trx, ref: CallRef): Promise<Party[]> {
  const { rows } = await sql<Party>`
    select p.id::text as "participantId", p.speaker_id as "speakerId",
      coalesce(u.full_name, k.full_name, p.name) as name, coalesce(p.email, u.email, k.email) as email,
      coalesce(p.title, u.title, k.title) as title, coalesce(p.company, a.name) as company, p.affiliation,
      p.talk_time_ms as "talkTimeMs",
      case when p.user_id is not null then 'user' when p.contact_id is not null then 'contact' else 'unknown' end as kind,
      a.name as account
    from call_participants p
    left join users u on u.id = p.user_id
    left join contacts k on k.id = p.contact_id
    left join accounts a on a.id = k.account_id
    where p.call_id = ${ref.id}
    order by p.affiliation desc, p.talk_time_ms desc nulls last, p.id`.execute(trx);
  return rows;
}

/** Transcript sentences from `fromIndex` (or from the sentence at or after `fromMs`), at most `limit`. */
export async function transcriptPage(
  trx: Trx,
  ref: CallRef,
  from: { index?: number; ms?: number },
  limit: number,
): Promise<Segment[]> {
  const start =
    from.index !== undefined ? sql`s.segment_index >= ${from.index}` : sql`s.end_ms > ${from.ms ?? 0}`;
  const { rows } = await sql<Segment>`
    select s.segment_index as "segmentIndex", s.start_ms as "startMs", s.end_ms as "endMs", s.speaker_id as "speakerId",
      coalesce(u.full_name, k.full_name, p.name) as speaker, p.affiliation, s.text
    from transcript_segments s
    left join call_participants p on p.id = s.participant_id
    left join users u on u.id = p.user_id
    left join contacts k on k.id = p.contact_id
    where s.call_id = ${ref.id} and s.call_started_at = ${ref.startedAt} and ${start}
    order by s.segment_index
    limit ${limit}`.execute(trx);
  return rows;
}

export async function transcriptLength(
  trx: Trx,
  ref: CallRef,
): Promise<{ count: number; lastIndex: number }> {
  const { rows } = await sql<{ n: number; last: number | null }>`
    select count(*)::int as n, max(segment_index) as last from transcript_segments s
    where s.call_id = ${ref.id} and s.call_started_at = ${ref.startedAt}`.execute(trx);
  return { count: rows[0]?.n ?? 0, lastIndex: rows[0]?.last ?? -1 };
}
