import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../../schema/database.js';
import { decodeCursor, encodeCursor } from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { dateRange, PERIOD_PATTERN } from '../../../shared/time/period.js';
import { countOf } from '../../../shared/util/plural.js';
import { resolveContact } from '../data/contact.js';
import { resolveAccount } from '../data/resolve.js';

/** The kinds of interaction a timeline can hold; `kinds` filters on them. */
export const TIMELINE_KINDS = ['call', 'meeting', 'email', 'task', 'note', 'case', 'slack'] as const;
type Kind = (typeof TIMELINE_KINDS)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface TimelineItem {
  at: string;
  kind: string;
  source: string;
  id: string;
  title: string | null;
  detail: string | null;
}

/** Whom a timeline is about: the row ids of an account's or a contact's cluster. */
interface Subject {
  label: string;
  accountIds: string[];
  contactIds: string[];
}

export const timeline = defineTool({
  name: 'timeline',
  title: 'Every interaction with an account or contact',
  toolset: 'customer',
  description: `Every interaction with one account (account_id) or contact (contact_id: id or email) across Gong calls, CRM activities (Salesforce tasks, events, cases; HubSpot engagements) and the account's Slack channels, newest first, each with its source and id. Narrow by period ("2025-Q3"), from/to dates or kinds; page with cursor.`,
  input: {
    account_id: z.string().trim().min(1).max(100).optional().describe('From find_accounts'),
    contact_id: z.string().trim().min(1).max(200).optional().describe('Contact id or email'),
    period: z
      .string()
      .trim()
      .max(10)
      .refine(
        (v) => PERIOD_PATTERN.test(v),
        'period is a year "2025", a quarter "2025-Q3" or a month "2025-07"',
      )
      .optional(),
    from: z
      .string()
      .trim()
      .refine((v) => DATE.test(v), 'from is a date YYYY-MM-DD, e.g. "2025-03-31"')
      .optional(),
    to: z
      .string()
      .trim()
      .refine((v) => DATE.test(v), 'to is a date YYYY-MM-DD, e.g. "2025-06-30"')
      .optional(),
    kinds: z.array(z.enum(TIMELINE_KINDS)).max(TIMELINE_KINDS.length).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.string().max(500).optional(),
  },
  output: {
    subject: z.string(),
    range: z.string(),
    items: z.array(
      z.object({
        at: z.string(),
        kind: z.string(),
        source: z.string(),
        id: z.string(),
        title: z.string().nullable(),
        detail: z.string().nullable(),
      }),
    ),
    counts: z.record(z.string(), z.number().int()),
    nextCursor: z.string().optional(),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    if (Boolean(args.account_id) === Boolean(args.contact_id)) {
      throw new ToolInputError(
        'Pass exactly one of account_id (an id from find_accounts) or contact_id (a contact id or email).',
      );
    }
    const range = dateRange(args);
    const after = args.cursor ? cursorPosition(decodeCursor(args.cursor)) : undefined;
    const all = !args.kinds?.length;
    const kinds = new Set<Kind>(all ? TIMELINE_KINDS : args.kinds);
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const subject = await subjectOf(trx, args);
        const rows = await timelineRows(
          trx,
          subject,
          { from: range.from, to: range.to, kinds, all, after },
          args.limit + 1,
        );
        const counts = await timelineCounts(trx, subject, { from: range.from, to: range.to, kinds, all });
        return { subject, rows, counts };
      },
      { readOnly: true },
    );
    const items = r.rows.slice(0, args.limit);
    const last = items.at(-1);
    const nextCursor =
      r.rows.length > args.limit && last
        ? encodeCursor({ at: last.at, key: `${last.source}:${last.id}` })
        : undefined;
    const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
    const text = [
      `# ${r.subject.label}: ${countOf(total, 'interaction')} (${range.label})` +
        (total
          ? `: ${Object.entries(r.counts)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ')}`
          : ''),
      ...items.map(
        (i) =>
          `- ${i.at.slice(0, 16).replace('T', ' ')} ${i.kind} ${i.title ? `"${i.title}"` : ''}${i.detail ? ` — ${i.detail}` : ''} [${i.source}:${i.id}]`,
      ),
      total === 0 ? 'No interactions in this range: widen the period or drop the kinds filter.' : '',
      nextCursor ? `More: call again with cursor "${nextCursor}".` : '',
    ]
      .filter(Boolean)
      .join('\n');
    return {
      structured: {
        subject: r.subject.label,
        range: range.label,
        items,
        counts: r.counts,
        ...(nextCursor ? { nextCursor } : {}),
        source: 'calls, call_participants, activities, slack_messages, slack_channels',
      },
      text,
    };
  },
});

