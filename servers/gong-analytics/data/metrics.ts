import { sql } from 'kysely';
import type { MetricName, RepSums } from '../stats.js';
import { repOf } from './reps.js';
import type { Trx } from './resolve.js';

/**
 * Interaction statistics from `call_metrics` (the analysis stage's per-call metrics), summed per rep for a
 * period; sales calls only (call_kind 'sales': talk ratio on an internal meeting or a collection call says
 * nothing about selling).
 */
export async function repSums(trx: Trx, range: { from: Date | null; to: Date | null }): Promise<RepSums[]> {
  const { rows } = await sql<
    Record<string, unknown> & { key: string; name: string; team: string | null; calls: number }
  >`
    select r.key::text as key, r.name, r.team, count(*)::int as calls,
      sum(m.talk_ratio)::float8 as tr_s, count(m.talk_ratio)::int as tr_n,
      sum(m.longest_monologue_seconds)::float8 as lm_s, count(m.longest_monologue_seconds)::int as lm_n,
      sum(m.longest_customer_story_seconds)::float8 as cs_s, count(m.longest_customer_story_seconds)::int as cs_n,
      sum(m.interactivity)::float8 as ia_s, count(m.interactivity)::int as ia_n,
      sum(m.patience_seconds)::float8 as pa_s, count(m.patience_seconds)::int as pa_n,
      sum(m.question_rate)::float8 as qr_s, count(m.question_rate)::int as qr_n
    from call_metrics m join calls c on c.id = m.call_id ${repOf}
    where m.call_kind = 'sales'
      ${range.from ? sql`and m.call_started_at >= ${range.from}` : sql``}
      ${range.to ? sql`and m.call_started_at < ${range.to}` : sql``}
    group by 1, 2, 3`.execute(trx);
  const pick = (r: Record<string, unknown>, p: string) => ({
    sum: Number(r[`${p}_s`] ?? 0),
    n: Number(r[`${p}_n`] ?? 0),
  });
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    team: r.team,
    calls: r.calls,
    sums: {
      talkRatio: pick(r, 'tr'),
      longestMonologueSeconds: pick(r, 'lm'),
      longestCustomerStorySeconds: pick(r, 'cs'),
      interactivity: pick(r, 'ia'),
      patienceSeconds: pick(r, 'pa'),
      questionRate: pick(r, 'qr'),
    } satisfies Record<MetricName, { sum: number; n: number }>,
  }));
}

export interface CallMetricRow {
  talkRatio: number | null;
  longestMonologueSeconds: number | null;
  longestCustomerStorySeconds: number | null;
  interactivity: number | null;
  patienceSeconds: number | null;
  questionRate: number | null;
  repTalkMs: number;
  customerTalkMs: number;
  repQuestions: number;
  customerQuestions: number;
  repWordsPerMinute: number | null;
  nextStepDetected: boolean;
}

export async function callMetrics(trx: Trx, callUuid: string): Promise<CallMetricRow | undefined> {
  const { rows } = await sql<CallMetricRow>`
    select talk_ratio as "talkRatio", longest_monologue_seconds as "longestMonologueSeconds",
      longest_customer_story_seconds as "longestCustomerStorySeconds", interactivity,
      patience_seconds as "patienceSeconds", question_rate as "questionRate", rep_talk_ms as "repTalkMs",
      customer_talk_ms as "customerTalkMs", rep_questions as "repQuestions", customer_questions as "customerQuestions",
      rep_words_per_minute as "repWordsPerMinute", next_step_detected as "nextStepDetected"
    from call_metrics where call_id = ${callUuid}`.execute(trx);
  return rows[0];
}

/** The rep (identity cluster key) and team of a call. */
export async function callRep(
  trx: Trx,
  callUuid: string,
): Promise<{ key: string; name: string; team: string | null } | undefined> {
  const { rows } = await sql<{ key: string; name: string; team: string | null }>`
    select r.key::text as key, r.name, r.team from calls c ${repOf} where c.id = ${callUuid}`.execute(trx);
  return rows[0];
}
