import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allMigrationTables,
  migrateDown,
  migrateToLatest,
  migrations,
  pendingMigrations,
} from '../../schema/migrate.js';
import { ensureMonthlyPartitions } from '../../schema/partitions.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

describe.each(testEngines())('schema on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => t?.close());

  const tableNames = Object.keys(allMigrationTables()).sort();
  const names = Object.keys(migrations);

  async function liveTables(): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not like 'kysely_%'
      order by 1`.execute(t.sophia.db);
    return rows.map((r) => r.name);
  }

  it('has every table of the model, with a comment on every table and column', async () => {
    expect(await liveTables()).toEqual(tableNames);
    const { rows } = await sql<{ tbl: string; col: string | null }>`
      select c.relname as tbl, a.attname as col
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not like 'kysely_%'
        and col_description(c.oid, a.attnum) is null`.execute(t.sophia.db);
    expect(rows).toEqual([]);
  });

  it('migrates down to nothing and up again, and re-running up is a no-op', async () => {
    const down = await migrateDown(t.sophia.db);
    expect(down).toEqual([...names].reverse());
    expect(await liveTables()).toEqual([]);
    expect(await pendingMigrations(t.sophia.db)).toEqual(names);
    expect(await migrateToLatest(t.sophia.db)).toEqual(names);
    expect(await migrateToLatest(t.sophia.db)).toEqual([]);
    expect(await liveTables()).toEqual(tableNames);
  });

  it('enables row-level security on every customer-data table', async () => {
    const { rows } = await sql<{ name: string; rls: boolean; forced: boolean }>`
      select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not like 'kysely_%' and c.relname <> 'tenants'`.execute(t.sophia.db);
    expect(rows.length).toBe(tableNames.length - 1);
    for (const row of rows) expect(row, row.name).toMatchObject({ rls: true, forced: true });
  });

  it('creates monthly transcript partitions and moves rows out of the default partition', async () => {
    await t.tenants('acme');
    const call = await t.sophia.withTenant('acme', (trx) =>
      trx
        .insertInto('calls')
        .values({
          tenant_id: 'acme',
          source: 'gong',
          source_id: '7782342274025937895',
          started_at: '2024-05-02T15:00:12Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    await t.sophia.withTenant('acme', (trx) =>
      trx
        .insertInto('transcript_segments')
        .values({
          tenant_id: 'acme',
          call_id: call.id,
          call_started_at: '2024-05-02T15:00:12Z',
          segment_index: 0,
          start_ms: 0,
          end_ms: 1200,
          text: 'Our pricing is per unit per month.',
        })
        .execute(),
    );
    const created = await ensureMonthlyPartitions(t.sophia.db, [new Date('2024-05-02T15:00:12Z')]);
    expect(created).toEqual(['transcript_segments_2024_05']);
    const { rows } = await sql<{ part: string; text: string }>`
      select tableoid::regclass::text as part, text from transcript_segments`.execute(t.sophia.db);
    expect(rows).toEqual([
      { part: 'transcript_segments_2024_05', text: 'Our pricing is per unit per month.' },
    ]);
    expect(await ensureMonthlyPartitions(t.sophia.db, [new Date('2024-05-30T00:00:00Z')])).toEqual([]);
    const hits = await t.sophia.withTenant('acme', (trx) =>
      trx
        .selectFrom('transcript_segments')
        .select('text')
        .where(sql<boolean>`tsv @@ websearch_to_tsquery('english', 'prices')`)
        .execute(),
    );
    expect(hits).toHaveLength(1);
  });
});
