import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncDictionary } from '../../shared/ingest/dictionary.js';
import { readAirbyteFile } from '../../shared/ingest/airbyte/reader.js';
import { LANDED_TABLES } from '../../shared/ingest/demo/ingest.js';
import { connectedComponents } from '../../shared/ingest/identity.js';
import { startIngestRun, type RunSummary } from '../../shared/ingest/run.js';
import type { SourceName } from '../../shared/ingest/types.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

/**
 * Every stream of the fixtures (real Airbyte sample records and constructed records for the streams Airbyte
 * has no committed sample of) through the real dictionary mappings, on both engines: the right tables, the
 * right values, then identity links and canonical ids across sources.
 */
const fixtures = fileURLToPath(new URL('../fixtures/airbyte/', import.meta.url));
const filesOf = (source: string) =>
  ['samples', 'constructed'].flatMap((dir) =>
    readdirSync(`${fixtures}${dir}`)
      .filter((f) => f.startsWith(`${source}_`) && f.endsWith('.jsonl'))
      .map((f) => `${fixtures}${dir}/${f}`),
  );

describe('connected components', () => {
  it('labels each component by its smallest id, whatever the edge order', () => {
    const nodes = ['e', 'd', 'c', 'b', 'a', 'z'];
    const a = connectedComponents(nodes, [
      ['e', 'c'],
      ['d', 'b'],
      ['c', 'd'],
    ]);
    const b = connectedComponents(nodes, [
      ['b', 'd'],
      ['c', 'e'],
      ['d', 'c'],
    ]);
    expect(Object.fromEntries(a)).toEqual({ a: 'a', b: 'b', c: 'b', d: 'b', e: 'b', z: 'z' });
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });

  it('handles long chains and nodes named only by edges', () => {
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < 5000; i++)
      edges.push([`n${String(i + 1).padStart(5, '0')}`, `n${String(i).padStart(5, '0')}`]);
    const labels = connectedComponents([], edges);
    expect(labels.size).toBe(5001);
    expect(new Set(labels.values())).toEqual(new Set(['n00000']));
  });
});

