import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../schema/migrate.js';
import { openPglite } from '../../shared/db/embedded/open-pglite.js';
import { EmbeddedWireServer } from '../../shared/db/embedded/wire-server.js';

/**
 * Runs once per `vitest run`: prepares a migrated template for each engine so every test file gets a fresh,
 * migrated database in well under a second.
 *  - pglite: a PGlite data directory dump (loaded into a private in-memory PGlite per test file);
 *  - postgres: a template database on the machine's PostgreSQL (CREATE DATABASE ... TEMPLATE per file).
 * SOPHIA_TEST_ENGINES picks engines (default pglite,postgres). Without a reachable PostgreSQL the postgres
 * engine is skipped with a warning, except under CI=true where that is an error.
 */
export const TEST_PG_URL = process.env.SOPHIA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname ~ '^sophia_(tpl|t)_[0-9]+'`,
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[2]);
    if (!isAlive(pid)) await admin.query(`drop database if exists ${datname} with (force)`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = (process.env.SOPHIA_TEST_ENGINES ?? 'pglite,postgres').split(',').map((s) => s.trim());
  const engines: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  if (wanted.includes('pglite')) {
    const dir = join(tmpdir(), 'sophia-test');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pglite-template-${process.pid}.tar`);
    const db = await openPglite();
    const server = new EmbeddedWireServer(db);
    const port = await server.listen(0);
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', max: 1 });
    pool.on('error', () => undefined);
    const k = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(k);
    await k.destroy();
    await server.close();
    const dump = await db.dumpDataDir('none');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await db.close();
    project.provide('pgliteTemplate', file);
    engines.push('pglite');
    cleanups.push(async () => {
      if (existsSync(file)) (await import('node:fs')).rmSync(file, { force: true });
    });
  }

  if (wanted.includes('postgres')) {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    let reachable = true;
    try {
      await admin.connect();
    } catch (err) {
      reachable = false;
      const why = err instanceof Error ? err.message : String(err);
      if (process.env.CI) throw new Error(`PostgreSQL for tests is not reachable at ${TEST_PG_URL}: ${why}`);
      process.stderr.write(
        `\n[sophia tests] PostgreSQL is not reachable at ${TEST_PG_URL} (${why}); ` +
          'running the embedded engine only. Set SOPHIA_TEST_PG_URL or start PostgreSQL.\n\n',
      );
    }
    if (reachable) {
      await dropStaleDatabases(admin);
      const template = `sophia_tpl_${process.pid}`;
      await admin.query(`create database ${template}`);
      const url = new URL(TEST_PG_URL);
      url.pathname = `/${template}`;
      const k = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }),
      });
      await migrateToLatest(k);
      await k.destroy();
      project.provide('postgresTemplate', template);
      engines.push('postgres');
      cleanups.push(async () => {
        await admin.query(`drop database if exists ${template} with (force)`);
        await admin.end();
      });
    }
  }
  project.provide('engines', engines);
  return async () => {
    for (const c of cleanups.reverse()) await c();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    engines: string[];
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}
