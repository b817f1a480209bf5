import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../shared/db/embedded/open-pglite.js';
import { EmbeddedWireServer } from '../../shared/db/embedded/wire-server.js';

/** Protocol-level behaviour of the embedded server that concurrent clients depend on. */
describe('embedded wire server', () => {
  let db: PGlite;
  let server: EmbeddedWireServer;
  let port: number;
  const password = 'correct horse battery staple';
  const clients: pg.Client[] = [];

  async function connect(pw = password): Promise<pg.Client> {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'sophia', password: pw, database: 'sophia' });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    db = await openPglite();
    server = new EmbeddedWireServer(db, { password, idleInTransactionTimeoutMs: 1500 });
    port = await server.listen(0);
    await db.exec('create table kv (k text primary key, v text)');
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await server.close();
    await db.close();
  });

  it('requires the password', async () => {
    await expect(connect('wrong')).rejects.toThrow(/password authentication failed/);
    const c = await connect();
    expect((await c.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('keeps two clients prepared statements of the same name apart', async () => {
    const a = await connect();
    const b = await connect();
    const qa = { name: 'stmt', text: "select 'from a' as who, $1::int as n" };
    const qb = { name: 'stmt', text: "select 'from b' as who, $1::int * 10 as n" };
    for (let i = 0; i < 20; i++) {
      const [ra, rb] = await Promise.all([a.query({ ...qa, values: [i] }), b.query({ ...qb, values: [i] })]);
      expect(ra.rows[0]).toEqual({ who: 'from a', n: i });
      expect(rb.rows[0]).toEqual({ who: 'from b', n: i * 10 });
    }
  });

  it('holds other clients back while a transaction is open and shows them only committed data', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('begin');
    await a.query("insert into kv values ('tx', 'uncommitted')");
    let bDone = false;
    const bRead = b.query("select v from kv where k = 'tx'").then((r) => {
      bDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(bDone).toBe(false);
    await a.query('commit');
    expect((await bRead).rows).toEqual([{ v: 'uncommitted' }]);
  });

  it('rolls back the transaction of a client that disconnects, and frees the session', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('begin');
    await a.query("insert into kv values ('gone', 'x')");
    const waiting = b.query("select count(*)::int as n from kv where k = 'gone'");
    (a as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    expect((await waiting).rows[0].n).toBe(0);
  });

  it('disconnects a client that sits idle in a transaction, so others are not blocked forever', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('begin');
    await a.query("insert into kv values ('idle', 'x')");
    const started = Date.now();
    const r = await b.query("select count(*)::int as n from kv where k = 'idle'");
    expect(r.rows[0].n).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(a.query('commit')).rejects.toThrow();
  });

  it('recovers from an error in the middle of the extended protocol', async () => {
    const a = await connect();
    await expect(a.query('select * from no_such_table where x = $1', [1])).rejects.toThrow(/does not exist/);
    expect((await a.query('select $1::text as ok', ['yes'])).rows).toEqual([{ ok: 'yes' }]);
    await a.query('begin');
    await expect(a.query('select 1/0')).rejects.toThrow(/division by zero/);
    await expect(a.query('select 1')).rejects.toThrow(/current transaction is aborted/);
    await a.query('rollback');
    expect((await a.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('resets session settings a departing client changed with SET', async () => {
    const a = await connect();
    await a.query("set datestyle = 'SQL, DMY'");
    await a.end();
    const b = await connect();
    expect((await b.query('show datestyle')).rows[0].DateStyle).toBe('ISO, MDY');
  });

  it('closes a client that speaks garbage and keeps serving the others', async () => {
    const sock = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => sock.once('connect', r));
    const closed = new Promise((r) => sock.once('close', r));
    let reply = '';
    sock.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    sock.write(Buffer.from([0, 0, 0, 1, 1, 2, 3, 4]));
    await closed;
    expect(reply).toContain('invalid startup packet length');
    const c = await connect();
    expect((await c.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
  });

  it('works with psql', async () => {
    let psql = true;
    try {
      execFileSync('psql', ['--version']);
    } catch {
      psql = false;
    }
    if (!psql) return;
    // Asynchronously: the server runs in this process and must keep serving while psql waits.
    const { stdout } = await promisify(execFile)('psql', [
      `postgresql://sophia:${encodeURIComponent(password)}@127.0.0.1:${port}/sophia`,
      '-At',
      '-c',
      "select 'psql ok', count(*) from kv",
    ]);
    expect(stdout.trim()).toMatch(/^psql ok\|\d+$/);
  });
});
