import { sql } from 'kysely';
import { repOf } from './reps.js';
import type { Trx } from './resolve.js';

/** Per rep: how they answer objections (of one type, or all) in a period. */
export interface RepHandlingRow {
  key: string;
  name: string;
  team: string | null;
  calls: number;
  episodes: number;
  episodeCalls: number;
  answered: number;
  pauseMs: number | null;
  episodeTalkRatio: number | null;
  nextSteps: number;
  dealsClosed: number;
  dealsWon: number;
  handling: Record<string, number>;
}

export interface Range {
  from: Date | null;
  to: Date | null;
}

function rangeOn(column: 'e.call_started_at' | 'c.started_at', r: Range) {
  return sql`${r.from ? sql`and ${sql.raw(column)} >= ${r.from}` : sql``} ${r.to ? sql`and ${sql.raw(column)} < ${r.to}` : sql``}`;
}

export async function repHandling(
  trx: Trx,
  type: string | undefined,
  range: Range,
): Promise<RepHandlingRow[]> {
  const typeSql = type ? sql`and e.type = ${type}` : sql``;
  const { rows } = await sql<Omit<RepHandlingRow, 'handling' | 'calls'>>`
    select r.key::text as key, r.name, r.team, count(*)::int as episodes, count(distinct e.call_id)::int as "episodeCalls",
      count(e.response_text)::int as answered, avg(e.pause_before_answer_ms)::float8 as "pauseMs",
      avg(e.episode_rep_talk_ratio)::float8 as "episodeTalkRatio",
      count(*) filter (where e.next_step_detected)::int as "nextSteps",
      count(distinct o.id) filter (where o.is_closed)::int as "dealsClosed",
      count(distinct o.id) filter (where o.is_won)::int as "dealsWon"
    from objection_episodes e join calls c on c.id = e.call_id ${repOf}
    left join opportunities o on o.id = c.opportunity_id
    where true ${typeSql} ${rangeOn('e.call_started_at', range)}
    group by 1, 2, 3`.execute(trx);
  const { rows: handling } = await sql<{ key: string; handling: string; n: number }>`
    select r.key::text as key, coalesce(e.handling, 'none') as handling, count(*)::int as n
    from objection_episodes e join calls c on c.id = e.call_id ${repOf}
    where true ${typeSql} ${rangeOn('e.call_started_at', range)}
    group by 1, 2`.execute(trx);
  const { rows: calls } = await sql<{ key: string; n: number }>`
    select r.key::text as key, count(*)::int as n
    from call_metrics m join calls c on c.id = m.call_id ${repOf}
    where m.call_kind = 'sales' ${rangeOn('c.started_at', range)}
    group by 1`.execute(trx);
  const callsBy = new Map(calls.map((c) => [c.key, c.n]));
  const handlingBy = new Map<string, Record<string, number>>();
  for (const h of handling) {
    const m = handlingBy.get(h.key) ?? {};
    m[h.handling] = h.n;
    handlingBy.set(h.key, m);
  }
  return rows.map((r) => ({
    ...r,
    calls: callsBy.get(r.key) ?? r.episodeCalls,
    handling: handlingBy.get(r.key) ?? {},
  }));
}

export interface EpisodeExample {
  callId: string;
  quote: string;
  speaker: string | null;
  startMs: number;
  response: string | null;
  handling: string | null;
  pauseMs: number | null;
  nextStep: boolean;
}

/** A rep's episodes, answered ones with a next step first, newest first. */
export async function repExamples(
  trx: Trx,
  userIds: string[],
  type: string | undefined,
  range: Range,
  limit: number,
): Promise<EpisodeExample[]> {
  const { rows } = await sql<EpisodeExample>`
    select c.source_id as "callId", e.quote, coalesce(p.name, e.speaker_id) as speaker, e.start_ms as "startMs",
      e.response_text as response, e.handling, e.pause_before_answer_ms as "pauseMs", e.next_step_detected as "nextStep"
    from objection_episodes e join calls c on c.id = e.call_id
    left join call_participants p on p.id = e.participant_id
    where c.primary_user_id = any(${userIds}::uuid[]) ${type ? sql`and e.type = ${type}` : sql``}
      ${rangeOn('e.call_started_at', range)}
    order by (e.response_text is not null) desc, e.next_step_detected desc, e.call_started_at desc, e.start_ms
    limit ${limit}`.execute(trx);
  return rows;
}
