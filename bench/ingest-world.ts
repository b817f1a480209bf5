/**
 * Ingestion benchmark: generates the demo world (default 13,069 Gong calls, the customer's real volume) and
 * lands it through the Airbyte ingest path on PostgreSQL (a fresh database created on DATABASE_URL's server, or
 * 127.0.0.1:5432, dropped afterwards) and on the embedded default (a temp SOPHIA_HOME, stopped afterwards).
 * Prints wall time (generate, ingest per source, identity), records/s, database size and peak memory.
 * Each phase runs in its own child process so peak RSS is that phase's own.
 *
 *   npx tsx bench/ingest-world.ts [--calls 13069] [--seed payready] [--engines postgres,embedded]
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { ensureTenant, migrateToLatest } from '../schema/migrate.js';
import { ENTITY_NAMES } from '../shared/ingest/types.js';
import { openDatabase } from '../shared/db/database.js';
import { findEmbeddedDatabase, stopEmbeddedDatabase } from '../shared/db/embedded/launcher.js';
import { writeWorld } from '../shared/ingest/demo/generate.js';
import { countLanded, ingestDemoFiles } from '../shared/ingest/demo/ingest.js';
import { DEMO_SOURCES, type DemoSource } from '../shared/ingest/demo/sources.js';
import { nodeArgsFor } from '../shared/process/node-entry.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '13069' },
    seed: { type: 'string', default: 'payready' },
    engines: { type: 'string', default: 'postgres,embedded' },
    phase: { type: 'string' },
    engine: { type: 'string' },
    dir: { type: 'string' },
  },
});
const TENANT = 'bench';
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Peak RSS (VmHWM) of another process, in MB, when /proc tells. */
function processPeakMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

interface GenerateResult {
  ms: number;
  lines: Record<DemoSource, number>;
  bytes: Record<DemoSource, number>;
  peakRssMb: number;
}

interface IngestResult {
  engine: string;
  dictionaryMs: number;
  sources: { source: DemoSource; ms: number; records: number; status: string }[];
  identityMs: number;
  identityLinks: number;
  totalMs: number;
  records: number;
  databaseBytes: number;
  counts: Record<string, number>;
  peakRssMb: number;
  ownerPeakRssMb: number | null;
}

async function phaseGenerate(dir: string): Promise<GenerateResult> {
  const t = Date.now();
  const w = await writeWorld(dir, { calls: Number(values.calls), seed: values.seed! });
  return { ms: Date.now() - t, lines: w.lines, bytes: w.bytes, peakRssMb: peakRssMb() };
}

async function phaseIngest(engine: string, dir: string): Promise<IngestResult> {
  const files = Object.fromEntries(DEMO_SOURCES.map((s) => [s, join(dir, `${s}.jsonl`)])) as Record<
    DemoSource,
    string
  >;
  let url: string | undefined;
  let admin: pg.Client | undefined;
  let dbName = '';
  let home: string | undefined;
  if (engine === 'postgres') {
    const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
    dbName = `sophia_bench_${process.pid}`;
    const adminUrl = new URL(base);
    adminUrl.pathname = '/postgres';
    admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const target = new URL(base);
    target.pathname = `/${dbName}`;
    url = target.toString();
  } else {
    home = mkdtempSync(join(tmpdir(), 'sophia-bench-home-'));
  }
  const db = await openDatabase(url ? { url } : { home: home! });
  try {
    await migrateToLatest(db.db);
    await ensureTenant(db.db, TENANT);
    const t = Date.now();
    const result = await ingestDemoFiles(db, {
      tenant: TENANT,
      files,
      progress: false,
      onSourceDone: (source, summary, ms) =>
        process.stderr.write(`  ${engine} ${source}: ${summary.status} in ${(ms / 1000).toFixed(1)}s\n`),
    });
    const totalMs = Date.now() - t;
    const size = await sql<{ n: string }>`select pg_database_size(current_database())::text as n`.execute(
      db.db,
    );
    const counts = await countLanded(db, TENANT);
    const owner = home ? await findEmbeddedDatabase(home) : undefined;
    const sources = result.runs.map((r) => ({
      source: r.source,
      ms: r.ms,
      records: Object.values(r.summary.streams).reduce((n, s) => n + s.read, 0),
      status: r.summary.status,
    }));
    return {
      engine,
      dictionaryMs: result.dictionaryMs,
      sources,
      identityMs: result.identityMs,
      identityLinks: result.identity.links,
      totalMs,
      records: sources.reduce((n, s) => n + s.records, 0),
      databaseBytes: Number(size.rows[0]!.n),
      counts,
      peakRssMb: peakRssMb(),
      ownerPeakRssMb: owner ? processPeakMb(owner.pid) : null,
    };
  } finally {
    await db.close();
    if (admin) {
      // Let the closed pool's backends exit before dropping (force only if one lingers).
      await new Promise((r) => setTimeout(r, 500));
      await admin
        .query(`drop database if exists ${dbName}`)
        .catch(() => admin!.query(`drop database if exists ${dbName} with (force)`));
      await admin.end();
    }
    if (home) {
      await stopEmbeddedDatabase(home);
      rmSync(home, { recursive: true, force: true });
    }
  }
}

