import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { ensureTenant } from '../../schema/migrate.js';
import { openPglite } from '../../shared/db/embedded/open-pglite.js';
import { EmbeddedWireServer } from '../../shared/db/embedded/wire-server.js';
import { openDatabase, type SophiaDatabase } from '../../shared/db/database.js';
import { createLogger } from '../../shared/log/logger.js';
import { TEST_PG_URL } from './global-setup.js';

/**
 * Engines for database tests, Kysely-style: a test file loops over `testEngines()` and runs the same real
 * SQL on each. `createTestDatabase(engine)` gives a fresh, migrated database of its own:
 *  - pglite: a private in-memory PGlite loaded from the migrated template, served by the real embedded wire
 *    server on a free loopback port, reached through pg.Pool exactly as production reaches it;
 *  - postgres: a new database on the machine's PostgreSQL, created from the migrated template.
 */
export type TestEngine = 'pglite' | 'postgres';

export function testEngines(): TestEngine[] {
  return inject('engines') as TestEngine[];
}

export interface TestDatabase {
  engine: TestEngine;
  sophia: SophiaDatabase;
  url: string;
  /** Creates tenants (admin path, outside RLS). */
  tenants(...ids: string[]): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function createTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  const logger = createLogger(`test-db:${engine}`);
  if (engine === 'pglite') {
    const dump = readFileSync(inject('pgliteTemplate'));
    const pglite: PGlite = await openPglite({ loadDataDir: new Blob([dump]) });
    const server = new EmbeddedWireServer(pglite, { logger });
    const port = await server.listen(0);
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const sophia = await openDatabase({ url, logger });
    return {
      engine,
      sophia,
      url,
      tenants: (...ids) => createTenants(sophia, ids),
      async close() {
        await sophia.close();
        await server.close();
        await pglite.close();
      },
    };
  }
  const name = `sophia_t_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  await admin.end();
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const sophia = await openDatabase({ url, logger });
  return {
    engine,
    sophia,
    url,
    tenants: (...ids) => createTenants(sophia, ids),
    async close() {
      await sophia.close();
      const a = new pg.Client({ connectionString: TEST_PG_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function createTenants(sophia: SophiaDatabase, ids: string[]): Promise<void> {
  for (const id of ids) await ensureTenant(sophia.db, id);
}
