import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrationTables } from '../../schema/migrate.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

describe.each(testEngines())('row-level security on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('tenant-a', 'tenant-b');
    for (const tenant of ['tenant-a', 'tenant-b']) {
      await t.sophia.withTenant(tenant, async (trx) => {
        const account = await trx
          .insertInto('accounts')
          .values({
            tenant_id: tenant,
            source: 'salesforce',
            source_id: '001A',
            name: `${tenant} Residential`,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('contacts')
          .values({
            tenant_id: tenant,
            source: 'hubspot',
            source_id: '151',
            account_id: account.id,
            email: `x@${tenant}.com`,
          })
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: tenant,
            server: 's',
            tool: 't',
            caller: 'c',
            transport: 'memory',
            argument_digest: 'd',
            outcome: 'ok',
            latency_ms: 1,
          })
          .execute();
      });
    }
  });
  afterAll(async () => t?.close());

  it('a query under tenant A never returns tenant B rows, on any table', async () => {
    for (const [table, spec] of Object.entries(allMigrationTables())) {
      if (spec.tenant === false) continue;
      const rows = await t.sophia.withTenant('tenant-a', (trx) =>
        trx
          .selectFrom(table as 'accounts')
          .select('tenant_id')
          .execute(),
      );
      for (const row of rows) expect(row.tenant_id, table).toBe('tenant-a');
    }
    const accounts = await t.sophia.withTenant('tenant-a', (trx) =>
      trx.selectFrom('accounts').select('name').execute(),
    );
    expect(accounts).toEqual([{ name: 'tenant-a Residential' }]);
  });

  it('the same source id may exist in two tenants', async () => {
    const all = await t.sophia.db
      .selectFrom('accounts')
      .select(['tenant_id', 'source_id'])
      .orderBy('tenant_id')
      .execute();
    expect(all).toEqual([
      { tenant_id: 'tenant-a', source_id: '001A' },
      { tenant_id: 'tenant-b', source_id: '001A' },
    ]);
  });

  it('refuses to write a row for another tenant', async () => {
    await expect(
      t.sophia.withTenant('tenant-a', (trx) =>
        trx
          .insertInto('accounts')
          .values({ tenant_id: 'tenant-b', source: 'x', source_id: 'y', name: 'sneaky' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('cannot update or delete another tenant rows (they are invisible)', async () => {
    const updated = await t.sophia.withTenant('tenant-a', (trx) =>
      trx
        .updateTable('accounts')
        .set({ name: 'renamed' })
        .where('tenant_id', '=', 'tenant-b')
        .executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await t.sophia.withTenant('tenant-a', (trx) =>
      trx.deleteFrom('contacts').where('tenant_id', '=', 'tenant-b').executeTakeFirst(),
    );
    expect(Number(deleted.numDeletedRows)).toBe(0);
  });

  it('sees nothing without a tenant, and the tenant setting does not leak out of the transaction', async () => {
    await t.sophia.withTenant('tenant-a', (trx) => trx.selectFrom('accounts').selectAll().execute());
    const { sql } = await import('kysely');
    const asApp = await t.sophia.db.transaction().execute(async (trx) => {
      await sql`set local role sophia_app`.execute(trx);
      return trx.selectFrom('accounts').selectAll().execute();
    });
    expect(asApp).toEqual([]);
  });

  it('read-only tenant transactions refuse writes', async () => {
    await expect(
      t.sophia.withTenant('tenant-a', (trx) => trx.updateTable('accounts').set({ name: 'x' }).execute(), {
        readOnly: true,
      }),
    ).rejects.toThrow(/read-only/);
  });

  it('rejects a malformed tenant id before touching the database', async () => {
    await expect(t.sophia.withTenant("a'; drop table accounts; --", async () => 1)).rejects.toThrow(
      /invalid tenant/,
    );
  });
});
