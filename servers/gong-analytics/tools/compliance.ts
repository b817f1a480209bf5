import { sql } from 'kysely';
import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { callCitation, pageCursor, readPageCursor, RESPONSE_TOKENS, takeWithin } from '../format.js';
import { cursorInput, dateInput, limitInput, periodInput } from '../inputs.js';
import { dateRange } from '../../../shared/time/period.js';
import { countOf } from '../../../shared/util/plural.js';

interface FindingRow {
  source: string;
  callId: string | null;
  channel: string | null;
  slackTs: string | null;
  rule: string;
  category: string;
  severity: string;
  term: string | null;
  protectedClass: string | null;
  speaker: string | null;
  affiliation: string | null;
  startMs: number | null;
  text: string | null;
  cite: string | null;
  details: Record<string, unknown> | null;
  occurredAt: Date | null;
}

const NOTICE = 'Not legal advice: findings are risk signals for a compliance reviewer.';

export const compliance = defineTool({
  name: 'compliance',
  title: 'Compliance risks and topics',
  toolset: 'insights',
  description: `Compliance risks found on calls and Slack: Fair Housing phrases (HUD "ok" phrases never flagged) and FDCPA / Regulation F contact rules (calls outside 8am-9pm in the resident's time zone, more than 7 calls in 7 days, missing mini-Miranda), each cited; and the compliance topics customers raise most. Filter by category, source, rule, period. Not legal advice.`,
  input: {
    category: z.enum(['fair_housing', 'fdcpa']).optional(),
    source: z.enum(['call', 'slack']).optional(),
    rule: z.string().trim().max(60).optional().describe('e.g. fdcpa_time_of_day'),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
    limit: limitInput(50, 10),
    cursor: cursorInput,
  },
  output: {
    period: z.string(),
    total: z.number().int(),
    byRule: z.array(
      z.object({
        rule: z.string(),
        category: z.string(),
        source: z.string(),
        findings: z.number().int(),
        high: z.number().int(),
      }),
    ),
    findings: z.array(
      z.object({
        source: z.string(),
        rule: z.string(),
        severity: z.string(),
        term: z.string().nullable(),
        protectedClass: z.string().nullable(),
        text: z.string().nullable(),
        speaker: z.string().nullable(),
        cite: z.string().nullable().describe('Statute or regulation'),
        details: z.record(z.string(), z.unknown()).nullable(),
        occurredAt: z.string().nullable(),
        citation: z.string().describe('Where it was said or written'),
      }),
    ),
    topics: z
      .array(z.object({ topic: z.string(), calls: z.number().int(), customerCalls: z.number().int() }))
      .describe('Compliance topics discussed on calls, most calls first'),
    nextCursor: z.string().nullable(),
    notice: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const { cursor, limit, ...query } = args;
    const offset = readPageCursor<{ offset: number }>(cursor, query)?.offset ?? 0;
    const range = dateRange(args);
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const where = sql`true
          ${args.category ? sql`and f.category = ${args.category}` : sql``}
          ${args.source ? sql`and f.source = ${args.source}` : sql``}
          ${args.rule ? sql`and f.rule = ${args.rule}` : sql``}
          ${range.from ? sql`and f.occurred_at >= ${range.from}` : sql``}
          ${range.to ? sql`and f.occurred_at < ${range.to}` : sql``}`;
        const { rows: byRule } = await sql<{
          rule: string;
          category: string;
          source: string;
          findings: number;
          high: number;
        }>`
          select f.rule, f.category, f.source, count(*)::int as findings, count(*) filter (where f.severity = 'high')::int as high
          from compliance_findings f where ${where} group by 1, 2, 3 order by findings desc, 1, 3`.execute(
          trx,
        );
        const { rows: findings } = await sql<FindingRow>`
          select f.source, c.source_id as "callId", ch.name as channel, m.ts as "slackTs", f.rule, f.category, f.severity,
            f.term, f.protected_class as "protectedClass",
            coalesce(p.name, su.full_name, f.speaker_id) as speaker, f.affiliation, f.start_ms as "startMs", f.text, f.cite,
            f.details, f.occurred_at as "occurredAt"
          from compliance_findings f
          left join calls c on c.id = f.call_id
          left join slack_messages m on m.id = f.slack_message_id
          left join slack_channels ch on ch.id = m.channel_id
          left join users su on su.id = m.user_id
          left join call_participants p on p.call_id = f.call_id and p.speaker_id = f.speaker_id
          where ${where}
          order by (f.severity = 'high') desc, f.occurred_at desc nulls last, f.id
          offset ${offset} limit ${limit}`.execute(trx);
        const { rows: topics } = await sql<{ topic: string; calls: number; customerCalls: number }>`
          select lower(th.phrase) as topic, count(distinct th.call_id)::int as calls,
            count(distinct th.call_id) filter (where lower(p.affiliation) = 'external')::int as "customerCalls"
          from tracker_hits th join calls c on c.id = th.call_id
          left join call_participants p on p.id = th.participant_id
          where th.category = 'compliance' and th.phrase is not null
            ${range.from ? sql`and c.started_at >= ${range.from}` : sql``}
            ${range.to ? sql`and c.started_at < ${range.to}` : sql``}
          group by 1 order by "customerCalls" desc, calls desc, 1 limit 12`.execute(trx);
        return { byRule, findings, topics };
      },
      { readOnly: true },
    );
    const total = r.byRule.reduce((a, b) => a + b.findings, 0);
    const where = (f: FindingRow) =>
      f.source === 'call' && f.callId
        ? callCitation(f.callId, f.startMs, f.speaker)
        : `slack #${f.channel ?? '?'} ts ${f.slackTs ?? '?'}${f.speaker ? ` (${f.speaker})` : ''}`;
    const out = (f: FindingRow) => ({
      source: f.source,
      rule: f.rule,
      severity: f.severity,
      term: f.term,
      protectedClass: f.protectedClass,
      text: f.text,
      speaker: f.speaker,
      cite: f.cite,
      details: f.details,
      occurredAt: f.occurredAt ? f.occurredAt.toISOString() : null,
      citation: where(f),
    });
    const line = (f: FindingRow) =>
      `- [${f.severity}] ${f.rule}${f.term ? ` "${f.term}"${f.protectedClass ? ` (${f.protectedClass})` : ''}` : ''}: ${f.text ? `"${f.text}" ` : ''}${f.details ? `${JSON.stringify(f.details)} ` : ''}— ${where(f)}${f.cite ? `; ${f.cite}` : ''}`;
    const topicsText = r.topics
      .map((t) => `${t.topic} ${countOf(t.calls, 'call')} (customers on ${t.customerCalls})`)
      .join('; ');
    const picked = takeWithin(
      r.findings,
      line,
      out,
      RESPONSE_TOKENS - 400 - Math.ceil(topicsText.length / 1.8),
    );
    const next = offset + picked.structured.length;
    const nextCursor =
      next < total && picked.structured.length > 0 ? pageCursor(query, { offset: next }) : null;
    const text = [
      total === 0
        ? `No compliance findings for ${range.label}${args.category ? ` (${args.category})` : ''}.`
        : `${total} compliance finding(s), ${range.label}: ${r.byRule.map((b) => `${b.rule} on ${b.source} ${b.findings}${b.high ? ` (${b.high} high)` : ''}`).join('; ')}.`,
      ...(picked.lines.length
        ? [`Findings ${offset + 1}-${next}${nextCursor ? ' (more: pass nextCursor)' : ''}:`, ...picked.lines]
        : []),
      r.topics.length ? `Compliance topics discussed on calls: ${topicsText}.` : '',
      NOTICE,
    ]
      .filter(Boolean)
      .join('\n');
    return {
      structured: {
        period: range.label,
        total,
        byRule: r.byRule,
        findings: picked.structured,
        topics: r.topics,
        nextCursor,
        notice: NOTICE,
      },
      text,
    };
  },
});
