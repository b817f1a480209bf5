import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type SophiaDatabase } from '../../shared/db/database.js';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { isAlive, readOwner } from '../../shared/db/embedded/owner-lock.js';
import { DatabaseConnectionLostError, isConnectionError } from '../../shared/db/resilient-pool.js';
import type { Logger } from '../../shared/log/logger.js';
import { TEST_PG_URL } from '../support/global-setup.js';
import { createTestDatabase, testEngines } from '../support/engines.js';

/**
 * Item 1/2 of issue 11: a database connection that dies (pg_terminate_backend on PostgreSQL, kill -9 of the
 * embedded owner) must never crash the process (pg emits 'error' on a checked-out client, which without a
 * listener is an uncaught exception), the call in flight fails fast with a retryable error, and the next
 * call works. An unreachable database is never logged as "reconnected".
 */
interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

async function terminateBackends(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid()`,
      [database],
    );
    return rows[0]!.n;
  } finally {
    await admin.end();
  }
}

let unhandled: unknown[] = [];
process.on('uncaughtException', (err) => unhandled.push(err));

const engines = testEngines();
describe.runIf(engines.includes('postgres'))('PostgreSQL: terminated backends', () => {
  it('a query in flight fails fast with a retryable error, nothing crashes, the next call works', async () => {
    const t = await createTestDatabase('postgres');
    const dbName = new URL(t.url).pathname.slice(1);
    const lines: LogLine[] = [];
    const sophia = await openDatabase({ url: t.url, logger: recordingLogger(lines) });
    unhandled = [];
    try {
      // A long query in flight and a transaction holding a checked-out client between statements.
      const inFlight = sql`select pg_sleep(30)`.execute(sophia.db).then(
        () => 'finished',
        (err: unknown) => err,
      );
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const inTransaction = sophia
        .withTenant('default', async (trx) => {
          await sql`select 1`.execute(trx);
          await gate; // the backend is terminated while this client is checked out and idle
          return sql`select 2 as n`.execute(trx);
        })
        .then(
          () => 'finished',
          (err: unknown) => err,
        );
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      expect(await terminateBackends(dbName)).toBeGreaterThanOrEqual(2);
      const err = await inFlight;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(DatabaseConnectionLostError);
      expect(isConnectionError(err)).toBe(true);
      expect((err as DatabaseConnectionLostError).retryable).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      release();
      expect(isConnectionError(await inTransaction)).toBe(true);
      // The next call works.
      const { rows } = await sql<{ n: number }>`select 42 as n`.execute(sophia.db);
      expect(rows).toEqual([{ n: 42 }]);
      expect(unhandled).toEqual([]);
      expect(lines.some((l) => l.level === 'warn' && /connection was lost/.test(l.message))).toBe(true);
    } finally {
      await sophia.close();
      await t.close();
    }
  });

  it('terminating every backend 20 times under 3 concurrent callers never crashes', async () => {
    const t = await createTestDatabase('postgres');
    const dbName = new URL(t.url).pathname.slice(1);
    const sophia = await openDatabase({ url: t.url, logger: recordingLogger([]) });
    unhandled = [];
    let stop = false;
    const outcomes = { ok: 0, lost: 0, other: [] as string[] };
    const caller = async () => {
      while (!stop) {
        try {
          await sophia.withTenant(
            'default',
            async (trx) => {
              await sql`select pg_sleep(0.02)`.execute(trx);
              await sql`select count(*) from accounts`.execute(trx);
            },
            { readOnly: true },
          );
          outcomes.ok++;
        } catch (err) {
          if (isConnectionError(err)) outcomes.lost++;
          else outcomes.other.push(err instanceof Error ? err.message : String(err));
        }
      }
    };
    try {
      const callers = [caller(), caller(), caller()];
      for (let round = 0; round < 20; round++) {
        await new Promise((r) => setTimeout(r, 100));
        await terminateBackends(dbName);
      }
      stop = true;
      await Promise.all(callers);
      expect(outcomes.other).toEqual([]);
      expect(unhandled).toEqual([]);
      expect(outcomes.ok).toBeGreaterThan(0);
      const { rows } = await sql<{ n: number }>`select 1 as n`.execute(sophia.db);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await sophia.close();
      await t.close();
    }
  });

  it('an unreachable database is reported as unreachable, never as "reconnected"', async () => {
    const lines: LogLine[] = [];
    const url = 'postgresql://postgres@127.0.0.1:1/nowhere';
    // Opening fails (the handle looks up the vector type on open): clearly, and within the reconnect bound.
    const started = Date.now();
    const err = await openDatabase({ url, logger: recordingLogger(lines) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((err as Error).name).toBe('DatabaseUnavailableError');
    expect((err as Error).message).toMatch(/not reachable/);
    expect(lines.filter((l) => /reconnected|restored/i.test(l.message))).toEqual([]);
    expect(lines.some((l) => /unreachable|not reachable/i.test(l.message))).toBe(true);
  });
});

describe('embedded: the owner process is killed', () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const h of homes) {
      await stopEmbeddedDatabase(h).catch(() => undefined);
      rmSync(h, { recursive: true, force: true });
    }
  });

  it('kill -9 of the owner: no crash, calls fail fast and retryably, a new owner serves the next call', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sophia-loss-'));
    homes.push(home);
    const lines: LogLine[] = [];
    let sophia: SophiaDatabase | undefined;
    unhandled = [];
    try {
      sophia = await openDatabase({ home, idleSeconds: 600, logger: recordingLogger(lines) });
      await sql`create table survive (n int)`.execute(sophia.db);
      await sql`insert into survive values (1)`.execute(sophia.db);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const inTransaction = sophia.db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await gate;
          return sql`select 2`.execute(trx);
        })
        .then(
          () => 'finished',
          (err: unknown) => err,
        );
      await new Promise((r) => setTimeout(r, 200));
      const owner = readOwner(home);
      if (!owner || owner === 'unknown') throw new Error('no owner');
      process.kill(owner.pid, 'SIGKILL');
      while (isAlive(owner.pid)) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      release();
      const err = await inTransaction;
      expect(isConnectionError(err)).toBe(true);
      // The handle restarts the owner by itself (it does not wait for a call), so service comes back.
      const restoredBy = Date.now() + 45_000;
      let rows: Array<{ n: number }> = [];
      while (rows.length === 0 && Date.now() < restoredBy) {
        try {
          rows = (await sql<{ n: number }>`select n from survive`.execute(sophia.db)).rows;
        } catch (e) {
          expect(isConnectionError(e)).toBe(true);
        }
      }
      expect(rows).toEqual([{ n: 1 }]);
      const now = readOwner(home);
      expect(now !== 'unknown' && now?.pid).not.toBe(owner.pid);
      expect(unhandled).toEqual([]);
      expect(lines.some((l) => l.level === 'info' && /restored/.test(l.message))).toBe(true);
    } finally {
      await sophia?.close();
    }
  });
});

describe.each(engines)('%s: the connection error class', (engine) => {
  it('a statement error is not a connection error (no false retries)', async () => {
    const t = await createTestDatabase(engine);
    try {
      const err = await sql`select 1 / 0`.execute(t.sophia.db).catch((e: unknown) => e);
      expect(isConnectionError(err)).toBe(false);
    } finally {
      await t.close();
    }
  });
});
