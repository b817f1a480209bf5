/**
 * Query throughput of the embedded database: PGlite called in-process vs the same PGlite behind Sophia's
 * wire server, reached with node-postgres over loopback (1 connection, and 10 connections from 1 process),
 * and the start-up time of an MCP server process. Prints measured numbers; run with:
 *   npx tsx bench/embedded-throughput.ts [--queries 5000]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import pg from 'pg';
import { ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../shared/db/embedded/launcher.js';
import { openPglite } from '../shared/db/embedded/open-pglite.js';
import { EmbeddedWireServer } from '../shared/db/embedded/wire-server.js';
import { nodeArgsFor } from '../shared/process/node-entry.js';

const { values } = parseArgs({ options: { queries: { type: 'string', default: '5000' } } });
const N = Number(values.queries);

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000)} queries/s`;
}

const db = await openPglite();
await db.exec('create table bench (id serial primary key, k int, v text)');
await db.exec('insert into bench (k, v) select g, md5(g::text) from generate_series(1, 10000) g');

let t = performance.now();
for (let i = 0; i < N; i++) await db.query('select v from bench where id = $1', [(i % 10000) + 1]);
const inProcess = performance.now() - t;

const server = new EmbeddedWireServer(db);
const port = await server.listen(0);
const one = new pg.Client({ host: '127.0.0.1', port, user: 'bench' });
await one.connect();
t = performance.now();
for (let i = 0; i < N; i++) await one.query('select v from bench where id = $1', [(i % 10000) + 1]);
const wireOne = performance.now() - t;
await one.end();

const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'bench', max: 10 });
t = performance.now();
await Promise.all(
  Array.from({ length: 10 }, async (_, c) => {
    for (let i = c; i < N; i += 10) await pool.query('select v from bench where id = $1', [(i % 10000) + 1]);
  }),
);
const wireTen = performance.now() - t;
t = performance.now();
await Promise.all(
  Array.from({ length: 10 }, async (_, c) => {
    for (let i = c; i < N / 5; i += 10)
      await pool.query('insert into bench (k, v) values ($1, $2)', [i, `w${i}`]);
  }),
);
const writesTen = performance.now() - t;
await pool.end();
await server.close();
await db.close();

console.log(`point reads, ${N} queries:`);
console.log(`  in-process PGlite (db.query)            ${rate(N, inProcess)}`);
console.log(`  wire server, 1 pg connection            ${rate(N, wireOne)}`);
console.log(`  wire server, 10 pg connections          ${rate(N, wireTen)}`);
console.log(`inserts, ${N / 5} autocommit statements:`);
console.log(`  wire server, 10 pg connections          ${rate(N / 5, writesTen)}`);

// Start-up of an MCP server process (stdio), to the answer of tools/list.
const home = mkdtempSync(join(tmpdir(), 'sophia-bench-'));
const cold = performance.now();
await ensureEmbeddedDatabase({ home, idleSeconds: 120, port: 0 });
const embeddedCold = performance.now() - cold;
const startups: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const [first, ...rest] = nodeArgsFor(new URL('../dist/servers/data-dictionary/main.js', import.meta.url));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [first!, ...rest],
    env: { ...(process.env as Record<string, string>), SOPHIA_HOME: home },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  await client.listTools();
  const ready = performance.now() - t0;
  await client.callTool({ name: 'describe_schema', arguments: { table: 'calls' } });
  startups.push(ready);
  await client.close();
}
await stopEmbeddedDatabase(home);
rmSync(home, { recursive: true, force: true });
startups.sort((a, b) => a - b);
console.log(
  `embedded database cold start (new SOPHIA_HOME: initdb + pgvector + pg_trgm): ${Math.round(embeddedCold)} ms`,
);
console.log(
  `MCP server start (node dist/servers/data-dictionary/main.js to tools/list answered), 5 runs: median ${Math.round(startups[2]!)} ms, min ${Math.round(startups[0]!)} ms, max ${Math.round(startups[4]!)} ms`,
);
