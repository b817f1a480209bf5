import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

// Issue 11 item 9: `tenants` had no row-level security, so every tenant could count every tenant.
describe.each(testEngines())('row-level security on tenants (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex', 'initech');
  });
  afterAll(async () => t?.close());

  it('a tenant sees only its own row', async () => {
    const rows = await t.sophia.withTenant('acme', (trx) =>
      trx.selectFrom('tenants').select('id').orderBy('id').execute(),
    );
    expect(rows).toEqual([{ id: 'acme' }]);
    const { rows: counted } = await t.sophia.withTenant('globex', (trx) =>
      sql<{ n: number }>`select count(*)::int as n from tenants`.execute(trx),
    );
    expect(counted).toEqual([{ n: 1 }]);
  });

  it('a tenant cannot create, rename or delete tenants', async () => {
    await expect(
      t.sophia.withTenant('acme', (trx) =>
        trx.insertInto('tenants').values({ id: 'evil', name: 'x' }).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.sophia.withTenant('acme', (trx) => trx.updateTable('tenants').set({ name: 'pwned' }).execute()),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.sophia.withTenant('acme', (trx) => trx.deleteFrom('tenants').where('id', '=', 'globex').execute()),
    ).rejects.toThrow(/permission denied/);
  });

  it('the admin path still sees every tenant, and foreign keys to tenants still work', async () => {
    const all = await t.sophia.db.selectFrom('tenants').select('id').orderBy('id').execute();
    expect(all.map((r) => r.id)).toEqual(expect.arrayContaining(['acme', 'globex', 'initech']));
    await t.sophia.withTenant('globex', (trx) =>
      trx
        .insertInto('accounts')
        .values({ tenant_id: 'globex', source: 'salesforce', source_id: '001', name: 'Globex Homes' })
        .execute(),
    );
    const { rows } = await sql<{ rls: boolean }>`
      select relrowsecurity as rls from pg_class where relname = 'tenants'`.execute(t.sophia.db);
    expect(rows).toEqual([{ rls: true }]);
  });
});
