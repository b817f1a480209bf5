/**
 * Fuzz benchmark: the schema-driven fuzz of test/resilience/fuzz.test.ts with larger counts, printing numbers.
 * Every server in cli/servers.ts gets CASES generated tool calls through a real MCP client (in-memory
 * transport, the full tools/call path) against a scratch PostgreSQL database; tools that reach outside
 * Sophia (openWorldHint) are left out, local repository paths point at an empty scratch folder.
 *
 *   npx tsx bench/fuzz.ts [--cases 2000] [--seed N]
 *
 * Prints, per server: cases, answers, tool errors (bad input explained), JSON-RPC errors, faults, cases/s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import pg from 'pg';
import { SERVERS } from '../cli/servers.js';
import { ensureTenant, migrateToLatest } from '../schema/migrate.js';
import { openDatabase } from '../shared/db/database.js';
import { setLogLevel } from '../shared/log/logger.js';
import { type FuzzStats, type FuzzTool, fuzzTools, hostileValue } from '../test/support/fuzz.js';
import { connectInMemory } from '../test/support/mcp.js';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '2000' }, seed: { type: 'string' } },
});
const CASES = Number(values.cases);
const PG = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
setLogLevel('silent');

const name = `sophia_fuzz_${process.pid}`;
const admin = new pg.Client({ connectionString: PG });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(PG);
url.pathname = `/${name}`;
const sophia = await openDatabase({ url: url.toString() });
const rows: Array<{ server: string; stats: FuzzStats; error?: string }> = [];
try {
  await migrateToLatest(sophia.db);
  await ensureTenant(sophia.db, 'acme');
  const scratch = mkdtempSync(join(tmpdir(), 'sophia-fuzz-bench-'));
  for (const [server, load] of Object.entries(SERVERS)) {
    const conn = await connectInMemory(await load(), {
      database: sophia,
      env: { SOPHIA_KB_DEFAULT: 'false', SOPHIA_KB_WATCH: 'false', SOPHIA_LOG_LEVEL: 'silent' },
    });
    try {
      const tools = (await conn.client.listTools()).tools.filter((t) => !t.annotations?.openWorldHint);
      const stats = await fuzzTools(conn.client, tools as FuzzTool[], {
        numRuns: CASES,
        ...(values.seed ? { seed: Number(values.seed) } : {}),
        overrides: { '*': { repoPath: fc.oneof(fc.constant(scratch), hostileValue()) } },
      });
      rows.push({ server, stats });
    } catch (err) {
      rows.push({
        server,
        stats: {
          cases: 0,
          outcomes: { ok: 0, 'tool-error': 0, 'rpc-error': 0, fault: 1 },
          rpcCodes: {},
          faults: [],
          ms: 0,
        },
        error: err instanceof Error ? err.message.split('\n').slice(0, 4).join(' ') : String(err),
      });
    } finally {
      await conn.close();
    }
  }
} finally {
  await sophia.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

console.log('server            cases  answers  tool errors  rpc errors  faults  cases/s');
for (const { server, stats, error } of rows) {
  const o = stats.outcomes;
  console.log(
    `${server.padEnd(16)} ${String(stats.cases).padStart(6)} ${String(o.ok).padStart(8)} ${String(o['tool-error']).padStart(12)} ${String(o['rpc-error']).padStart(11)} ${String(o.fault).padStart(7)} ${(stats.ms ? (stats.cases / stats.ms) * 1000 : 0).toFixed(0).padStart(8)}`,
  );
  if (error) console.log(`  fault: ${error}`);
}
const total = rows.reduce((n, r) => n + r.stats.cases, 0);
const faults = rows.reduce((n, r) => n + r.stats.outcomes.fault, 0);
console.log(`total: ${total} cases, ${faults} faults`);
process.exit(faults ? 1 : 0);