async function child(args: string[]): Promise<unknown> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [...nodeArgsFor(new URL(import.meta.url)), ...args],
    { maxBuffer: 64 * 1024 * 1024, env: process.env },
  );
  if (stderr) process.stderr.write(stderr);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const UNIFIED = ENTITY_NAMES;
const unified = (counts: Record<string, number>) => UNIFIED.reduce((n, t) => n + (counts[t] ?? 0), 0);
const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

if (values.phase === 'generate') {
  process.stdout.write(`${JSON.stringify(await phaseGenerate(values.dir!))}\n`);
} else if (values.phase === 'ingest') {
  process.stdout.write(`${JSON.stringify(await phaseIngest(values.engine!, values.dir!))}\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sophia-bench-world-'));
  try {
    const calls = Number(values.calls);
    process.stderr.write(
      `generating a ${calls.toLocaleString('en-US')}-call world (seed ${values.seed}) in ${dir}\n`,
    );
    const gen = (await child([
      '--phase',
      'generate',
      '--dir',
      dir,
      '--calls',
      values.calls!,
      '--seed',
      values.seed!,
    ])) as GenerateResult;
    const lines = Object.values(gen.lines).reduce((a, b) => a + b, 0);
    const mb = Object.values(gen.bytes).reduce((a, b) => a + b, 0) / 1e6;
    const out: string[] = [
      `Demo world: ${calls.toLocaleString('en-US')} calls, ${lines.toLocaleString('en-US')} Airbyte messages, ${mb.toFixed(0)} MB (${DEMO_SOURCES.map((x) => `${x} ${(gen.bytes[x] / 1e6).toFixed(1)} MB`).join(', ')})`,
      `generate: ${s(gen.ms)}, peak RSS ${gen.peakRssMb} MB`,
    ];
    for (const engine of values.engines!.split(',').map((e) => e.trim())) {
      if (engine !== 'postgres' && engine !== 'embedded') throw new Error(`unknown engine '${engine}'`);
      process.stderr.write(`ingesting on ${engine}\n`);
      const r = (await child(['--phase', 'ingest', '--engine', engine, '--dir', dir])) as IngestResult;
      out.push(
        '',
        `${engine}: ingest ${s(r.totalMs)} for ${r.records.toLocaleString('en-US')} records (${rate(r.records, r.totalMs)}); generate + ingest ${s(gen.ms + r.totalMs)}`,
        `  dictionary sync ${s(r.dictionaryMs)}`,
        ...r.sources.map(
          (x) =>
            `  ${x.source.padEnd(10)} ${s(x.ms).padStart(7)}  ${x.records.toLocaleString('en-US').padStart(9)} records  ${rate(x.records, x.ms).padStart(9)}  ${x.status}`,
        ),
        `  identity   ${s(r.identityMs).padStart(7)}  ${r.identityLinks.toLocaleString('en-US')} links`,
        `  unified rows landed: ${unified(r.counts).toLocaleString('en-US')} (${rate(unified(r.counts), r.totalMs)}), of which transcript segments ${(r.counts.transcript_segments ?? 0).toLocaleString('en-US')}`,
        `  database size ${(r.databaseBytes / 1e6).toFixed(0)} MB (pg_database_size)`,
        `  peak RSS of the ingest process ${r.peakRssMb} MB${r.ownerPeakRssMb !== null ? `; embedded database owner ${r.ownerPeakRssMb} MB` : ''}`,
        `  rows: ${Object.entries(r.counts)
          .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
          .join(', ')}`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
