import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import * as m0001 from './migrations/0001-unified-model.js';
import * as m0002 from './migrations/0002-analysis.js';
import * as m0003 from './migrations/0003-identity.js';
import * as m0004 from './migrations/0004-customer.js';
import { type AnyDb, ensureExtensions, type TableSpec } from './table-spec.js';

/**
 * A migration module: Kysely's `up`/`down`, plus `tables`, the specification of the tables it creates (with
 * their comments), so tests can check the migrated catalog against every migration's tables.
 */
export interface SophiaMigration extends Migration {
  tables: Record<string, TableSpec>;
}

/**
 * All migrations, in order. Add a new file to schema/migrations/ and list it here. Each is frozen: typed
 * against its own snapshot of what it creates (or untyped), never against the current `Database`.
 */
export const migrations: Record<string, SophiaMigration> = {
  '0001-unified-model': m0001,
  '0002-analysis': m0002,
  '0003-identity': m0003,
  '0004-customer': m0004,
};

/** The tables every migration creates, by name. */
export function allMigrationTables(): Record<string, TableSpec> {
  return Object.assign({}, ...Object.values(migrations).map((m) => m.tables));
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function migrator(db: AnyDb): Migrator {
  // Unordered: migrations are numbered by area (0002 analysis, 0003 identity, ...) and may land on main in
  // any order, so a database that already has 0003 still takes a 0002 that arrives later.
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
}

function check(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${why}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Brings the schema to the latest version. Safe to re-run and to run from several processes at once. */
export async function migrateToLatest(db: AnyDb): Promise<string[]> {
  await ensureExtensions(db);
  return check(await migrator(db).migrateToLatest());
}

/** Rolls back every migration (or down to `target`). */
export async function migrateDown(db: AnyDb, target: string | 'all' = 'all'): Promise<string[]> {
  const m = migrator(db);
  if (target === 'all') {
    return check(await m.migrateTo(NO_MIGRATIONS));
  }
  return check(await m.migrateTo(target));
}

export async function pendingMigrations(db: AnyDb): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/** Creates the tenant if it does not exist (an admin operation, outside row-level security). */
export async function ensureTenant(db: AnyDb, id: string, name = id): Promise<void> {
  await sql`insert into tenants (id, name) values (${id}, ${name}) on conflict (id) do nothing`.execute(db);
}
