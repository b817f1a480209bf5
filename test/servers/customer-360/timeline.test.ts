import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/customer-360/server.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';

interface Item {
  at: string;
  kind: string;
  source: string;
  id: string;
  title: string | null;
}
type Result = {
  isError?: boolean;
  content: Array<{ text: string }>;
  structuredContent?: { items: Item[]; counts: Record<string, number>; nextCursor?: string; range: string };
};

/**
 * `timeline` and the customer:// resources (issue 10): every interaction with an account or a contact across
 * Gong, Salesforce, HubSpot and Slack, newest first, with its source and id; on both engines, for one tenant.
 */
describe.each(testEngines())('customer-360 timeline on %s', (engine) => {
  let t: TestDatabase;
  let conn: InMemoryConnection;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'other');
    for (const tenant of ['acme', 'other']) {
      await t.sophia.withTenant(tenant, async (trx) => {
        const [sf] = await trx
          .insertInto('accounts')
          .values({
            tenant_id: tenant,
            source: 'salesforce',
            source_id: `001${tenant}`,
            name: 'Harbor View Residential',
          })
          .returning('id')
          .execute();
        const [hs] = await trx
          .insertInto('accounts')
          .values({
            tenant_id: tenant,
            source: 'hubspot',
            source_id: `hs${tenant}`,
            name: 'Harborview Residential',
            canonical_id: sf!.id,
          })
          .returning('id')
          .execute();
        await trx.updateTable('accounts').set({ canonical_id: sf!.id }).where('id', '=', sf!.id).execute();
        const [contact] = await trx
          .insertInto('contacts')
          .values({
            tenant_id: tenant,
            source: 'salesforce',
            source_id: `003${tenant}`,
            account_id: sf!.id,
            full_name: 'Dana Ortiz',
            email: `dana@${tenant}.example`,
          })
          .returning('id')
          .execute();
        const [hsContact] = await trx
          .insertInto('contacts')
          .values({
            tenant_id: tenant,
            source: 'hubspot',
            source_id: `hsc${tenant}`,
            account_id: hs!.id,
            full_name: 'Dana Ortiz',
            email: `d.ortiz@${tenant}.example`,
            canonical_id: contact!.id,
          })
          .returning('id')
          .execute();
        const [call] = await trx
          .insertInto('calls')
          .values({
            tenant_id: tenant,
            source: 'gong',
            source_id: `77${tenant === 'acme' ? '1' : '2'}`,
            title: `Pricing review (${tenant})`,
            started_at: '2025-08-14T15:00:00Z',
            account_id: sf!.id,
            brief: 'Discussed per-unit pricing.',
          })
          .returning('id')
          .execute();
        await trx
          .insertInto('call_participants')
          .values({
            tenant_id: tenant,
            call_id: call!.id,
            source_participant_id: 'p1',
            contact_id: hsContact!.id,
            name: 'Dana Ortiz',
          })
          .execute();
        // Two activities at the same instant: pagination must keep both, in a stable order.
        await trx
          .insertInto('activities')
          .values(
            [
              {
                kind: 'case',
                source: 'salesforce',
                source_id: `500${tenant}`,
                subject: 'Payments did not post',
                status: 'New',
                occurred_at: '2025-09-02T09:00:00Z',
                account_id: sf!.id,
              },
              {
                kind: 'email',
                source: 'hubspot',
                source_id: `em1${tenant}`,
                subject: 'Renewal terms',
                occurred_at: '2025-09-20T10:00:00Z',
                account_id: hs!.id,
                contact_id: hsContact!.id,
              },
              {
                kind: 'meeting',
                source: 'hubspot',
                source_id: `mt1${tenant}`,
                subject: 'QBR',
                occurred_at: '2025-09-20T10:00:00Z',
                account_id: hs!.id,
              },
              {
                kind: 'task',
                source: 'salesforce',
                source_id: `00T${tenant}`,
                subject: 'Send pricing sheet',
                occurred_at: '2025-06-30T12:00:00Z',
                account_id: sf!.id,
                contact_id: contact!.id,
              },
            ].map((a) => ({ ...a, tenant_id: tenant })),
          )
          .execute();
        const [channel] = await trx
          .insertInto('slack_channels')
          .values({
            tenant_id: tenant,
            source: 'slack',
            source_id: `C${tenant}`,
            name: 'ext-harborview',
            account_id: sf!.id,
          })
          .returning('id')
          .execute();
        await trx
          .insertInto('slack_messages')
          .values({
            tenant_id: tenant,
            source: 'slack',
            source_id: `C${tenant}-1`,
            channel_id: channel!.id,
            ts: '1693000000.000100',
            posted_at: '2025-08-25T21:46:40Z',
            text: 'Can we move the go-live to October?',
          })
          .execute();
        if (tenant === 'acme') accountId = sf!.id;
      });
    }
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme' });
  });
  afterAll(async () => {
    await conn?.close();
    await t?.close();
  });
  const call = async (args: Record<string, unknown>) =>
    (await conn.client.callTool({ name: 'timeline', arguments: args })) as Result;

  it('lists every interaction with an account across sources, newest first, each with its source and id', async () => {
    const r = await call({ account_id: 'hsacme' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent!;
    expect(s.items.map((i) => `${i.kind} ${i.source}:${i.id}`)).toEqual([
      'meeting hubspot:mt1acme',
      'email hubspot:em1acme',
      'case salesforce:500acme',
      'slack slack:Cacme-1',
      'call gong:771',
      'task salesforce:00Tacme',
    ]);
    expect(s.counts).toEqual({ call: 1, case: 1, email: 1, meeting: 1, slack: 1, task: 1 });
    expect(r.content[0]!.text).toContain('[gong:771]');
    expect(r.content[0]!.text).not.toContain('(other)');
  });

  it('narrows to a quarter, to dates and to kinds', async () => {
    const q3 = await call({ account_id: accountId, period: '2025-Q3' });
    expect(q3.structuredContent!.items.map((i) => i.id)).not.toContain('00Tacme');
    expect(q3.structuredContent!.items).toHaveLength(5);
    const aug = await call({ account_id: accountId, from: '2025-08-01', to: '2025-08-31' });
    expect(aug.structuredContent!.items.map((i) => i.kind)).toEqual(['slack', 'call']);
    const kinds = await call({ account_id: accountId, kinds: ['case', 'slack'] });
    expect(kinds.structuredContent!.items.map((i) => i.kind)).toEqual(['case', 'slack']);
    const none = await call({ account_id: accountId, period: '2024' });
    expect(none.structuredContent!.items).toEqual([]);
    expect(none.content[0]!.text).toContain('No interactions in this range');
  });

  it('pages with a cursor without losing or repeating items that share a timestamp', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await call({ account_id: accountId, limit: 1, ...(cursor ? { cursor } : {}) });
      expect(r.isError).toBeFalsy();
      seen.push(...r.structuredContent!.items.map((i) => i.id));
      cursor = r.structuredContent!.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['mt1acme', 'em1acme', '500acme', 'Cacme-1', '771', '00Tacme']);
  });

  it('a contact by email: the calls they joined and their activities, through every source record of them', async () => {
    const r = await call({ contact_id: 'dana@acme.example' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.items.map((i) => `${i.kind} ${i.id}`)).toEqual([
      'email em1acme',
      'call 771',
      'task 00Tacme',
    ]);
  });

  it('the customer:// resources read the account view and a contact timeline', async () => {
    const account = await conn.client.readResource({ uri: `customer://accounts/${accountId}` });
    expect((account.contents[0] as { text: string }).text).toContain('# Harbor View Residential');
    const contact = await conn.client.readResource({ uri: 'customer://contacts/dana@acme.example' });
    expect((contact.contents[0] as { text: string }).text).toContain('[gong:771]');
    await expect(conn.client.readResource({ uri: 'customer://contacts/dana@other.example' })).rejects.toThrow(
      /No contact/,
    );
  });

  it('bad arguments get messages that say how to fix them', async () => {
    const both = await call({ account_id: accountId, contact_id: 'x@y.z' });
    expect(both.isError).toBe(true);
    expect(both.content[0]!.text).toContain('exactly one of account_id');
    const neither = await call({});
    expect(neither.isError).toBe(true);
    const period = await call({ account_id: accountId, period: 'this quarter' });
    expect(period.isError).toBe(true);
    expect(period.content[0]!.text).toContain('a quarter "2025-Q3"');
    const cursor = await call({ account_id: accountId, cursor: 'garbage' });
    expect(cursor.isError).toBe(true);
    expect(cursor.content[0]!.text).toContain('cursor');
    const other = await call({ account_id: '001other' });
    expect(other.isError).toBe(true);
    expect(other.content[0]!.text).toContain('find_accounts');
  });
});
