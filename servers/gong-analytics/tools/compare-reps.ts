import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { repExamples, repHandling, type EpisodeExample } from '../data/handling.js';
import { resolveRep } from '../data/resolve.js';
import { callCitation, formatOffset, pct, RESPONSE_TOKENS, takeWithin } from '../format.js';
import { differences, medianRep, summarize, type HandlingSummary } from '../handling.js';
import { dateInput, OBJECTION_TYPES, periodInput, repInput } from '../inputs.js';
import { dateRange } from '../../../shared/time/period.js';

const summaryOut = z.object({
  name: z.string(),
  team: z.string().nullable(),
  calls: z.number().int(),
  episodes: z.number().int(),
  perCall: z.number().nullable().describe('Objections per sales call'),
  answeredRate: z.number().nullable(),
  pauseSeconds: z.number().nullable().describe('Average pause before answering'),
  episodeTalkRatio: z.number().nullable().describe('Rep talk share in the episode, 0-1'),
  nextStepRate: z.number().nullable().describe('Episodes followed by a next step'),
  dealWinRate: z.number().nullable().describe('Closed deals won, of calls with these objections'),
  dealsClosed: z.number().int(),
  handling: z.record(z.string(), z.number().int()).describe('Episodes by handling approach'),
  topHandling: z.string().nullable(),
});

export const compareReps = defineTool({
  name: 'compare_reps',
  title: 'Compare reps on objections',
  toolset: 'coaching',
  description: `How a rep handles objections (one type or all) compared to other reps: frequency, handling approaches, pause before answering, talk share in the episode, next step reached, win rate of the deals, with the rep's quotes and the median rep. E.g. rep "Kevin Kane", type "pricing". Without rep: every rep.`,
  input: {
    rep: repInput.optional(),
    type: z.enum(OBJECTION_TYPES).optional(),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
  },
  output: {
    type: z.string(),
    period: z.string(),
    rep: summaryOut.nullable(),
    medianRep: summaryOut,
    everyoneElse: summaryOut,
    differences: z.array(z.string()).describe("The rep's notable differences from the median rep"),
    reps: z.array(summaryOut).describe('Every rep, most episodes first'),
    quotes: z.array(
      z.object({
        callId: z.string(),
        quote: z.string(),
        response: z.string().nullable(),
        handling: z.string().nullable(),
        nextStep: z.boolean(),
        citation: z.string(),
      }),
    ),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const range = dateRange(args);
        const rep = args.rep ? await resolveRep(trx, args.rep) : null;
        const rows = await repHandling(trx, args.type, range);
        const examples = rep ? await repExamples(trx, rep.userIds, args.type, range, 3) : [];
        return { range, rep, rows, examples };
      },
      { readOnly: true },
    );
    const mine = r.rep ? r.rows.filter((x) => x.key === r.rep!.key) : [];
    const others = r.rep ? r.rows.filter((x) => x.key !== r.rep!.key) : r.rows;
    const repSummary = r.rep ? { ...summarize(mine, r.rep.name), team: r.rep.team } : null;
    const med = medianRep(r.rows);
    const rest = summarize(others, r.rep ? 'everyone else' : 'everyone');
    const diffs = repSummary && repSummary.episodes ? differences(repSummary, med) : [];
    const what = args.type ? `${args.type} objections` : 'objections';
    const line = (s: HandlingSummary) =>
      `| ${s.name} | ${s.episodes} | ${s.perCall ?? 'n/a'} | ${s.topHandling ?? 'n/a'} | ${s.pauseSeconds ?? 'n/a'} | ${pct(s.episodeTalkRatio)} | ${pct(s.nextStepRate)} | ${pct(s.dealWinRate)} (${s.dealsClosed}) |`;
    const quoteOut = (e: EpisodeExample) => ({
      callId: e.callId,
      quote: e.quote,
      response: e.response,
      handling: e.handling,
      nextStep: e.nextStep,
      citation: callCitation(e.callId, e.startMs, e.speaker),
    });
    const quoteText = (e: EpisodeExample) =>
      `- "${e.quote}" (gong call ${e.callId} @ ${formatOffset(e.startMs)}, ${e.speaker ?? '?'})\n  ${r.rep?.name}: "${e.response ?? '(no answer)'}" [${e.handling ?? '?'}${e.nextStep ? ', next step' : ''}]`;
    const sorted = others
      .map((x) => summarize([x], x.name))
      .map((s, i) => ({ ...s, team: others[i]!.team }))
      .sort((a, b) => b.episodes - a.episodes || a.name.localeCompare(b.name));
    const fixedTokens = 1200 + r.examples.reduce((a, e) => a + Math.ceil((quoteText(e).length * 2) / 3.6), 0);
    const picked = takeWithin(sorted, line, (s) => s, RESPONSE_TOKENS - fixedTokens);
    const head = `| rep | episodes | per call | top handling | pause s | talk share | next step | deals won (closed) |\n|---|---|---|---|---|---|---|---|`;
    const text = [
      `${what[0]!.toUpperCase()}${what.slice(1)}, ${r.range.label}${r.rep ? `: ${r.rep.name} compared to other reps` : ': all reps'}.`,
      r.rep && !repSummary?.episodes ? `${r.rep.name} met no ${what} in this period.` : '',
      diffs.length ? `${r.rep!.name} vs the median rep: ${diffs.join('; ')}.` : '',
      head,
      ...(repSummary ? [line(repSummary)] : []),
      line(med),
      line(rest),
      ...picked.lines,
      picked.omitted ? `(${picked.omitted} more reps not shown)` : '',
      r.examples.length ? `${r.rep!.name}'s episodes:` : '',
      ...r.examples.map(quoteText),
      'Source: objection episodes detected in Gong transcripts (Sophia analysis); deals from the CRM.',
    ]
      .filter(Boolean)
      .join('\n');
    return {
      structured: {
        type: args.type ?? 'all',
        period: r.range.label,
        rep: repSummary,
        medianRep: med,
        everyoneElse: rest,
        differences: diffs,
        reps: picked.structured,
        quotes: r.examples.map(quoteOut),
      },
      text,
    };
  },
});