describe.each(testEngines())('fixture streams and identity on %s', (engine) => {
  let t: TestDatabase;
  const tenant = 'payready';
  const summaries: Partial<Record<SourceName, RunSummary>> = {};
  const q = async <T>(query: string): Promise<T[]> =>
    t.sophia.withTenant(tenant, async (trx) => (await sql.raw<T>(query).execute(trx)).rows);

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants(tenant);
    await t.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
    for (const source of ['salesforce', 'hubspot', 'slack', 'gong'] as const) {
      const run = await startIngestRun(t.sophia, { tenant, connector: 'airbyte', source, input: 'fixtures' });
      for (const file of filesOf(source)) await readAirbyteFile(file, run, { source });
      summaries[source] = await run.finish();
    }
  }, 120_000);
  afterAll(async () => t?.close());

  const one = async <T>(query: string): Promise<T> => {
    const rows = await q<T>(query);
    expect(rows, query).toHaveLength(1);
    return rows[0]!;
  };

  it('lands every mapped stream; unmapped streams are reported and skipped', () => {
    expect(summaries.salesforce!.skipped).toEqual({ Asset: 1, LeadHistory: 1 });
    expect(summaries.salesforce!.notes.join('\n')).toMatch(/unknown stream 'Asset' skipped/);
    for (const source of ['salesforce', 'hubspot', 'gong'] as const) {
      const s = summaries[source]!;
      expect(s.status, source).toBe('succeeded');
      for (const [stream, st] of Object.entries(s.streams)) {
        if (stream in s.skipped) continue;
        expect(st, `${source} ${stream}`).toMatchObject({ deadLettered: 0 });
        expect(st.inserted, `${source} ${stream}`).toBe(st.read);
      }
    }
    expect(Object.keys(summaries.hubspot!.streams).sort()).toEqual([
      'companies',
      'contacts',
      'deals',
      'engagements',
      'engagements_calls',
      'engagements_emails',
      'engagements_meetings',
      'engagements_notes',
      'owners',
    ]);
    expect(Object.keys(summaries.gong!.streams).sort()).toEqual([
      'callTranscripts',
      'calls',
      'extensiveCalls',
      'users',
    ]);
  });

  it('Salesforce: exact ids, E.164 phones, lowercased emails, references, polymorphic WhoId/WhatId', async () => {
    const acc = await one<{ id: string; name: string; phone: string; domain: string | null }>(
      `select id, name, phone, domain from accounts where source = 'salesforce' and source_id = '0014W000027f6V2QAI'`,
    );
    expect(acc).toMatchObject({
      name: 'Express Logistics and Transport',
      phone: '+15034217800',
      domain: null,
    });
    // "www.expressl&t.net" has no registrable domain: the record lands, the value becomes a violation
    const v = await one<{ value: string; stream: string; source_id: string }>(
      `select value, stream, source_id from quality_violations where rule_key = 'accounts.domain.transform'`,
    );
    expect(v).toEqual({ value: 'www.expressl&t.net', stream: 'Account', source_id: '0014W000027f6V2QAI' });
    const contact = await one<{ email: string; phone: string; account_id: string }>(
      `select email, phone, account_id from contacts where source_id = '0034W00003AbCdEQAV'`,
    );
    expect(contact).toEqual({ email: 'dana.ruiz@acme.com', phone: '+15034217800', account_id: acc.id });
    const lead = await one<{ phone: string }>(
      `select phone from contacts where source_id = '00Q4W00001AbCdEUAV'`,
    );
    expect(lead.phone).toBe('+14155550199');
    const task = await one<{ contact: string; opp: string; account_id: string }>(
      `select c.source_id as contact, o.source_id as opp, a.account_id from activities a
       join contacts c on c.id = a.contact_id join opportunities o on o.id = a.opportunity_id
       where a.source_id = '00T4W00005AbCdEUAV'`,
    );
    expect(task).toEqual({ contact: '0034W00003AbCdEQAV', opp: '0064W00000XyZabQAB', account_id: acc.id });
    const event = await one<{ contact: string }>(
      `select c.source_id as contact from activities a join contacts c on c.id = a.contact_id
       where a.source_id = '00U4W00007AbCdEUAV'`,
    );
    expect(event.contact).toBe('00Q4W00001AbCdEUAV');
  });

  it('HubSpot: companies, contacts, deals, owners, v1 engagements and engagement streams', async () => {
    expect(await one(`select name, domain from accounts where source = 'hubspot'`)).toEqual({
      name: 'Dataline',
      domain: 'dataline.io',
    });
    expect(await one(`select email from contacts where source = 'hubspot'`)).toEqual({
      email: 'test.person@airbyte.com',
    });
    expect(await one(`select email from users where source = 'hubspot' and source_id = '52550153'`)).toEqual({
      email: 'integration-test@airbyte.io',
    });
    expect(await one(`select name from opportunities where source_id = '5313445525'`)).toEqual({
      name: 'Test Deal AAAA',
    });
    const kinds = await q<{ kind: string; source_id: string }>(
      `select kind, source_id from activities where source = 'hubspot' order by source_id`,
    );
    expect(kinds).toEqual([
      { kind: 'task', source_id: '11257289597' },
      { kind: 'note', source_id: '30652613125' },
      { kind: 'call', source_id: '41234567890' },
      { kind: 'email', source_id: '41234567891' },
      { kind: 'meeting', source_id: '41234567892' },
    ]);
    const owned = await q<{ n: number }>(
      `select count(*)::int as n from activities a join users u on u.id = a.user_id
       where a.source = 'hubspot' and u.source_id = '52550153'`,
    );
    expect(owned[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('Slack: channels, members, users; messages of a channel that never arrived are dead-lettered', async () => {
    expect(await one(`select name from slack_channels`)).toEqual({ name: 'general' });
    const member = await one<{ member_source_id: string; user: string | null }>(
      `select m.member_source_id, u.source_id as user from slack_channel_members m left join users u on u.id = m.user_id`,
    );
    expect(member.member_source_id).toBe('U04L65GPMKN');
    expect(await q(`select 1 from users where source = 'slack'`)).toHaveLength(3);
    const msg = await one<{ ts: string; posted_at: Date; channel: string }>(
      `select m.ts, m.posted_at, c.source_id as channel from slack_messages m join slack_channels c on c.id = m.channel_id`,
    );
    expect(msg).toMatchObject({ ts: '1675092508.873709', channel: 'C04KX3KEZ54' });
    // ts 1675092508.873709 s: millisecond precision (JS dates)
    expect(new Date(msg.posted_at).getTime()).toBeCloseTo(Date.parse('2023-01-30T15:28:28.873Z'), -1);
    expect(summaries.slack!.streams.channel_messages).toMatchObject({
      read: 3,
      inserted: 1,
      deadLettered: 2,
    });
    expect(summaries.slack!.streams.threads).toMatchObject({ read: 2, deadLettered: 2 });
    const dead = await q<{ error_code: string; reason: string }>(
      `select error_code, reason from dead_letters where source = 'slack'`,
    );
    expect(dead).toHaveLength(4);
    for (const d of dead) {
      expect(d.error_code).toBe('parent_missing');
      expect(d.reason).toContain('C04LTCM2Y56');
    }
  });

  it('Gong: 19-digit ids exact, CRM context to account and opportunity, participants, timed segments', async () => {
    const c = await one<{
      id: string;
      account: string;
      opp: string;
      host: string;
      started_at: Date;
      duration_seconds: number;
    }>(
      `select c.id, a.source_id as account, o.source_id as opp, u.source_id as host, c.started_at, c.duration_seconds
       from calls c join accounts a on a.id = c.account_id join opportunities o on o.id = c.opportunity_id
       join users u on u.id = c.primary_user_id where c.source_id = '7782342274025937895'`,
    );
    expect(c).toMatchObject({
      account: '0014W000027f6V2QAI',
      opp: '0064W00000XyZabQAB',
      host: '234599484848423',
      duration_seconds: 1845,
    });
    expect(new Date(c.started_at).toISOString()).toBe('2024-05-02T11:01:37.041Z');
    const parts = await q<{ email: string; user: string | null; contact: string | null }>(
      `select p.email, u.source_id as user, ct.source_id as contact from call_participants p
       left join users u on u.id = p.user_id left join contacts ct on ct.id = p.contact_id
       where p.call_id = '${c.id}' order by p.email`,
    );
    expect(parts).toEqual([
      { email: 'dana.ruiz@acme.com', user: null, contact: '0034W00003AbCdEQAV' },
      { email: 'sam.lee@example.com', user: expect.any(String), contact: null },
    ]);
    const segs = await q<{ segment_index: number; speaker: string; start_ms: number; end_ms: number }>(
      `select s.segment_index, p.email as speaker, s.start_ms, s.end_ms from transcript_segments s
       join call_participants p on p.id = s.participant_id where s.call_id = '${c.id}' order by s.segment_index`,
    );
    expect(segs).toEqual([
      { segment_index: 0, speaker: 'sam.lee@example.com', start_ms: 460, end_ms: 2890 },
      { segment_index: 1, speaker: 'sam.lee@example.com', start_ms: 2890, end_ms: 5120 },
      { segment_index: 2, speaker: 'dana.ruiz@acme.com', start_ms: 5600, end_ms: 9870 },
    ]);
  });

  it('links the same person across Gong and Salesforce and gives them one canonical id', async () => {
    const users = await q<{ source: string; canonical_id: string; id: string }>(
      `select source, canonical_id, id from users where email = 'sam.lee@example.com' order by source`,
    );
    expect(users.map((u) => u.source)).toEqual(['gong', 'salesforce']);
    expect(users[0]!.canonical_id).toBe(users[1]!.canonical_id);
    // the first row by (source, source_id): gong before salesforce, whatever the generated ids
    expect(users[0]!.canonical_id).toBe(users[0]!.id);
    const rules = await q<{ rule: string }>(
      `select rule from identity_links where entity_type = 'user' order by rule`,
    );
    expect(rules.map((r) => r.rule)).toEqual(['gong_crm_context', 'same_email']);
    // rows without links are their own cluster
    const lone = await q<{ ok: boolean }>(
      `select bool_and(canonical_id = id) as ok from users where source = 'slack'`,
    );
    expect(lone[0]!.ok).toBe(true);
  });

  it('the same rows in another order give the same links and clusters (issue 11, item 15)', async () => {
    const other = await createTestDatabase(engine);
    try {
      await other.tenants(tenant);
      await other.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
      for (const source of ['gong', 'slack', 'hubspot', 'salesforce'] as const) {
        const run = await startIngestRun(other.sophia, {
          tenant,
          connector: 'airbyte',
          source,
          input: 'fixtures',
        });
        for (const file of filesOf(source).reverse()) await readAirbyteFile(file, run, { source });
        await run.finish();
      }
      const snapshot = async (db: TestDatabase) =>
        db.sophia.withTenant(tenant, async (trx) => {
          const rowKey = `(select source || ':' || source_id from (
              select id, source, source_id from users union all select id, source, source_id from contacts
              union all select id, source, source_id from accounts) x where x.id = %s)`;
          const links = await sql
            .raw<{ k: string }>(
              `select entity_type || ' ' || rule || ' ' || ${rowKey.replace('%s', 'l.left_id')} || ' ' ||
                 ${rowKey.replace('%s', 'l.right_id')} || ' ' || coalesce(evidence::text, '') as k
               from identity_links l order by 1`,
            )
            .execute(trx);
          const canon = await sql
            .raw<{ k: string }>(
              `select source || ':' || source_id || ' -> ' || ${rowKey.replace('%s', 't.canonical_id')} as k
               from (select source, source_id, canonical_id from users union all
                     select source, source_id, canonical_id from contacts union all
                     select source, source_id, canonical_id from accounts) t order by 1`,
            )
            .execute(trx);
          return { links: links.rows.map((r) => r.k), canonical: canon.rows.map((r) => r.k) };
        });
      const a = await snapshot(t);
      const b = await snapshot(other);
      expect(a.links.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('a rerun of every fixture is unchanged and adds nothing', async () => {
    const count = () =>
      q<Record<string, number>>(
        `select ${LANDED_TABLES.map((tb) => `(select count(*)::int from ${tb}) as ${tb}`).join(', ')}`,
      );
    const before = await count();
    for (const source of ['salesforce', 'hubspot', 'slack', 'gong'] as const) {
      const run = await startIngestRun(t.sophia, { tenant, connector: 'airbyte', source, input: 'fixtures' });
      for (const file of filesOf(source)) await readAirbyteFile(file, run, { source });
      const s = await run.finish();
      for (const [stream, st] of Object.entries(s.streams)) {
        expect(st.inserted + st.updated, `${source} ${stream}`).toBe(0);
        expect(st.unchanged + st.deadLettered + (s.skipped[stream] ?? 0), `${source} ${stream}`).toBe(
          st.read,
        );
      }
    }
    expect(await count()).toEqual(before);
  });
});
