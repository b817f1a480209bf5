import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { isAlive, readOwner } from '../../shared/db/embedded/owner-lock.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';

/**
 * The embedded database under real concurrency: separate OS processes, each with several connections,
 * against one owner process; then a kill -9 of the owner in the middle of writes.
 */
const WORKER = new URL('../support/embedded-load-worker.ts', import.meta.url);

function runWorker(url: string, id: number, conns: number, ops: number, mode: 'mixed' | 'writes') {
  const child = spawn(
    process.execPath,
    [...nodeArgsFor(WORKER), url, String(id), String(conns), String(ops), mode],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ out: string; err: string; code: number | null }>((resolve) =>
    child.on('exit', (code) => resolve({ out, err, code })),
  );
  return { child, done, out: () => out };
}

describe('embedded database: many processes, one owner', () => {
  const home = mkdtempSync(join(tmpdir(), 'sophia-conc-'));
  let url: string;
  beforeAll(async () => {
    url = (await ensureEmbeddedDatabase({ home, idleSeconds: 600, port: 0 })).url;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`create table load_test (
      id bigserial primary key, worker int not null, seq int not null, payload text not null, unique (worker, seq))`);
    await c.query('create index load_test_payload on load_test (payload)');
    await c.end();
  });
  afterAll(async () => {
    await stopEmbeddedDatabase(home).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('5 processes x 2 connections x 1,400 mixed operations: 0 wrong results, 0 errors', async () => {
    const workers = Array.from({ length: 5 }, (_, i) => runWorker(url, i + 1, 2, 1400, 'mixed'));
    const results = await Promise.all(workers.map((w) => w.done));
    let queries = 0;
    let committed = 0;
    for (const r of results) {
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out.trim().split('\n').pop()!) as {
        ops: number;
        queries: number;
        wrong: number;
        errors: number;
        committed: number[];
        firstProblems: string[];
      };
      expect(s.firstProblems).toEqual([]);
      expect(s.wrong).toBe(0);
      expect(s.errors).toBe(0);
      expect(s.ops).toBe(2 * 1400);
      queries += s.queries;
      committed += s.committed.length;
    }
    expect(queries).toBeGreaterThan(20_000);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(
      'select count(*)::int as n, count(*) filter (where seq < 0)::int as rolled from load_test',
    );
    await c.end();
    expect(rows[0]).toEqual({ n: committed, rolled: 0 });
  });

  it('kill -9 of the owner during writes loses no acknowledged row, and indexes agree with the table', async () => {
    const before = readOwner(home);
    if (!before || before === 'unknown') throw new Error('no owner');
    const c0 = new pg.Client({ connectionString: url });
    await c0.connect();
    await c0.query('truncate load_test');
    await c0.end();
    const writers = Array.from({ length: 3 }, (_, i) => runWorker(url, 100 + i, 2, 1_000_000, 'writes'));
    // Let them write for a while, then kill the owner without warning.
    const deadline = Date.now() + 20_000;
    while (
      writers.reduce((n, w) => n + (w.out().match(/ack/g)?.length ?? 0), 0) < 1500 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(before.pid, 'SIGKILL');
    const results = await Promise.all(writers.map((w) => w.done));
    expect(isAlive(before.pid)).toBe(false);
    const acked = new Map<number, number[]>();
    results.forEach((r, i) => {
      acked.set(
        100 + i,
        [...r.out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])),
      );
    });
    const ackedTotal = [...acked.values()].reduce((n, a) => n + a.length, 0);
    expect(ackedTotal).toBeGreaterThanOrEqual(1500);

    // A new owner replaces the dead one (stale lock taken over, PGlite crash recovery).
    const restarted = await ensureEmbeddedDatabase({ home, idleSeconds: 600, port: 0 });
    expect(restarted.pid).not.toBe(before.pid);
    const c = new pg.Client({ connectionString: restarted.url });
    await c.connect();
    for (const [worker, seqs] of acked) {
      const { rows } = await c.query<{ seq: number }>('select seq from load_test where worker = $1', [
        worker,
      ]);
      const present = new Set(rows.map((r) => r.seq));
      const missing = seqs.filter((s) => !present.has(s));
      expect(missing, `worker ${worker} lost acknowledged rows`).toEqual([]);
      // At most the one in-flight insert per connection may exist without an acknowledgement.
      expect(rows.length - seqs.length).toBeLessThanOrEqual(2);
    }
    // Index and heap agree: the same rows whether read through the indexes or by a sequential scan.
    await c.query('begin');
    await c.query(
      'set local enable_indexscan = off; set local enable_bitmapscan = off; set local enable_indexonlyscan = off',
    );
    const heap = await c.query('select count(*)::int as n, sum(hashtext(payload))::text as h from load_test');
    await c.query('commit');
    await c.query('begin');
    await c.query('set local enable_seqscan = off; set local enable_bitmapscan = off');
    const viaPk = await c.query('select count(*)::int as n from load_test where id > 0');
    const viaUnique = await c.query('select count(*)::int as n from load_test where worker >= 0');
    const viaPayload = await c.query(
      "select count(*)::int as n, sum(hashtext(payload))::text as h from load_test where payload >= ''",
    );
    const plan = await c.query("explain select count(*) from load_test where payload >= ''");
    await c.query('commit');
    expect(JSON.stringify(plan.rows)).toMatch(/Index/);
    expect(viaPk.rows[0].n).toBe(heap.rows[0].n);
    expect(viaUnique.rows[0].n).toBe(heap.rows[0].n);
    expect(viaPayload.rows[0]).toEqual(heap.rows[0]);
    // And the database takes writes again.
    await c.query("insert into load_test (worker, seq, payload) values (999, 1, 'after restart')");
    await c.end();
  });
});
