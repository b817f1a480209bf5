import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import type { AccountHistory, AccountProfile, OpportunityEvent, SignalEvent, Touch } from './history.js';

/**
 * Loads every resolved account's history for the tenant in a few set-based queries (accounts grouped by
 * canonical_id; Gong calls, CRM activities and shared-channel Slack messages as touchpoints; derived signals;
 * opportunities). A resolved account's profile prefers Salesforce values, then HubSpot, then any source.
 */
export interface LoadedHistories {
  histories: AccountHistory[];
  /** Earliest and latest touchpoint (ms), or null without any. */
  dataStart: number | null;
  dataEnd: number | null;
}

const SOURCE_RANK = `case a.source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end`;

export async function loadHistories(
  trx: Transaction<Database>,
  options: { accountIds?: string[] } = {},
): Promise<LoadedHistories> {
  const only = options.accountIds;
  const filter = only ? sql`and coalesce(a.canonical_id, a.id) = any(${only}::uuid[])` : sql``;
  const { rows: accounts } = await sql<{
    cid: string;
    name: string | null;
    status: string | null;
    churned_at: Date | null;
    region: string | null;
    state: string | null;
    units: number | null;
    owner_user_id: string | null;
  }>`
    select distinct on (coalesce(a.canonical_id, a.id)) coalesce(a.canonical_id, a.id) as cid,
      a.name, a.status, (select max(b.churned_at) from accounts b where coalesce(b.canonical_id, b.id) = coalesce(a.canonical_id, a.id)) as churned_at,
      a.region, a.state, a.portfolio_units as units, a.owner_user_id
    from accounts a where true ${filter}
    order by coalesce(a.canonical_id, a.id), ${sql.raw(SOURCE_RANK)}, a.created_at`.execute(trx);
  const byId = new Map<string, AccountHistory>();
  for (const r of accounts) {
    const account: AccountProfile = {
      id: r.cid,
      name: r.name ?? '(unnamed)',
      status: r.status,
      churnedAt: r.churned_at ? r.churned_at.getTime() : null,
      region: r.region,
      state: r.state,
      units: r.units,
      ownerUserId: r.owner_user_id,
    };
    byId.set(r.cid, { account, touches: [], signals: [], opportunities: [] });
  }
  const { rows: touches } = await sql<{ cid: string; at: Date; kind: string; source: string }>`
    select coalesce(a.canonical_id, a.id) as cid, c.started_at as at, 'gong_call' as kind, c.source
    from calls c join accounts a on a.id = c.account_id where true ${filter}
    union all
    select coalesce(a.canonical_id, a.id), t.occurred_at, t.kind, t.source
    from activities t join accounts a on a.id = t.account_id where t.occurred_at is not null ${filter}
    union all
    select coalesce(a.canonical_id, a.id), s.occurred_at, 'slack', 'slack'
    from interaction_signals s join accounts a on a.id = s.account_id
    join slack_messages m on m.id = s.item_id join slack_channels ch on ch.id = m.channel_id
    where s.kind = 'slack' and ch.name ~* '^(ext|shared|cust|customer|client|partner)[-_]' ${filter}`.execute(
    trx,
  );
  for (const t of touches) {
    byId.get(t.cid)?.touches.push({ at: t.at.getTime(), kind: t.kind, source: t.source } satisfies Touch);
  }
  const { rows: signals } = await sql<{
    cid: string;
    at: Date;
    kind: SignalEvent['kind'];
    item_id: string;
    sentiment: number | null;
    negative: boolean;
    escalation: boolean;
    evidence: string | null;
  }>`
    select coalesce(a.canonical_id, a.id) as cid, s.occurred_at as at, s.kind, s.item_id, s.sentiment, s.negative,
      s.escalation, s.evidence
    from interaction_signals s join accounts a on a.id = s.account_id where true ${filter}`.execute(trx);
  for (const s of signals) {
    byId.get(s.cid)?.signals.push({
      at: s.at.getTime(),
      kind: s.kind,
      itemId: s.item_id,
      sentiment: s.sentiment,
      negative: s.negative,
      escalation: s.escalation,
      evidence: s.evidence,
    });
  }
  const { rows: opps } = await sql<{
    cid: string;
    id: string;
    close_date: Date | null;
    is_closed: boolean | null;
    is_won: boolean | null;
    amount: string | null;
    type: string | null;
    name: string | null;
  }>`
    select coalesce(a.canonical_id, a.id) as cid, o.id, o.close_date, o.is_closed, o.is_won, o.amount, o.type, o.name
    from opportunities o join accounts a on a.id = o.account_id where true ${filter}`.execute(trx);
  for (const o of opps) {
    byId.get(o.cid)?.opportunities.push({
      id: o.id,
      closeAt: o.close_date ? o.close_date.getTime() : null,
      isClosed: o.is_closed === true,
      isWon: o.is_won === true,
      amount: o.amount === null ? 0 : Number(o.amount),
      type: o.type,
      name: o.name,
    } satisfies OpportunityEvent);
  }
  let dataStart: number | null = null;
  let dataEnd: number | null = null;
  for (const h of byId.values()) {
    h.touches.sort((a, b) => a.at - b.at);
    h.signals.sort((a, b) => a.at - b.at);
    const first = h.touches[0]?.at;
    const last = h.touches[h.touches.length - 1]?.at;
    if (first !== undefined && (dataStart === null || first < dataStart)) dataStart = first;
    if (last !== undefined && (dataEnd === null || last > dataEnd)) dataEnd = last;
  }
  return { histories: [...byId.values()], dataStart, dataEnd };
}
