import { sql } from 'kysely';
import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { callCitation, pct, RESPONSE_TOKENS, round, takeWithin } from '../format.js';
import { dateInput, periodInput } from '../inputs.js';
import { dateRange } from '../../../shared/time/period.js';
import { countOf } from '../../../shared/util/plural.js';

/**
 * Competitors named on calls, with the deals of those calls: won / lost / open after the mention, the
 * timing of the mention in the deal (days before its close date: early > 90, mid 30-90, late < 30), and
 * portfolio size (units under management: small < 1,000, mid 1,000-4,999, large >= 5,000).
 */
const PORTFOLIO = sql`case when a.portfolio_units is null then 'unknown' when a.portfolio_units >= 5000 then 'large'
  when a.portfolio_units >= 1000 then 'mid' else 'small' end`;
const TIMING = sql`case when o.close_date is null then 'unknown'
  when o.close_date - (c.started_at at time zone 'UTC')::date > 90 then 'early'
  when o.close_date - (c.started_at at time zone 'UTC')::date >= 30 then 'mid' else 'late' end`;

const dealsOut = z.object({
  deals: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  winRate: z.number().nullable(),
});

export const competitors = defineTool({
  name: 'competitors',
  title: 'Competitor mentions',
  toolset: 'insights',
  description: `Competitors named on calls: mentions, calls, accounts, context (evaluating, using, switching, comparing, pricing), and the deals of those calls: win rate after a mention against the baseline, by timing in the deal (early/mid/late) and portfolio size (small/mid/large), with a quote each. Filter by competitor, portfolio, period.`,
  input: {
    competitor: z.string().trim().max(100).optional(),
    portfolio: z.enum(['small', 'mid', 'large']).optional().describe('small < 1,000 units, large >= 5,000'),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
  },
  output: {
    period: z.string(),
    baseline: dealsOut.describe('All closed deals with calls in the period (same portfolio filter)'),
    competitors: z.array(
      z.object({
        competitor: z.string(),
        mentions: z.number().int(),
        calls: z.number().int(),
        accounts: z.number().int(),
        contexts: z.record(z.string(), z.number().int()),
        deals: dealsOut,
        byTiming: z.record(z.string(), dealsOut),
        byPortfolio: z.record(z.string(), dealsOut),
        example: z.object({ callId: z.string(), text: z.string(), citation: z.string() }).nullable(),
      }),
    ),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const range = dateRange(args);
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const where = sql`true
          ${range.from ? sql`and cm.call_started_at >= ${range.from}` : sql``}
          ${range.to ? sql`and cm.call_started_at < ${range.to}` : sql``}
          ${args.competitor ? sql`and lower(cm.competitor) = ${args.competitor.toLowerCase()}` : sql``}
          ${args.portfolio ? sql`and ${PORTFOLIO} = ${args.portfolio}` : sql``}`;
        const from = sql`competitor_mentions cm join calls c on c.id = cm.call_id
          left join opportunities o on o.id = c.opportunity_id left join accounts a on a.id = c.account_id`;
        const { rows: groups } = await sql<{
          competitor: string;
          bucket: string;
          timing: string;
          mentions: number;
          calls: number;
          accounts: number;
          deals: number;
          won: number;
          lost: number;
        }>`
          select cm.competitor, ${PORTFOLIO} as bucket, ${TIMING} as timing, count(*)::int as mentions,
            count(distinct cm.call_id)::int as calls, count(distinct c.account_id)::int as accounts,
            count(distinct o.id) filter (where o.is_closed)::int as deals,
            count(distinct o.id) filter (where o.is_won)::int as won,
            count(distinct o.id) filter (where o.is_closed and not o.is_won)::int as lost
          from ${from} where ${where} group by 1, 2, 3`.execute(trx);
        const { rows: totals } = await sql<{
          competitor: string;
          mentions: number;
          calls: number;
          accounts: number;
          deals: number;
          won: number;
          lost: number;
        }>`
          select cm.competitor, count(*)::int as mentions, count(distinct cm.call_id)::int as calls,
            count(distinct c.account_id)::int as accounts,
            count(distinct o.id) filter (where o.is_closed)::int as deals,
            count(distinct o.id) filter (where o.is_won)::int as won,
            count(distinct o.id) filter (where o.is_closed and not o.is_won)::int as lost
          from ${from} where ${where} group by 1 order by mentions desc, 1`.execute(trx);
        const { rows: contexts } = await sql<{ competitor: string; context: string; n: number }>`
          select cm.competitor, coalesce(cm.context, 'mention') as context, count(*)::int as n
          from ${from} where ${where} group by 1, 2`.execute(trx);
        const { rows: examples } = await sql<{
          competitor: string;
          callId: string;
          text: string;
          startMs: number;
          speaker: string | null;
        }>`
          select distinct on (cm.competitor) cm.competitor, c.source_id as "callId", cm.text, cm.start_ms as "startMs",
            p.name as speaker
          from ${from} left join call_participants p on p.id = cm.participant_id
          where ${where} order by cm.competitor, (cm.affiliation = 'external') desc, cm.call_started_at desc`.execute(
          trx,
        );
        const { rows: base } = await sql<{ deals: number; won: number; lost: number }>`
          select count(distinct o.id) filter (where o.is_closed)::int as deals,
            count(distinct o.id) filter (where o.is_won)::int as won,
            count(distinct o.id) filter (where o.is_closed and not o.is_won)::int as lost
          from calls c join opportunities o on o.id = c.opportunity_id left join accounts a on a.id = c.account_id
          where true ${range.from ? sql`and c.started_at >= ${range.from}` : sql``}
            ${range.to ? sql`and c.started_at < ${range.to}` : sql``}
            ${args.portfolio ? sql`and ${PORTFOLIO} = ${args.portfolio}` : sql``}`.execute(trx);
        return { groups, totals, contexts, examples, base: base[0]! };
      },
      { readOnly: true },
    );
    const deals = (d: { deals: number; won: number; lost: number }) => ({
      deals: d.deals,
      won: d.won,
      lost: d.lost,
      winRate: d.deals ? round(d.won / d.deals, 3) : null,
    });
    const add = (
      m: Record<string, { deals: number; won: number; lost: number }>,
      k: string,
      g: { deals: number; won: number; lost: number },
    ) => {
      const x = (m[k] ??= { deals: 0, won: 0, lost: 0 });
      x.deals += g.deals;
      x.won += g.won;
      x.lost += g.lost;
    };
    const items = r.totals.map((t) => {
      const timing: Record<string, { deals: number; won: number; lost: number }> = {};
      const portfolio: Record<string, { deals: number; won: number; lost: number }> = {};
      for (const g of r.groups.filter((x) => x.competitor === t.competitor)) {
        add(timing, g.timing, g);
        add(portfolio, g.bucket, g);
      }
      const ex = r.examples.find((e) => e.competitor === t.competitor);
      return {
        competitor: t.competitor,
        mentions: t.mentions,
        calls: t.calls,
        accounts: t.accounts,
        contexts: Object.fromEntries(
          r.contexts.filter((c) => c.competitor === t.competitor).map((c) => [c.context, c.n]),
        ),
        deals: deals(t),
        byTiming: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, deals(v)])),
        byPortfolio: Object.fromEntries(Object.entries(portfolio).map(([k, v]) => [k, deals(v)])),
        example: ex
          ? { callId: ex.callId, text: ex.text, citation: callCitation(ex.callId, ex.startMs, ex.speaker) }
          : null,
      };
    });
    const baseline = deals(r.base);
    const line = (c: (typeof items)[number]) =>
      `- ${c.competitor}: ${countOf(c.mentions, 'mention')} on ${countOf(c.calls, 'call')} (${countOf(c.accounts, 'account')}); ${Object.entries(
        c.contexts,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}; deals won ${c.deals.won} / lost ${c.deals.lost} (${pct(c.deals.winRate)} vs baseline ${pct(baseline.winRate)}); by timing ${Object.entries(
        c.byTiming,
      )
        .map(([k, v]) => `${k} ${pct(v.winRate)} of ${v.deals}`)
        .join(', ')}; by portfolio ${Object.entries(c.byPortfolio)
        .map(([k, v]) => `${k} ${pct(v.winRate)} of ${v.deals}`)
        .join(', ')}${c.example ? `\n  "${c.example.text}" (${c.example.citation})` : ''}`;
    const picked = takeWithin(items, line, (c) => c, RESPONSE_TOKENS - 250);
    const text =
      items.length === 0
        ? `No competitor mentions${args.competitor ? ` of ${args.competitor}` : ''} in ${range.label}${args.portfolio ? ` (${args.portfolio} portfolios)` : ''}.`
        : [
            `Competitor mentions, ${range.label}${args.portfolio ? `, ${args.portfolio} portfolios` : ''}. Baseline: ${baseline.won} of ${baseline.deals} closed deals won (${pct(baseline.winRate)}).`,
            ...picked.lines,
            picked.omitted ? `(${picked.omitted} more competitors; name one with competitor)` : '',
            'Timing = days between the call and the deal close date (early > 90, mid 30-90, late < 30); portfolio = units under management.',
          ]
            .filter(Boolean)
            .join('\n');
    return { structured: { period: range.label, baseline, competitors: picked.structured }, text };
  },
});
