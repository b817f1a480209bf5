import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../shared/db/database.js';
import {
  ensureEmbeddedDatabase,
  findEmbeddedDatabase,
  stopEmbeddedDatabase,
} from '../../shared/db/embedded/launcher.js';
import { isAlive, lockPath, readOwner } from '../../shared/db/embedded/owner-lock.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';

/** Ownership of the embedded database: one owner however many processes ask, idle stop, crash replacement. */
const homes: string[] = [];
function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'sophia-owner-'));
  homes.push(h);
  return h;
}
afterAll(async () => {
  for (const h of homes) {
    await stopEmbeddedDatabase(h).catch(() => undefined);
    rmSync(h, { recursive: true, force: true });
  }
});

const ENSURE = `
  import { ensureEmbeddedDatabase } from ${JSON.stringify(new URL('../../shared/db/embedded/launcher.ts', import.meta.url).href)};
  const r = await ensureEmbeddedDatabase({ home: process.argv[2], idleSeconds: 600, port: 0 });
  process.stdout.write(JSON.stringify({ pid: r.pid, port: r.port }));
`;

describe('embedded database ownership', () => {
  it('gives every one of 5 simultaneous processes the same single owner', async () => {
    const home = newHome();
    const script = join(home, 'ensure.mts');
    writeFileSync(script, ENSURE);
    const runs = Array.from({ length: 5 }, () => {
      const args = nodeArgsFor(new URL(`file://${script}`));
      const child = spawn(process.execPath, [...args.slice(0, -1), script, home], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise<{ pid: number; port: number }>((resolve, reject) =>
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err)))),
      );
    });
    const owners = await Promise.all(runs);
    expect(new Set(owners.map((o) => `${o.pid}:${o.port}`)).size).toBe(1);
    const owner = readOwner(home);
    expect(owner !== 'unknown' && owner?.pid).toBe(owners[0]!.pid);
  });

  it('replaces an owner whose lock is stale (dead pid)', async () => {
    const home = newHome();
    writeFileSync(
      lockPath(home),
      JSON.stringify({
        pid: 999_999,
        state: 'ready',
        port: 1,
        startedAt: new Date().toISOString(),
        dataDir: 'x',
      }),
    );
    const r = await ensureEmbeddedDatabase({ home, idleSeconds: 600, port: 0 });
    expect(r.pid).not.toBe(999_999);
    expect(isAlive(r.pid)).toBe(true);
  });

  it('stops itself when idle and removes its lock; the next user starts it again', async () => {
    const home = newHome();
    const first = await ensureEmbeddedDatabase({ home, idleSeconds: 5, port: 0 });
    const deadline = Date.now() + 30_000;
    while (isAlive(first.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(first.pid)).toBe(false);
    expect(existsSync(lockPath(home))).toBe(false);
    expect(await findEmbeddedDatabase(home)).toBeUndefined();
    const second = await ensureEmbeddedDatabase({ home, idleSeconds: 600, port: 0 });
    expect(second.pid).not.toBe(first.pid);
  });

  it('a database handle survives its owner going away: the next query starts a new owner', async () => {
    const home = newHome();
    const sophia = await openDatabase({ home, idleSeconds: 600 });
    try {
      await sql`create table survive (n int)`.execute(sophia.db);
      await sql`insert into survive values (1)`.execute(sophia.db);
      const owner = readOwner(home);
      if (!owner || owner === 'unknown') throw new Error('no owner');
      process.kill(owner.pid, 'SIGKILL');
      while (isAlive(owner.pid)) await new Promise((r) => setTimeout(r, 50));
      // The pooled connection is dead; the first query may fail (reported), a later one must succeed.
      let rows: Array<{ n: number }> = [];
      for (let attempt = 0; attempt < 3 && rows.length === 0; attempt++) {
        try {
          rows = (await sql<{ n: number }>`select n from survive`.execute(sophia.db)).rows;
        } catch (err) {
          expect((err as Error).message).toMatch(/terminated|ECONNRESET|connection|not reachable/i);
        }
      }
      expect(rows).toEqual([{ n: 1 }]);
      const now = readOwner(home);
      expect(now !== 'unknown' && now?.pid).not.toBe(owner.pid);
    } finally {
      await sophia.close();
    }
  });
});
