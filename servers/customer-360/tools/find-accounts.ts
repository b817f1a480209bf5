import { sql } from 'kysely';
import { z } from 'zod';
import { defineTool } from '../../../shared/runtime/define-tool.js';

const LEGAL = /\b(llc|inc|ltd|lp|llp|co|corp|corporation|company)\b\.?/gi;

export const findAccounts = defineTool({
  name: 'find_accounts',
  title: 'Find customer accounts',
  toolset: 'customer',
  description: `Finds resolved customer accounts (one per real company, merged across Salesforce, HubSpot, Gong and Slack) by name, domain, contact name or email, or id.
Name matching is fuzzy: every word must appear ("Enterprise Property Group" finds "Enterprise Property Group, LLC"). Returns each account's Sophia id (pass it to account_360, timeline, health_scores), its ids in every source, status, region and latest health score.`,
  input: {
    query: z
      .string()
      .trim()
      .min(2, 'query needs at least 2 characters, e.g. "Harbor View" or "harborview.com"')
      .max(200)
      .describe('Name, domain, contact name or email, or an id (Sophia uuid, Salesforce or HubSpot id).'),
    limit: z.number().int().min(1, 'limit must be at least 1').max(50, 'limit can be at most 50').default(10),
  },
  output: {
    accounts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        domain: z.string().nullable(),
        status: z.string().nullable(),
        region: z.string().nullable(),
        matchedBy: z.string(),
        sources: z.array(z.object({ source: z.string(), sourceId: z.string(), id: z.string() })),
        health: z.object({ score: z.number(), band: z.string(), scoredAt: z.string() }).nullable(),
      }),
    ),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const words = args.query
      .replace(LEGAL, ' ')
      .toLowerCase()
      .split(/[^a-z0-9@.-]+/)
      .filter((w) => w.length > 0);
    const patterns = words.map((w) => `%${w.replace(/[%_\\]/g, '\\$&')}%`);
    const q = args.query.toLowerCase();
    const rows = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const { rows: hits } = await sql<{ cid: string; how: string }>`
          select coalesce(canonical_id, id) as cid, 'id' as how from accounts
            where id::text = ${q} or lower(source_id) = ${q}
          union all
          select coalesce(canonical_id, id), 'domain' from accounts where lower(domain) = ${q} or lower(website) like ${`%${q}%`}
          union all
          select coalesce(canonical_id, id), 'name' from accounts
            where ${patterns.length ? sql`lower(name) like all(${patterns}::text[])` : sql`false`}
          union all
          select coalesce(a.canonical_id, a.id), 'contact' from contacts c join accounts a on a.id = c.account_id
            where lower(c.email) = ${q} or (${patterns.length ? sql`lower(c.full_name) like all(${patterns}::text[])` : sql`false`})
          limit 500`.execute(trx);
        const order = new Map<string, string>();
        for (const h of hits) if (!order.has(h.cid)) order.set(h.cid, h.how);
        const ids = [...order.keys()].slice(0, args.limit);
        if (ids.length === 0) return [];
        const { rows: members } = await sql<{
          cid: string;
          id: string;
          source: string;
          source_id: string;
          name: string | null;
          domain: string | null;
          status: string | null;
          region: string | null;
        }>`
          select coalesce(canonical_id, id) as cid, id, source, source_id, name, domain, status, region from accounts
          where coalesce(canonical_id, id) = any(${ids}::uuid[])
          order by case source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end, created_at`.execute(
          trx,
        );
        const { rows: health } = await sql<{
          account_id: string;
          score: number;
          band: string;
          scored_at: Date;
        }>`
          select distinct on (account_id) account_id, score, band, scored_at from health_scores
          where account_id = any(${ids}::uuid[]) order by account_id, scored_at desc`.execute(trx);
        const h = new Map(health.map((x) => [x.account_id, x]));
        return ids.map((id) => {
          const ms = members.filter((m) => m.cid === id);
          const first = ms[0];
          const hs = h.get(id);
          return {
            id,
            name: first?.name ?? '(unnamed)',
            domain: ms.find((m) => m.domain)?.domain ?? null,
            status: first?.status ?? null,
            region: ms.find((m) => m.region)?.region ?? null,
            matchedBy: order.get(id)!,
            sources: ms.map((m) => ({ source: m.source, sourceId: m.source_id, id: m.id })),
            health: hs ? { score: hs.score, band: hs.band, scoredAt: hs.scored_at.toISOString() } : null,
          };
        });
      },
      { readOnly: true },
    );
    const text = rows.length
      ? rows
          .map(
            (a) =>
              `- ${a.name} (id ${a.id}; ${a.status ?? 'status unknown'}; ${a.region ?? 'region unknown'})` +
              `${a.health ? ` health ${a.health.score} ${a.health.band}` : ''}; sources: ${a.sources.map((s) => `${s.source} ${s.sourceId}`).join(', ')}`,
          )
          .join('\n')
      : `No account matches "${args.query}". Try fewer words, a domain (example.com) or a contact's email.`;
    return {
      structured: {
        accounts: rows,
        source: 'accounts, contacts and health_scores (Salesforce, HubSpot; resolved by identity)',
      },
      text,
    };
  },
});
