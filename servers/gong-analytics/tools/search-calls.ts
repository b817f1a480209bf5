import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { resolveFilter } from '../data/call-filter.js';
import { callContentIndexed, searchCallContent } from '../data/content-search.js';
import {
  callSummaries,
  listCalls,
  searchTranscripts,
  type CallSummary,
  type SegmentMatch,
} from '../data/calls.js';
import {
  callCitation,
  callUri,
  formatOffset,
  pageCursor,
  readPageCursor,
  RESPONSE_TOKENS,
  takeWithin,
} from '../format.js';
import {
  accountInput,
  cursorInput,
  dateInput,
  limitInput,
  OBJECTION_TYPES,
  periodInput,
  repInput,
} from '../inputs.js';

const hitOut = z.object({
  callId: z.string().describe('Gong call id'),
  title: z.string().nullable(),
  startedAt: z.string(),
  durationSeconds: z.number().int().nullable(),
  rep: z.string().nullable(),
  account: z.string().nullable(),
  deal: z
    .object({ name: z.string().nullable(), stage: z.string().nullable(), outcome: z.string().nullable() })
    .nullable(),
  match: z
    .object({
      speaker: z.string().nullable(),
      startMs: z.number().int(),
      text: z.string(),
      score: z.number(),
    })
    .nullable()
    .describe('Best matching transcript sentence (with a query)'),
  citation: z.string(),
  uri: z.string(),
});

export const searchCalls = defineTool({
  name: 'search_calls',
  title: 'Search calls',
  toolset: 'calls',
  description: `Finds Gong calls by filters and/or words said in them. query searches transcripts ("quoted phrases", OR, -word). Each hit cites call id, speaker and time. Newest first without a query, best match first with one. Paged (cursor).`,
  input: {
    query: z.string().trim().max(500).optional().describe('Words said in the call'),
    rep: repInput.optional(),
    account: accountInput.optional(),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
    dealStage: z.string().trim().max(100).optional().describe('e.g. "Negotiation/Review"'),
    outcome: z.enum(['won', 'lost', 'open']).optional().describe("The call's deal outcome"),
    objectionType: z.enum(OBJECTION_TYPES).optional(),
    tracker: z.string().trim().max(100).optional().describe('Tracker name'),
    competitor: z.string().trim().max(100).optional(),
    limit: limitInput(50, 10),
    cursor: cursorInput,
  },
  output: {
    hits: z.array(hitOut),
    total: z.number().int().nullable().describe('Calls matching the filters (null with a query)'),
    filter: z.string(),
    nextCursor: z.string().nullable(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const { cursor, limit, ...query } = args;
    const position = readPageCursor<{ offset: number }>(cursor, query);
    const offset = position?.offset ?? 0;
    const db = await ctx.database();
    const result = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const f = await resolveFilter(trx, query);
        if (query.query) {
          const indexed = await callContentIndexed(trx);
          const matches = indexed
            ? await searchCallContent(trx, ctx.tenant, f, query.query, offset + limit + 1)
            : await searchTranscripts(trx, f, query.query, offset + limit + 1);
          const page = matches.slice(offset, offset + limit);
          const calls = await callSummaries(
            trx,
            page.map((m) => m.id),
          );
          return {
            f,
            total: null,
            more: matches.length > offset + limit,
            items: page.map((m) => ({ call: calls.get(m.id)!, match: m as SegmentMatch | null })),
          };
        }
        const { rows, total } = await listCalls(trx, f, offset, limit);
        return {
          f,
          total,
          more: offset + rows.length < total,
          items: rows.map((call) => ({ call, match: null as SegmentMatch | null })),
        };
      },
      { readOnly: true },
    );
    const toHit = (i: { call: CallSummary; match: SegmentMatch | null }) => ({
      callId: i.call.callId,
      title: i.call.title,
      startedAt: i.call.startedAt.toISOString(),
      durationSeconds: i.call.durationSeconds,
      rep: i.call.rep,
      account: i.call.account,
      deal:
        i.call.dealName || i.call.dealStage
          ? { name: i.call.dealName, stage: i.call.dealStage, outcome: i.call.outcome }
          : null,
      match: i.match
        ? {
            speaker: i.match.speaker,
            startMs: i.match.startMs,
            text: i.match.text,
            score: Math.round(i.match.score * 1000) / 1000,
          }
        : null,
      citation: callCitation(i.call.callId, i.match?.startMs, i.match?.speaker),
      uri: callUri(i.call.callId),
    });
    const render = (i: { call: CallSummary; match: SegmentMatch | null }) => {
      const c = i.call;
      const head = `- ${c.callId} ${c.startedAt.toISOString().slice(0, 10)} "${c.title ?? ''}" rep ${c.rep ?? '?'}, ${c.account ?? 'no account'}${c.dealStage ? `, deal ${c.dealStage}` : ''}`;
      return i.match
        ? `${head}\n  ${formatOffset(i.match.startMs)} ${i.match.speaker ?? '?'}: "${i.match.text}"`
        : head;
    };
    const { structured, lines, omitted } = takeWithin(result.items, render, toHit, RESPONSE_TOKENS - 300);
    const next = offset + structured.length;
    const nextCursor = omitted > 0 || result.more ? pageCursor(query, { offset: next }) : null;
    const count = result.total === null ? `${structured.length} matching call(s)` : `${result.total} call(s)`;
    const header = `${count} for ${result.f.description}${query.query ? ` matching "${query.query}"` : ''}; showing ${offset + 1}-${next}${nextCursor ? ' (more: pass nextCursor)' : ''}.`;
    return {
      structured: { hits: structured, total: result.total, filter: result.f.description, nextCursor },
      text:
        structured.length === 0
          ? `No calls for ${result.f.description}${query.query ? ` matching "${query.query}"` : ''}. Loosen the filters or try other words.`
          : `${header}\n${lines.join('\n')}\nCite as "gong call <id> @ m:ss (speaker)"; get_call reads a call.`,
    };
  },
});
