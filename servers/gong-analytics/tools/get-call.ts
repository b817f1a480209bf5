import { z } from 'zod';
import { estimateTokens } from '../../../shared/runtime/budget.js';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { callDetail, callParties, transcriptLength, transcriptPage } from '../data/call-detail.js';
import { resolveCall } from '../data/resolve.js';
import { metricsFromGong, partyOut, renderCallHeader, renderSegment, segmentOut } from '../call-view.js';
import { callUri, pageCursor, readPageCursor, RESPONSE_TOKENS } from '../format.js';
import { callIdInput, cursorInput } from '../inputs.js';

const segmentSchema = z.object({
  segmentIndex: z.number().int(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  speaker: z.string().nullable(),
  affiliation: z.string().nullable(),
  text: z.string(),
  citation: z.string(),
});

export const getCall = defineTool({
  name: 'get_call',
  title: 'Get a call',
  toolset: 'calls',
  description: `One Gong call: metadata, parties resolved to users/contacts/accounts, its deal, metrics, and a page of the transcript (each sentence cited). Page on with nextCursor, or start at fromMs. transcript: false for the overview only. Also readable as gong://calls/{callId} and gong://calls/{callId}/transcript.`,
  input: {
    callId: callIdInput,
    transcript: z.boolean().default(true).describe('Include a transcript page'),
    fromMs: z.number().int().min(0).optional().describe('Transcript from this time (ms from call start)'),
    cursor: cursorInput,
  },
  output: {
    callId: z.string(),
    uri: z.string(),
    title: z.string().nullable(),
    startedAt: z.string(),
    durationSeconds: z.number().int().nullable(),
    url: z.string().nullable(),
    rep: z.string().nullable(),
    account: z
      .object({
        name: z.string(),
        pmsPlatform: z.string().nullable(),
        portfolioUnits: z.number().nullable(),
        region: z.string().nullable(),
      })
      .nullable(),
    deal: z
      .object({
        name: z.string(),
        stage: z.string().nullable(),
        outcome: z.string().nullable(),
        amount: z.string().nullable(),
      })
      .nullable(),
    parties: z.array(
      z.object({
        name: z.string().nullable(),
        email: z.string().nullable(),
        title: z.string().nullable(),
        company: z.string().nullable(),
        affiliation: z.string(),
        kind: z.enum(['user', 'contact', 'unknown']),
        speakerId: z.string().nullable(),
        talkTimeMs: z.number().nullable(),
      }),
    ),
    metrics: z.object({
      talkRatio: z.number().nullable().describe('Company talk time / all talk time, 0-1'),
      longestMonologueSeconds: z.number().nullable(),
      interactivity: z.number().nullable(),
      patienceSeconds: z.number().nullable(),
      questionRatePerHour: z.number().nullable(),
      source: z.string(),
    }),
    transcript: z.object({
      segments: z.array(segmentSchema),
      totalSegments: z.number().int(),
      nextCursor: z.string().nullable(),
    }),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const position = readPageCursor<{ index: number }>(args.cursor, { callId: args.callId });
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const ref = await resolveCall(trx, args.callId);
        const [call, parties] = [await callDetail(trx, ref), await callParties(trx, ref)];
        const total = args.transcript ? await transcriptLength(trx, ref) : { count: 0, lastIndex: -1 };
        const segments = args.transcript
          ? await transcriptPage(
              trx,
              ref,
              position ? { index: position.index } : { ms: args.fromMs ?? 0 },
              200,
            )
          : [];
        return { call, parties, segments, total };
      },
      { readOnly: true },
    );
    const { call, parties } = r;
    const metrics = metricsFromGong(call, parties);
    const header = renderCallHeader(call, parties, metrics);
    const base = {
      callId: call.callId,
      uri: callUri(call.callId),
      title: call.title,
      startedAt: call.startedAt.toISOString(),
      durationSeconds: call.durationSeconds,
      url: call.url,
      rep: call.rep,
      account: call.account
        ? {
            name: call.account.name,
            pmsPlatform: call.account.pmsPlatform,
            portfolioUnits: call.account.portfolioUnits,
            region: call.account.region,
          }
        : null,
      deal: call.deal
        ? {
            name: call.deal.name,
            stage: call.deal.stage,
            outcome: call.deal.outcome,
            amount: call.deal.amount,
          }
        : null,
      parties: parties.map((p) => partyOut(p, ctx.caller.canSeePii)),
      metrics,
    };
    let used = estimateTokens(header) + estimateTokens(JSON.stringify(base)) + 100;
    const segments = [];
    const lines = [];
    for (const s of r.segments) {
      const out = segmentOut(call.callId, s);
      const line = renderSegment(s);
      const cost = estimateTokens(line) + estimateTokens(JSON.stringify(out));
      if (segments.length > 0 && used + cost > RESPONSE_TOKENS) break;
      segments.push(out);
      lines.push(line);
      used += cost;
    }
    const last = segments[segments.length - 1];
    const hasMore = !!last && last.segmentIndex < r.total.lastIndex;
    const nextCursor =
      hasMore && last ? pageCursor({ callId: args.callId }, { index: last.segmentIndex + 1 }) : null;
    const transcriptText = !args.transcript
      ? ''
      : segments.length === 0
        ? '\n\nTranscript: none from that point.'
        : `\n\nTranscript (sentences ${segments[0]!.segmentIndex + 1}-${last!.segmentIndex + 1} of ${r.total.count}${nextCursor ? '; more: pass nextCursor' : ''}):\n${lines.join('\n')}`;
    return {
      structured: { ...base, transcript: { segments, totalSegments: r.total.count, nextCursor } },
      text: `${header}${transcriptText}`,
    };
  },
});
