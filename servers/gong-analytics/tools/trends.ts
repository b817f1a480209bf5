import { sql } from 'kysely';
import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { callCitation, RESPONSE_TOKENS, round, takeWithin } from '../format.js';
import { periodInput } from '../inputs.js';
import { parsePeriod, periodOf, previousPeriod } from '../../../shared/time/period.js';
import { rankChanges, termChange, type TermChange } from '../trend-math.js';

const changeOut = z.object({
  term: z.string(),
  calls: z.number().int().describe('Calls mentioning it, current period'),
  previousCalls: z.number().int(),
  share: z.number().describe('Share of calls, current period, 0-1'),
  previousShare: z.number(),
  lift: z.number().nullable().describe('share / previous share (null when new)'),
  z: z.number(),
  pValue: z.number(),
  example: z
    .object({
      callId: z.string(),
      quote: z.string(),
      startMs: z.number().int().nullable(),
      citation: z.string(),
    })
    .nullable(),
});

interface Row {
  term: string;
  cur: number;
  prev: number;
  callId: string | null;
  quote: string | null;
  startMs: number | null;
}

export const trends = defineTool({
  name: 'trends',
  title: 'Rising and falling topics',
  toolset: 'insights',
  description: `Terms, topics, objection types or competitors that come up significantly more or less often (share of calls, two-proportion z-test) in a period than in the one before, with example quotes. Default: the latest quarter vs the previous. contains narrows terms (e.g. "yardi").`,
  input: {
    kind: z.enum(['term', 'topic', 'objection', 'competitor']).default('term'),
    period: periodInput.optional().describe('Current period (default: the latest quarter with calls)'),
    compareTo: periodInput.optional().describe('Default: the period before'),
    contains: z.string().trim().max(60).optional(),
    limit: z.number().int().min(1).max(25, 'limit can be at most 25').default(8),
  },
  output: {
    kind: z.string(),
    period: z.string(),
    compareTo: z.string(),
    calls: z.number().int().describe('Analysed calls, current period'),
    previousCalls: z.number().int(),
    rising: z.array(changeOut),
    falling: z.array(changeOut),
    alpha: z.number(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        let label = args.period;
        if (!label) {
          const { rows } = await sql<{
            last: Date | null;
          }>`select max(period_start)::timestamptz as last from term_counts`.execute(trx);
          label = rows[0]?.last
            ? periodOf(new Date(rows[0].last), 'quarter')
            : periodOf(new Date(), 'quarter');
        }
        const cur = parsePeriod(label);
        const prevLabel = args.compareTo ?? previousPeriod(cur.label);
        const prev = parsePeriod(prevLabel);
        const lo = prev.from < cur.from ? prev.from : cur.from;
        const hi = prev.to > cur.to ? prev.to : cur.to;
        const inCur = sql`period_start >= ${cur.from}::date and period_start < ${cur.to}::date`;
        const inPrev = sql`period_start >= ${prev.from}::date and period_start < ${prev.to}::date`;
        const like = args.contains
          ? sql`and term ilike ${`%${args.contains.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`
          : sql``;
        const { rows } = await sql<Row>`
          with t as (
            select term,
              coalesce(sum(calls) filter (where ${inCur}), 0)::int as cur,
              coalesce(sum(calls) filter (where ${inPrev}), 0)::int as prev,
              (array_agg(example_call_id order by mentions desc) filter (where ${inCur} and example_call_id is not null))[1] as ex_call,
              (array_agg(example_text order by mentions desc) filter (where ${inCur} and example_call_id is not null))[1] as quote,
              (array_agg(example_start_ms order by mentions desc) filter (where ${inCur} and example_call_id is not null))[1] as "startMs"
            from term_counts
            where kind = ${args.kind} and period_start >= ${lo}::date and period_start < ${hi}::date ${like}
            group by term
          )
          select t.term, t.cur, t.prev, c.source_id as "callId", t.quote, t."startMs"
          from t left join calls c on c.id = t.ex_call`.execute(trx);
        const { rows: totals } = await sql<{ cur: number; prev: number }>`
          select count(*) filter (where call_started_at >= ${cur.from} and call_started_at < ${cur.to})::int as cur,
                 count(*) filter (where call_started_at >= ${prev.from} and call_started_at < ${prev.to})::int as prev
          from call_metrics where call_started_at >= ${lo} and call_started_at < ${hi}`.execute(trx);
        return { rows, cur: cur.label, prev: prev.label, totals: totals[0] ?? { cur: 0, prev: 0 } };
      },
      { readOnly: true },
    );
    const alpha = 0.05;
    const items = r.rows.map((row) => ({
      row,
      change: termChange(row.cur, r.totals.cur, row.prev, r.totals.prev),
    }));
    const ranked = rankChanges(items, alpha);
    const out = (i: { row: Row; change: TermChange }) => ({
      term: i.row.term,
      calls: i.change.current,
      previousCalls: i.change.previous,
      share: round(i.change.currentShare, 4)!,
      previousShare: round(i.change.previousShare, 4)!,
      lift: Number.isFinite(i.change.lift) ? round(i.change.lift, 2) : null,
      z: round(i.change.z, 2)!,
      pValue: Number(i.change.pValue.toPrecision(3)),
      example:
        i.row.callId && i.row.quote
          ? {
              callId: i.row.callId,
              quote: i.row.quote,
              startMs: i.row.startMs,
              citation: callCitation(i.row.callId, i.row.startMs),
            }
          : null,
    });
    const line = (i: { row: Row; change: TermChange }) => {
      const o = out(i);
      return `- ${o.term}: ${o.calls} calls (${(o.share * 100).toFixed(1)}%) vs ${o.previousCalls} (${(o.previousShare * 100).toFixed(1)}%), z ${o.z}, p ${o.pValue}${o.example ? `\n  "${o.example.quote}" (${o.example.citation})` : ''}`;
    };
    const budget = Math.floor((RESPONSE_TOKENS - 300) / 2);
    const rising = takeWithin(ranked.rising.slice(0, args.limit), line, out, budget);
    const falling = takeWithin(ranked.falling.slice(0, args.limit), line, out, budget);
    const what = { term: 'Terms', topic: 'Topics', objection: 'Objection types', competitor: 'Competitors' }[
      args.kind
    ];
    const text =
      r.totals.cur === 0
        ? `No analysed calls in ${r.cur}. Pick another period (e.g. "2025-Q3") or run \`sophia analyze\`.`
        : [
            `${what}${args.contains ? ` containing "${args.contains}"` : ''}, ${r.cur} (${r.totals.cur} calls) vs ${r.prev} (${r.totals.prev} calls), significant at p < ${alpha}:`,
            `Rising:${rising.lines.length ? '' : ' none'}`,
            ...rising.lines,
            `Falling:${falling.lines.length ? '' : ' none'}`,
            ...falling.lines,
            'Source: term counts per month from analysed Gong transcripts.',
          ].join('\n');
    return {
      structured: {
        kind: args.kind,
        period: r.cur,
        compareTo: r.prev,
        calls: r.totals.cur,
        previousCalls: r.totals.prev,
        rising: rising.structured,
        falling: falling.structured,
        alpha,
      },
      text,
    };
  },
});
