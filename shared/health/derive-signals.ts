import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { AccountNameMatcher, sharedChannelSlug, slugOf } from './account-names.js';
import { isNegative, mentionsRisk, sentimentOfSentences } from './sentiment.js';

/**
 * Derives `interaction_signals` from landed data, incrementally: each call, Slack message and case not yet
 * scored is scored once and attributed to its resolved account (the canonical accounts row).
 *  - call: sentiment of what the customer side said (External participants' transcript sentences).
 *  - slack: messages in a channel shared with the account, or naming the account; escalation when posted in an
 *    escalation channel or using risk words.
 *  - case: CRM support cases; escalation when high priority or marked escalated.
 * Calls whose transcript has not landed and messages that name no account are looked at again next run.
 */
export interface DerivedCounts {
  calls: number;
  slack: number;
  cases: number;
}

const CALL_BATCH = 400;
const HIGH_PRIORITY = /^(high|urgent|critical|p1|1)$/i;

type Trx = Transaction<Database>;

async function deriveCalls(trx: Trx, tenant: string): Promise<number> {
  const { rows: calls } = await sql<{ id: string; started_at: Date; account: string }>`
    select c.id, c.started_at, coalesce(a.canonical_id, a.id) as account
    from calls c join accounts a on a.id = c.account_id
    where not exists (select 1 from interaction_signals s where s.kind = 'call' and s.item_id = c.id)`.execute(
    trx,
  );
  let n = 0;
  for (let i = 0; i < calls.length; i += CALL_BATCH) {
    const batch = calls.slice(i, i + CALL_BATCH);
    const { rows } = await sql<{ call_id: string; text: string }>`
      select s.call_id, s.text from transcript_segments s
      join call_participants p on p.id = s.participant_id
      where s.call_id = any(${batch.map((c) => c.id)}::uuid[]) and lower(p.affiliation) = 'external'
      order by s.call_id, s.segment_index`.execute(trx);
    const byCall = new Map<string, string[]>();
    for (const r of rows) {
      const list = byCall.get(r.call_id) ?? [];
      list.push(r.text);
      byCall.set(r.call_id, list);
    }
    const values = batch
      .filter((c) => byCall.has(c.id))
      .map((c) => {
        const s = sentimentOfSentences(byCall.get(c.id)!);
        return {
          tenant_id: tenant,
          kind: 'call',
          item_id: c.id,
          account_id: c.account,
          occurred_at: c.started_at,
          sentiment: s.comparative,
          negative: isNegative(s),
          escalation: false,
          evidence: s.worst,
        };
      });
    if (values.length) {
      await trx
        .insertInto('interaction_signals')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .execute();
      n += values.length;
    }
  }
  return n;
}

async function deriveSlack(trx: Trx, tenant: string): Promise<number> {
  const { rows: accounts } = await sql<{ id: string; name: string; canonical: string }>`
    select id, name, coalesce(canonical_id, id) as canonical from accounts where name is not null`.execute(
    trx,
  );
  const bySlug = new Map<string, string>();
  for (const a of accounts) bySlug.set(slugOf(a.name), a.canonical);
  const matcher = new AccountNameMatcher(accounts.map((a) => ({ id: a.canonical, name: a.name })));
  const { rows: messages } = await sql<{ id: string; text: string; posted_at: Date; channel: string | null }>`
    select m.id, m.text, m.posted_at, ch.name as channel
    from slack_messages m left join slack_channels ch on ch.id = m.channel_id
    where m.text is not null and m.posted_at is not null and coalesce(m.subtype, '') not in ('channel_join', 'channel_leave')
      and not exists (select 1 from interaction_signals s where s.kind = 'slack' and s.item_id = m.id)`.execute(
    trx,
  );
  const values = [];
  for (const m of messages) {
    const slug = m.channel ? sharedChannelSlug(m.channel) : null;
    const shared = slug ? bySlug.get(slug) : undefined;
    const targets = shared ? [shared] : matcher.match(m.text);
    if (targets.length === 0) continue;
    const s = sentimentOfSentences([m.text]);
    const escalation = /escalat/i.test(m.channel ?? '') || mentionsRisk(m.text);
    for (const account of targets) {
      values.push({
        tenant_id: tenant,
        kind: 'slack',
        item_id: m.id,
        account_id: account,
        occurred_at: m.posted_at,
        sentiment: s.comparative,
        negative: s.negativeSentences > 0,
        escalation,
        evidence: `#${m.channel ?? '?'}: ${m.text.slice(0, 200)}`,
      });
    }
  }
  for (let i = 0; i < values.length; i += 1000) {
    await trx
      .insertInto('interaction_signals')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return values.length;
}

async function deriveCases(trx: Trx, tenant: string): Promise<number> {
  const { rows } = await sql<{
    id: string;
    occurred_at: Date;
    account: string;
    priority: string | null;
    subject: string | null;
    status: string | null;
  }>`
    select t.id, t.occurred_at, coalesce(a.canonical_id, a.id) as account, t.priority, t.subject, t.status
    from activities t join accounts a on a.id = t.account_id
    where t.kind = 'case' and t.occurred_at is not null
      and not exists (select 1 from interaction_signals s where s.kind = 'case' and s.item_id = t.id)`.execute(
    trx,
  );
  const values = rows.map((r) => ({
    tenant_id: tenant,
    kind: 'case',
    item_id: r.id,
    account_id: r.account,
    occurred_at: r.occurred_at,
    sentiment: null,
    negative: false,
    escalation:
      HIGH_PRIORITY.test(r.priority ?? '') || /escalat/i.test(`${r.status ?? ''} ${r.subject ?? ''}`),
    evidence: `${r.priority ?? 'no'} priority case: ${r.subject ?? '(no subject)'}`,
  }));
  for (let i = 0; i < values.length; i += 1000) {
    await trx
      .insertInto('interaction_signals')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return values.length;
}

export async function deriveSignals(trx: Trx, tenant: string): Promise<DerivedCounts> {
  return {
    calls: await deriveCalls(trx, tenant),
    slack: await deriveSlack(trx, tenant),
    cases: await deriveCases(trx, tenant),
  };
}
