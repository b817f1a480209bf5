import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { definition as dataDictionary } from '../../servers/data-dictionary/server.js';
import { tenantNoticeText } from '../../shared/runtime/tenant-notice.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { connectInMemory } from '../support/mcp.js';

describe('tenantNoticeText', () => {
  const rows = [
    { tenant: 'default', records: 0 },
    { tenant: 'payready', records: 537_000 },
    { tenant: 'globex', records: 12 },
  ];
  it('says nothing when the tenant has data', () => {
    expect(tenantNoticeText('payready', rows, true)).toBeUndefined();
  });
  it('names the tenants with data, largest first, to a local caller, with the command that loads some', () => {
    const t = tenantNoticeText('default', rows, true)!;
    expect(t).toContain("tenant 'default' has no data");
    expect(t).toContain("'payready' (537,000 records), 'globex' (12 records)");
    expect(t).toContain('`sophia demo`');
  });
  it('never names other tenants to a remote caller', () => {
    const t = tenantNoticeText('default', rows, false)!;
    expect(t).toContain("tenant 'default' has no data");
    expect(t).not.toContain('payready');
    expect(t).not.toContain('globex');
  });
  it('a tenant missing from the counts has no data', () => {
    expect(tenantNoticeText('initech', rows, true)).toContain("tenant 'initech' has no data");
  });
});

describe.each(testEngines())('the first answer for an empty tenant says so (%s)', (engine) => {
  let db: TestDatabase;
  afterAll(async () => db?.close());

  it('once per tenant, naming the tenant that has data; nothing for a tenant with data', async () => {
    db = await createTestDatabase(engine);
    await db.tenants('acme', 'globex');
    await sql`insert into source_records (tenant_id, source, stream, source_id, hash, payload)
              values ('globex', 'gong', 'calls', 'c1', 'h', '{}'::jsonb)`.execute(db.sophia.db);
    const empty = await connectInMemory(dataDictionary, { database: db.sophia, tenant: 'acme' });
    const first = await empty.client.callTool({ name: 'describe_schema', arguments: { countRows: false } });
    const texts = (first.content as Array<{ text: string }>).map((c) => c.text);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain("tenant 'acme' has no data");
    expect(texts[1]).toContain("'globex' (1 record)");
    const second = await empty.client.callTool({ name: 'describe_schema', arguments: { countRows: false } });
    expect(second.content as unknown[]).toHaveLength(1);
    await empty.close();

    const full = await connectInMemory(dataDictionary, { database: db.sophia, tenant: 'globex' });
    const answer = await full.client.callTool({ name: 'describe_schema', arguments: { countRows: false } });
    expect(answer.content as unknown[]).toHaveLength(1);
    await full.close();
  });
});
