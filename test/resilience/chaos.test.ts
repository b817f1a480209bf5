import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { openPglite } from '../../shared/db/embedded/open-pglite.js';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { isAlive, readOwner } from '../../shared/db/embedded/owner-lock.js';
import { embeddedPaths } from '../../shared/db/embedded/paths.js';
import { type ChaosResult, runChaos } from '../support/chaos.js';
import { createTestDatabase, testEngines } from '../support/engines.js';
import { TEST_PG_URL } from '../support/global-setup.js';
import { startHttpServer } from '../support/spawn-server.js';

/**
 * Issue 11, "done means": a server under steady load from several real MCP clients (Streamable HTTP) while
 * its database connection is killed again and again, on both engines:
 *  - postgres: every backend of the server's database is terminated (pg_terminate_backend), 8 times;
 *  - embedded: the owner process is killed with SIGKILL, twice (each time the server starts a new one).
 * Passes when the server never exits, every call is answered within CALL_BOUND_MS with an answer or a clear
 * "database unavailable / connection lost, call again" error (no JSON-RPC errors, no "error in Sophia"), and
 * a call succeeds within 5 s of the database being back (postgres: at once; embedded: the new owner serving).
 * The schedule is short and the bounds generous, so a slow machine slows the test but does not fail it.
 * Longer runs with printed numbers: `npx tsx bench/chaos.ts`.
 */
const CALL_BOUND_MS = 30_000;
const RESTORE_BOUND_MS = 5_000;

function expectHealthy(result: ChaosResult, exitCode: number | null, stderr: string): void {
  const bad = result.calls.filter((c) => c.outcome === 'unclear-error' || c.outcome === 'protocol-error');
  expect(bad.slice(0, 5)).toEqual([]);
  expect(exitCode).toBeNull();
  expect(stderr).not.toMatch(/Unhandled|uncaught|Connection terminated unexpectedly\n\s+at /i);
  expect(result.maxLatencyMs).toBeLessThan(CALL_BOUND_MS);
  expect(result.counts.ok).toBeGreaterThan(0);
  for (const k of result.kills) {
    expect(k.restoreMs, `restore after kill at ${k.killedAt}`).toBeDefined();
    expect(k.restoreMs!).toBeLessThanOrEqual(RESTORE_BOUND_MS);
  }
}

function summary(engine: string, r: ChaosResult): string {
  return (
    `chaos ${engine}: ${r.calls.length} calls in ${(r.durationMs / 1000).toFixed(1)} s, ` +
    `${r.counts.ok} ok, ${r.counts['clear-error']} clear errors, ${r.counts['unclear-error']} unclear, ` +
    `${r.counts['protocol-error']} protocol; p95 ${r.p95LatencyMs} ms, max ${r.maxLatencyMs} ms; ` +
    `restore after each kill (ms): ${r.kills.map((k) => k.restoreMs).join(', ')}`
  );
}

const engines = testEngines();

describe.runIf(engines.includes('postgres'))('chaos on PostgreSQL', () => {
  it('terminating every backend 8 times under 4 clients: no exit, every call answered, service back at once', async () => {
    const t = await createTestDatabase('postgres');
    await t.tenants('acme');
    const dbName = new URL(t.url).pathname.slice(1);
    const server = await startHttpServer('data-dictionary', {
      env: { DATABASE_URL: t.url, SOPHIA_TENANT: 'acme', SOPHIA_AUTH_DISABLED: 'true' },
    });
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      const result = await runChaos({
        url: server.url,
        clients: 4,
        tool: 'describe_schema',
        args: { table: 'accounts', countRows: true },
        pauseMs: 50,
        callBoundMs: CALL_BOUND_MS,
        kills: 8,
        steadyMs: 300,
        restoreBoundMs: RESTORE_BOUND_MS,
        async kill() {
          await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
            [dbName],
          );
          return { databaseBack: Promise.resolve(Date.now()) };
        },
      });
      process.stderr.write(`${summary('postgres', result)}\n`);
      expect(result.kills).toHaveLength(8);
      expectHealthy(result, server.exitCode(), server.stderr());
    } finally {
      await admin.end();
      await server.close();
      await t.close();
    }
  }, 120_000);
});

describe.runIf(engines.includes('pglite'))('chaos on the embedded database', () => {
  const home = mkdtempSync(join(tmpdir(), 'sophia-chaos-'));
  afterAll(async () => {
    await stopEmbeddedDatabase(home).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('kill -9 of the owner twice under 4 clients: no exit, every call answered, back within 5 s of a new owner', async () => {
    // A migrated data directory (from the test template) so the run spends its time on chaos, not initdb.
    const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
    const t0 = Date.now();
    const seed = await openPglite({ dataDir: embeddedPaths(home).dataDir, loadDataDir: template });
    await seed.close();
    process.stderr.write(`chaos embedded: seeded in ${Date.now() - t0} ms\n`);
    const server = await startHttpServer('data-dictionary', {
      env: {
        DATABASE_URL: '',
        SOPHIA_HOME: home,
        SOPHIA_DB_IDLE_SECONDS: '600',
        SOPHIA_TENANT: 'acme',
        SOPHIA_AUTH_DISABLED: 'true',
      },
    });
    try {
      const result = await runChaos({
        url: server.url,
        clients: 4,
        tool: 'describe_schema',
        args: { table: 'accounts', countRows: true },
        pauseMs: 100,
        callBoundMs: CALL_BOUND_MS,
        kills: 2,
        steadyMs: 500,
        restoreBoundMs: RESTORE_BOUND_MS,
        async kill() {
          const owner = readOwner(home);
          if (!owner || owner === 'unknown') throw new Error('no embedded owner to kill');
          process.kill(owner.pid, 'SIGKILL');
          while (isAlive(owner.pid)) await new Promise((r) => setTimeout(r, 10));
          // Nobody but the server's own database handle starts the replacement.
          const databaseBack = (async () => {
            for (;;) {
              const now = readOwner(home);
              if (
                now &&
                now !== 'unknown' &&
                now.pid !== owner.pid &&
                now.state === 'ready' &&
                isAlive(now.pid)
              )
                return Date.now();
              await new Promise((r) => setTimeout(r, 20));
            }
          })();
          return { databaseBack };
        },
      });
      process.stderr.write(`${summary('embedded', result)}\n`);
      process.stderr.write(
        `chaos embedded: kills ${JSON.stringify(result.kills.map((k) => ({ ownerRestartMs: k.backAt - k.killedAt, restoreMs: k.restoreMs })))}\n`,
      );
      expect(result.kills).toHaveLength(2);
      expectHealthy(result, server.exitCode(), server.stderr());
    } finally {
      await server.close();
    }
  }, 240_000);
});
