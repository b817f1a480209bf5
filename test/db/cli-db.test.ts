import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { testEngines } from '../support/engines.js';
import { TEST_PG_URL } from '../support/global-setup.js';

const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));

describe('sophia db', () => {
  const home = mkdtempSync(join(tmpdir(), 'sophia-cli-'));
  const env = { ...process.env, SOPHIA_HOME: home, DATABASE_URL: '', SOPHIA_TENANT: 'payready' };
  const sophia = (...args: string[]) => run(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });
  afterAll(async () => {
    await stopEmbeddedDatabase(home).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('migrate, url (usable by psql), status and stop', async () => {
    expect((await sophia('db', 'migrate')).stdout).toContain('applied: 0001-unified-model');
    expect((await sophia('db', 'migrate')).stdout).toContain('schema up to date');
    const url = (await sophia('db', 'url')).stdout.trim();
    expect(url).toMatch(/^postgresql:\/\/sophia:[^@]+@127\.0\.0\.1:\d+\/sophia$/);
    const psql = await run('psql', [url, '-At', '-c', 'select id from tenants']).catch(() => undefined);
    if (psql) expect(psql.stdout.trim()).toBe('payready');
    // Commands that use the database migrate it first: kb index and kb search work on a fresh home.
    expect((await sophia('kb', 'index')).stdout).toMatch(
      /^indexed [1-9]\d*, unchanged 0, removed 0, problems 0/,
    );
    const hits = (await sophia('kb', 'search', 'familial', 'status', '--limit', '2')).stdout;
    expect(hits).toContain('knowledge_base/compliance/fair-housing.md:');
    const status = (await sophia('db', 'status')).stdout;
    expect(status).toMatch(/status: running \(pid \d+, 127\.0\.0\.1:\d+/);
    expect((await sophia('db', 'stop')).stdout).toContain('embedded database stopped');
    expect((await sophia('db', 'status')).stdout).toContain('status: stopped');
  });

  it('explains a bad configuration in one line, without a stack trace', async () => {
    const err = await run(process.execPath, [...CLI, 'db', 'status'], {
      env: { ...env, SOPHIA_DB_IDLE_SECONDS: '-3' },
      encoding: 'utf8',
    }).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).toBe(78);
    expect((err as { stderr: string }).stderr).toContain(
      'SOPHIA_DB_IDLE_SECONDS: expected a whole number from 5 to 86400',
    );
    expect((err as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(testEngines().includes('postgres'))(
    'status on a fresh PostgreSQL database changes nothing (no tables, no tenant) and says migrations are pending',
    async () => {
      const name = `sophia_status_${process.pid}`;
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${name}`);
        await admin.query(`create database ${name}`);
        const url = new URL(TEST_PG_URL);
        url.pathname = `/${name}`;
        const out = (
          await run(process.execPath, [...CLI, 'db', 'status'], {
            env: { ...env, DATABASE_URL: url.toString() },
            encoding: 'utf8',
          })
        ).stdout;
        expect(out).toMatch(/^engine: postgres /);
        expect(out).toMatch(/schema: \d+ migrations? pending \(0001-unified-model/);
        const fresh = new pg.Client({ connectionString: url.toString() });
        await fresh.connect();
        const tables = await fresh.query(
          "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
        );
        await fresh.end();
        expect(tables.rows[0].n).toBe(0);
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
