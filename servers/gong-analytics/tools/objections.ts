import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { resolveFilter } from '../data/call-filter.js';
import { objectionCounts, objectionList, objectionTrend, type ObjectionRow } from '../data/objections.js';
import {
  callCitation,
  formatOffset,
  pageCursor,
  pct,
  readPageCursor,
  RESPONSE_TOKENS,
  takeWithin,
} from '../format.js';
import {
  accountInput,
  callIdInput,
  cursorInput,
  dateInput,
  limitInput,
  OBJECTION_TYPES,
  periodInput,
  repInput,
} from '../inputs.js';
import { periodOf } from '../../../shared/time/period.js';
import { countOf } from '../../../shared/util/plural.js';

const objectionOut = z.object({
  callId: z.string(),
  type: z.string(),
  quote: z.string().describe("The customer's words"),
  speaker: z.string().nullable(),
  startMs: z.number().int(),
  response: z.string().nullable().describe("The rep's answer"),
  responder: z.string().nullable(),
  handling: z
    .string()
    .nullable()
    .describe('discount, evidence, value_reframe, probe, defer, deflect, empathize, other'),
  pauseMs: z.number().int().nullable(),
  nextStep: z.boolean(),
  dealOutcome: z.string().nullable(),
  citation: z.string(),
});

export const objections = defineTool({
  name: 'objections',
  title: 'Objections',
  toolset: 'calls',
  description: `Customer objections detected on calls: counts by type with answered / next-step / won / lost, the trend by period, and the episodes (quote, speaker, time, the rep's response, handling approach, deal outcome), newest first. Filter by callIds, rep, account, type, period.`,
  input: {
    type: z.enum(OBJECTION_TYPES).optional(),
    callIds: z.array(callIdInput).min(1).max(50).optional(),
    rep: repInput.optional(),
    account: accountInput.optional(),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
    limit: limitInput(50, 8),
    cursor: cursorInput,
  },
  output: {
    filter: z.string(),
    total: z.number().int(),
    byType: z.array(
      z.object({
        type: z.string(),
        episodes: z.number().int(),
        calls: z.number().int(),
        answered: z.number().int(),
        nextStep: z.number().int(),
        won: z.number().int(),
        lost: z.number().int(),
      }),
    ),
    trend: z
      .array(z.object({ period: z.string(), counts: z.record(z.string(), z.number().int()) }))
      .describe('Episodes per period and type'),
    objections: z.array(objectionOut),
    nextCursor: z.string().nullable(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const { cursor, limit, type, ...filters } = args;
    const query = { type, ...filters };
    const offset = readPageCursor<{ offset: number }>(cursor, query)?.offset ?? 0;
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const f = await resolveFilter(trx, filters);
        const spanDays =
          f.range.from && f.range.to
            ? (f.range.to.getTime() - f.range.from.getTime()) / 86_400_000
            : Infinity;
        const grain: 'month' | 'quarter' = spanDays <= 190 ? 'month' : 'quarter';
        const counts = await objectionCounts(trx, f, type);
        const trend = offset === 0 ? await objectionTrend(trx, f, type, grain) : [];
        const list = await objectionList(trx, f, type, offset, limit);
        return { f, counts, trend, list, grain };
      },
      { readOnly: true },
    );
    const total = r.counts.reduce((a, c) => a + c.episodes, 0);
    const trendMap = new Map<string, Record<string, number>>();
    for (const t of r.trend) {
      const key = periodOf(t.period, r.grain);
      const row = trendMap.get(key) ?? {};
      row[t.type] = t.n;
      trendMap.set(key, row);
    }
    const trend = [...trendMap].map(([period, counts]) => ({ period, counts }));
    const toOut = (o: ObjectionRow) => ({
      callId: o.callId,
      type: o.type,
      quote: o.quote,
      speaker: o.speaker,
      startMs: o.startMs,
      response: o.response,
      responder: o.responder,
      handling: o.handling,
      pauseMs: o.pauseMs,
      nextStep: o.nextStep,
      dealOutcome: o.outcome,
      citation: callCitation(o.callId, o.startMs, o.speaker),
    });
    const render = (o: ObjectionRow) =>
      `- [${o.type}] "${o.quote}" — ${o.speaker ?? '?'} (gong call ${o.callId} @ ${formatOffset(o.startMs)}, ${o.startedAt.toISOString().slice(0, 10)}${o.account ? `, ${o.account}` : ''})` +
      (o.response
        ? `\n  ${o.responder ?? 'rep'} (${o.handling ?? '?'}${o.pauseMs !== null ? `, after ${(o.pauseMs / 1000).toFixed(1)} s` : ''}): "${o.response}"`
        : '\n  (no answer)') +
      `; next step: ${o.nextStep ? 'yes' : 'no'}; deal: ${o.outcome ?? 'none'}`;
    const countsText = r.counts
      .map(
        (c) =>
          `${c.type} ${c.episodes} on ${countOf(c.calls, 'call')} (answered ${pct(c.answered / c.episodes)}, next step ${pct(c.nextStep / c.episodes)}, deals won ${c.won} / lost ${c.lost})`,
      )
      .join('; ');
    const trendText = trend
      .map(
        (t) =>
          `${t.period}: ${Object.entries(t.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      )
      .join('\n');
    const fixed = countsText.length + trendText.length + JSON.stringify({ trend, counts: r.counts }).length;
    const picked = takeWithin(r.list, render, toOut, RESPONSE_TOKENS - Math.ceil(fixed / 3.6) - 200);
    const next = offset + picked.structured.length;
    const nextCursor =
      next < total && picked.structured.length > 0 ? pageCursor(query, { offset: next }) : null;
    const text =
      total === 0
        ? `No objections detected for ${r.f.description}${type ? ` of type ${type}` : ''}. If calls exist, run \`sophia analyze\`.`
        : [
            `${total} objection episode(s) for ${r.f.description}${type ? `, type ${type}` : ''}.`,
            `By type: ${countsText}.`,
            trend.length ? `Trend (${r.grain}):\n${trendText}` : '',
            `Episodes ${offset + 1}-${next}${nextCursor ? ' (more: pass nextCursor)' : ''}:`,
            ...picked.lines,
          ]
            .filter(Boolean)
            .join('\n');
    return {
      structured: {
        filter: r.f.description,
        total,
        byType: r.counts,
        trend,
        objections: picked.structured,
        nextCursor,
      },
      text,
    };
  },
});
