/* eslint-disable @typescript-eslint/no-explicit-any -- tool outputs are checked field by field below */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/customer-360/server.js';
import { runHealth } from '../../../shared/health/stage.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';

type Result = {
  isError?: boolean;
  content: Array<{ text: string }>;
  structuredContent?: Record<string, any>;
};

describe.each(testEngines())('customer-360 tools on %s', (engine) => {
  let t: TestDatabase;
  let conn: InMemoryConnection;
  let sfId: string;
  const NOW = Date.UTC(2026, 5, 30);
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
            name: tenant === 'acme' ? 'Enterprise Property Group, LLC' : 'Other Tenant Homes',
            domain: 'epg.com',
            status: 'customer',
            region: 'West',
          })
          .returning('id')
          .execute();
        await trx
          .insertInto('accounts')
          .values({
            tenant_id: tenant,
            source: 'hubspot',
            source_id: `hs-${tenant}`,
            name: 'Enterprise Property Group',
            domain: 'epg.com',
            canonical_id: sf!.id,
            region: 'Pacific',
          })
          .execute();
        await trx.updateTable('accounts').set({ canonical_id: sf!.id }).where('id', '=', sf!.id).execute();
        await trx
          .insertInto('opportunities')
          .values({
            tenant_id: tenant,
            source: 'salesforce',
            source_id: `006${tenant}`,
            account_id: sf!.id,
            name: 'EPG new business',
            stage: 'Closed Won',
            amount: 60000,
            close_date: '2025-03-01',
            is_closed: true,
            is_won: true,
          })
          .execute();
        await trx
          .insertInto('activities')
          .values([
            {
              tenant_id: tenant,
              source: 'salesforce',
              source_id: `500${tenant}`,
              kind: 'case',
              subject: 'Payments did not post',
              priority: 'High',
              status: 'New',
              occurred_at: '2026-06-01T10:00:00Z',
              account_id: sf!.id,
            },
            {
              tenant_id: tenant,
              source: 'hubspot',
              source_id: `em${tenant}`,
              kind: 'email',
              subject: 'Renewal',
              occurred_at: '2026-06-20T10:00:00Z',
              account_id: sf!.id,
            },
          ])
          .execute();
        if (tenant === 'acme') sfId = sf!.id;
      });
      await runHealth(t.sophia, tenant, { now: NOW });
    }
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme' });
  });
  afterAll(async () => {
    await conn?.close();
    await t?.close();
  });
  const call = async (name: string, args: Record<string, unknown>) =>
    (await conn.client.callTool({ name, arguments: args })) as Result;

  it('find_accounts finds the resolved account by a partial name, with its ids in every source', async () => {
    const r = await call('find_accounts', { query: 'Enterprise Property Group' });
    expect(r.isError).toBeFalsy();
    const accounts = r.structuredContent!.accounts;
    expect(accounts).toHaveLength(1);
    expect(accounts[0].id).toBe(sfId);
    expect(accounts[0].sources.map((s: any) => s.source).sort()).toEqual(['hubspot', 'salesforce']);
    expect(accounts[0].health).not.toBeNull();
    expect((await call('find_accounts', { query: 'Other Tenant' })).structuredContent!.accounts).toEqual([]);
  });

  it('account_360 merges fields with provenance from each source', async () => {
    const r = await call('account_360', { account_id: 'hs-acme' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent!;
    expect(s.account.id).toBe(sfId);
    const region = s.profile.find((p: any) => p.field === 'region');
    expect(region.value).toBe('West');
    expect(region.provenance.map((p: any) => p.source)).toEqual(['salesforce', 'hubspot']);
    expect(s.openCases[0].subject).toBe('Payments did not post');
    expect(s.opportunities[0].isWon).toBe(true);
  });

  it('health_scores explains the score with components and evidence', async () => {
    const r = await call('health_scores', { account_id: sfId });
    expect(r.isError).toBeFalsy();
    const latest = r.structuredContent!.latest;
    expect(latest.components.map((c: any) => c.name)).toEqual([
      'engagement',
      'satisfaction',
      'support',
      'momentum',
    ]);
    const support = latest.components.find((c: any) => c.name === 'support');
    expect(support.factors.some((f: any) => f.evidence.includes('Payments did not post'))).toBe(true);
  });

  it('churn_risk says plainly when no model could be trained yet', async () => {
    const r = await call('churn_risk', {});
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.model).toBeNull();
    expect(r.content[0]!.text).toMatch(/sophia health/);
  });

  it('bad arguments get messages that say how to fix them', async () => {
    const a = await call('account_360', { account_id: 'nope' });
    expect(a.isError).toBe(true);
    expect(a.content[0]!.text).toMatch(/find_accounts/);
    const b = await call('find_accounts', { query: 'x', limit: 500 });
    expect(b.isError).toBe(true);
    expect(b.content[0]!.text).toContain('`limit`');
    const c = await call('churn_risk', { cursor: 'garbage' });
    expect(c.isError).toBe(true);
    const d = await call('health_scores', { account_id: '001other' });
    expect(d.isError).toBe(true);
  });
});