function cursorPosition(c: Record<string, unknown>): { at: string; key: string } {
  if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at)) || typeof c.key !== 'string') {
    throw new ToolInputError(
      '`cursor` is not valid. Pass the `nextCursor` value from the previous answer unchanged.',
    );
  }
  return { at: c.at, key: c.key };
}

async function subjectOf(
  trx: Transaction<Database>,
  args: { account_id?: string | undefined; contact_id?: string | undefined },
): Promise<Subject> {
  if (args.account_id) {
    const account = await resolveAccount(trx, args.account_id);
    return {
      label: `${account.name} (account ${account.id})`,
      accountIds: account.members.map((m) => m.id),
      contactIds: [],
    };
  }
  const contact = await resolveContact(trx, args.contact_id!);
  return {
    label: `${contact.name} (contact ${contact.id})`,
    accountIds: [],
    contactIds: contact.members.map((m) => m.id),
  };
}

interface Filter {
  from: Date | null;
  to: Date | null;
  kinds: Set<Kind>;
  /** No kinds filter given: every kind, including activity kinds not in TIMELINE_KINDS. */
  all: boolean;
}

/**
 * One SELECT per source, each already restricted to the subject and the range, united and ordered newest first.
 * Keyset pagination on (at, source:id): stable however many rows share a timestamp.
 */
function unionOf(subject: Subject, f: Filter) {
  const parts = [];
  const inRange = (col: ReturnType<typeof sql.ref>) =>
    sql`${f.from ? sql`${col} >= ${f.from}` : sql`true`} and ${f.to ? sql`${col} < ${f.to}` : sql`true`}`;
  const acc = subject.accountIds;
  const con = subject.contactIds;
  if (f.kinds.has('call')) {
    const who = acc.length
      ? sql`c.account_id = any(${acc}::uuid[])`
      : sql`exists (select 1 from call_participants p where p.call_id = c.id and p.contact_id = any(${con}::uuid[]))`;
    parts.push(sql`
      select c.started_at as at, 'call' as kind, c.source, c.source_id as id, c.title,
        left(c.brief, 160) as detail
      from calls c where ${who} and ${inRange(sql.ref('c.started_at'))}`);
  }
  if (f.kinds.size > 1 || !f.kinds.has('slack')) {
    const who = acc.length
      ? sql`a.account_id = any(${acc}::uuid[])`
      : sql`a.contact_id = any(${con}::uuid[])`;
    // Every activity kind when no filter is given (sources add kinds); else the kinds asked for ('call' includes
    // calls logged in the CRM).
    const kindFilter = f.all ? sql`true` : sql`a.kind = any(${[...f.kinds]}::text[])`;
    parts.push(sql`
      select a.occurred_at as at, a.kind, a.source, a.source_id as id, a.subject as title,
        nullif(concat_ws(' · ', a.status, a.priority, left(a.body, 120)), '') as detail
      from activities a
      where ${who} and a.occurred_at is not null and ${kindFilter}
        and ${inRange(sql.ref('a.occurred_at'))}`);
  }
  if (f.kinds.has('slack') && acc.length) {
    parts.push(sql`
      select m.posted_at as at, 'slack' as kind, m.source, m.source_id as id, '#' || ch.name as title,
        left(m.text, 160) as detail
      from slack_messages m join slack_channels ch on ch.id = m.channel_id
      where ch.account_id = any(${acc}::uuid[]) and ${inRange(sql.ref('m.posted_at'))}`);
  }
  return parts;
}

async function timelineRows(
  trx: Transaction<Database>,
  subject: Subject,
  f: Filter & { after: { at: string; key: string } | undefined },
  limit: number,
): Promise<TimelineItem[]> {
  const parts = unionOf(subject, f);
  if (parts.length === 0) return [];
  const after = f.after
    ? sql`where (t.at, t.source || ':' || t.id) < (${f.after.at}::timestamptz, ${f.after.key})`
    : sql``;
  const { rows } = await sql<{
    at: Date;
    kind: string;
    source: string;
    id: string;
    title: string | null;
    detail: string | null;
  }>`
    select * from (${sql.join(parts, sql` union all `)}) t ${after}
    order by t.at desc, t.source || ':' || t.id desc limit ${limit}`.execute(trx);
  return rows.map((r) => ({
    at: r.at.toISOString(),
    kind: r.kind,
    source: r.source,
    id: r.id,
    title: r.title,
    detail: r.detail ? r.detail.replace(/\s+/g, ' ').trim() : null,
  }));
}

async function timelineCounts(
  trx: Transaction<Database>,
  subject: Subject,
  f: Filter,
): Promise<Record<string, number>> {
  const parts = unionOf(subject, f);
  if (parts.length === 0) return {};
  const { rows } = await sql<{ kind: string; n: number }>`
    select kind, count(*)::int as n from (${sql.join(parts, sql` union all `)}) t group by kind order by n desc, kind`.execute(
    trx,
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}
