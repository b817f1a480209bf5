import { sql } from 'kysely';
import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';
import { resolveAccount } from '../data/resolve.js';

const FIELDS = [
  'name',
  'domain',
  'status',
  'region',
  'state',
  'portfolio_units',
  'pms_platform',
  'arr',
  'churned_at',
] as const;

export const account360 = defineTool({
  name: 'account_360',
  title: 'One account across every source',
  toolset: 'customer',
  description: `One customer account merged across Salesforce, HubSpot, Gong and Slack: profile fields with provenance (which system said what, and when it last changed), people, open and closed opportunities, latest health, recent interactions (Gong calls, CRM activities) and open cases. Budgeted: up to 10 of each list.
account_id: an id from find_accounts (Sophia uuid, or a Salesforce/HubSpot id).`,
  input: {
    account_id: z.string().trim().min(1, 'account_id is required: an id from find_accounts').max(100),
  },
  output: {
    account: z.object({ id: z.string(), name: z.string() }),
    profile: z.array(
      z.object({
        field: z.string(),
        value: z.string().nullable(),
        provenance: z.array(
          z.object({ source: z.string(), sourceId: z.string(), value: z.string(), updatedAt: z.string() }),
        ),
      }),
    ),
    people: z.array(
      z.object({
        name: z.string().nullable(),
        title: z.string().nullable(),
        email: z.string().nullable(),
        source: z.string(),
      }),
    ),
    opportunities: z.array(
      z.object({
        name: z.string().nullable(),
        stage: z.string().nullable(),
        amount: z.number().nullable(),
        closeDate: z.string().nullable(),
        isClosed: z.boolean(),
        isWon: z.boolean(),
        source: z.string(),
      }),
    ),
    health: z.object({ score: z.number(), band: z.string(), scoredAt: z.string() }).nullable(),
    interactions: z.array(
      z.object({
        at: z.string(),
        kind: z.string(),
        source: z.string(),
        id: z.string(),
        title: z.string().nullable(),
      }),
    ),
    openCases: z.array(
      z.object({
        at: z.string(),
        subject: z.string().nullable(),
        priority: z.string().nullable(),
        id: z.string(),
      }),
    ),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const account = await resolveAccount(trx, args.account_id);
        const ids = account.members.map((m) => m.id);
        const { rows: rowsRaw } = await sql<Record<string, unknown>>`
          select id, source, source_id, updated_at, ${sql.join(FIELDS.map((f) => sql.ref(f)))} from accounts
          where id = any(${ids}::uuid[])
          order by case source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end, created_at`.execute(
          trx,
        );
        const { rows: people } = await sql<{
          full_name: string | null;
          title: string | null;
          email: string | null;
          source: string;
        }>`
          select full_name, title, email, source from contacts where account_id = any(${ids}::uuid[])
          order by updated_at desc limit 10`.execute(trx);
        const { rows: opps } = await sql<{
          name: string | null;
          stage: string | null;
          amount: string | null;
          close_date: Date | null;
          is_closed: boolean;
          is_won: boolean;
          source: string;
        }>`
          select name, stage, amount, close_date, is_closed, is_won, source from opportunities
          where account_id = any(${ids}::uuid[]) order by is_closed, close_date desc nulls last limit 10`.execute(
          trx,
        );
        const { rows: interactions } = await sql<{
          at: Date;
          kind: string;
          source: string;
          id: string;
          title: string | null;
        }>`
          (select started_at as at, 'gong_call' as kind, source, source_id as id, title from calls
            where account_id = any(${ids}::uuid[]) order by started_at desc limit 10)
          union all
          (select occurred_at, kind, source, source_id, subject from activities
            where account_id = any(${ids}::uuid[]) and occurred_at is not null order by occurred_at desc limit 10)
          order by at desc limit 10`.execute(trx);
        const { rows: cases } = await sql<{
          at: Date;
          subject: string | null;
          priority: string | null;
          id: string;
        }>`
          select occurred_at as at, subject, priority, source_id as id from activities
          where account_id = any(${ids}::uuid[]) and kind = 'case' and coalesce(lower(status), '') not in ('closed', 'resolved')
          order by occurred_at desc nulls last limit 10`.execute(trx);
        const health = await trx
          .selectFrom('health_scores')
          .select(['score', 'band', 'scored_at'])
          .where('account_id', '=', account.id)
          .orderBy('scored_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        return { account, rows: rowsRaw, people, opps, interactions, cases, health };
      },
      { readOnly: true },
    );
    const str = (v: unknown) =>
      v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);
    const profile = FIELDS.map((field) => {
      const provenance = r.rows
        .filter((row) => str(row[field]) !== null)
        .map((row) => ({
          source: String(row.source),
          sourceId: String(row.source_id),
          value: str(row[field])!,
          updatedAt: (row.updated_at as Date).toISOString(),
        }));
      return { field, value: provenance[0]?.value ?? null, provenance };
    });
    const pii = ctx.caller.canSeePii;
    const people = r.people.map((p) => ({
      name: p.full_name,
      title: p.title,
      email: p.email && !pii ? p.email.replace(/^[^@]+/, '***') : p.email,
      source: p.source,
    }));
    const opportunities = r.opps.map((o) => ({
      name: o.name,
      stage: o.stage,
      amount: o.amount === null ? null : Number(o.amount),
      closeDate: o.close_date ? o.close_date.toISOString().slice(0, 10) : null,
      isClosed: o.is_closed,
      isWon: o.is_won,
      source: o.source,
    }));
    const interactions = r.interactions.map((i) => ({
      at: i.at.toISOString(),
      kind: i.kind,
      source: i.source,
      id: i.id,
      title: i.title,
    }));
    const openCases = r.cases.map((c) => ({
      at: c.at ? c.at.toISOString() : '',
      subject: c.subject,
      priority: c.priority,
      id: c.id,
    }));
    const health = r.health
      ? { score: r.health.score, band: r.health.band, scoredAt: r.health.scored_at.toISOString() }
      : null;
    const text = [
      `# ${r.account.name} (id ${r.account.id})`,
      ...profile
        .filter((p) => p.value !== null)
        .map(
          (p) =>
            `- ${p.field}: ${p.value} [${p.provenance.map((x) => `${x.source} ${x.sourceId}`).join('; ')}]`,
        ),
      health
        ? `Health: ${health.score} (${health.band}) scored ${health.scoredAt.slice(0, 10)}`
        : 'Health: not scored yet',
      `People (${people.length}): ${people.map((p) => `${p.name ?? '?'}${p.title ? `, ${p.title}` : ''}`).join('; ') || 'none'}`,
      `Opportunities: ${opportunities.map((o) => `${o.name ?? '?'} ${o.stage ?? ''} ${o.amount ?? ''} (${o.source})`).join('; ') || 'none'}`,
      `Recent interactions: ${interactions.map((i) => `${i.at.slice(0, 10)} ${i.kind} ${i.source}:${i.id}`).join('; ') || 'none'}`,
      `Open cases: ${openCases.map((c) => `${c.at.slice(0, 10)} ${c.priority ?? ''} ${c.subject ?? ''}`).join('; ') || 'none'}`,
    ].join('\n');
    return {
      structured: {
        account: { id: r.account.id, name: r.account.name },
        profile,
        people,
        opportunities,
        health,
        interactions,
        openCases,
        source: 'accounts, contacts, opportunities, calls, activities, health_scores',
      },
      text,
    };
  },
});
