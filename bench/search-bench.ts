/**
 * Search benchmark: indexes 10,000 knowledge-base chunks, then measures search latency through the
 * knowledge-base MCP server (a real server process over stdio, the real search_knowledge tool with its
 * validation, audit and budgets) for fts, vector and hybrid retrieval, on both engines:
 *  - embedded: PGlite behind Sophia's embedded database owner process (SOPHIA_HOME in a temp folder);
 *  - postgres: a scratch database on the PostgreSQL at BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
 *
 *   npx tsx bench/search-bench.ts [--chunks 10000] [--queries 200] [--engines embedded,postgres]
 *
 * Prints indexing rate (chunks/s, embedding + full-text + vectors) and p50/p95 latency per mode, measured at
 * the MCP client. The embedder and vector store are the configured defaults (offline embedder, pgvector).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { sql } from 'kysely';
import pg from 'pg';
import { ensureTenant, migrateToLatest } from '../schema/migrate.js';
import { loadConfig } from '../shared/config/config.js';
import { ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../shared/db/embedded/launcher.js';
import { openDatabase, type SophiaDatabase } from '../shared/db/database.js';
import { createLogger, setLogLevel } from '../shared/log/logger.js';
import { nodeArgsFor } from '../shared/process/node-entry.js';
import { percentile } from '../shared/search/eval/metrics.js';
import type { DocumentInput } from '../shared/search/search-index.js';
import { SearchService } from '../shared/search/search-service.js';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
    engines: { type: 'string', default: 'embedded,postgres' },
  },
});
const CHUNKS = Number(values.chunks);
const QUERIES = Number(values.queries);
const CHUNKS_PER_DOC = 20;
const TENANT = 'bench';
setLogLevel('warn');

/** Deterministic text: sentences of the shipped knowledge base, recombined per chunk. */
function corpusSentences(): string[] {
  const root = new URL('../knowledge-base/', import.meta.url);
  const out: string[] = [];
  const walk = (dir: URL) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith('.md'))
        out.push(
          ...readFileSync(new URL(e.name, dir), 'utf8')
            .replace(/[#|*`>-]/g, ' ')
            .split(/(?<=[.!?])\s+/)
            .map((s) => s.replace(/\s+/g, ' ').trim())
            .filter((s) => s.split(' ').length >= 6),
        );
    }
  };
  walk(root);
  return out;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function makeDocuments(n: number): DocumentInput[] {
  const sentences = corpusSentences();
  const rand = rng(42);
  const docs: DocumentInput[] = [];
  for (let d = 0; d * CHUNKS_PER_DOC < n; d++) {
    const chunks = [];
    let line = 1;
    for (let c = 0; c < CHUNKS_PER_DOC && d * CHUNKS_PER_DOC + c < n; c++) {
      const parts: string[] = [];
      while (parts.join(' ').length < 700) parts.push(sentences[Math.floor(rand() * sentences.length)]!);
      const content = `${parts.slice(0, 3).join(' ')}\n${parts.slice(3).join(' ')}`;
      chunks.push({ headingPath: `Bench ${d} > Section ${c}`, startLine: line, endLine: line + 1, content });
      line += 3;
    }
    docs.push({
      collection: 'knowledge_base',
      path: `bench/doc-${String(d).padStart(4, '0')}.md`,
      title: `Bench document ${d}`,
      sourceUri: `bench:${d}`,
      contentHash: createHash('sha256').update(JSON.stringify(chunks)).digest('hex'),
      sizeBytes: chunks.reduce((s, c) => s + c.content.length, 0),
      tags: [`t${d % 10}`],
      chunks,
    });
  }
  return docs;
}

function queries(n: number): string[] {
  const sentences = corpusSentences();
  const rand = rng(7);
  return Array.from({ length: n }, () => {
    const words = sentences[Math.floor(rand() * sentences.length)]!.split(' ');
    const start = Math.floor(rand() * Math.max(1, words.length - 5));
    return words.slice(start, start + 3 + Math.floor(rand() * 4)).join(' ');
  });
}

async function bench(engine: 'embedded' | 'postgres') {
  const home = mkdtempSync(join(tmpdir(), `sophia-bench-${engine}-`));
  let url: string;
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const base = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const name = `sophia_bench_search_${process.pid}`;
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const e = await ensureEmbeddedDatabase({ home, idleSeconds: 600, port: 0 });
    url = e.url;
    cleanup = async () => {
      await stopEmbeddedDatabase(home);
    };
  }
  const logger = createLogger(`bench:${engine}`);
  let database: SophiaDatabase | undefined;
  try {
    database = await openDatabase({ url, logger });
    await migrateToLatest(database.db);
    await ensureTenant(database.db, TENANT);
    const f = await database.features();
    const config = loadConfig({
      DATABASE_URL: url,
      SOPHIA_HOME: home,
      SOPHIA_TENANT: TENANT,
      SOPHIA_EMBEDDING_CACHE: 'memory',
    });
    const service = new SearchService({ config, database, logger });
    const t = service.forTenant(TENANT);
    const docs = makeDocuments(CHUNKS);
    const t0 = performance.now();
    for (let i = 0; i < docs.length; i += 25) await t.index.upsertDocuments(docs.slice(i, i + 25));
    const indexSeconds = (performance.now() - t0) / 1000;
    await sql`analyze kb_documents`.execute(database.db);
    await sql`analyze kb_chunks`.execute(database.db);
    await sql`analyze embeddings`.execute(database.db);
    const storeNote = (await t.store.describe()).note;
    await service.close();

    // Search through the real server process over stdio.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: nodeArgsFor(new URL('../servers/knowledge-base/main.ts', import.meta.url)),
      env: {
        ...(process.env as Record<string, string>),
        DATABASE_URL: url,
        SOPHIA_HOME: home,
        SOPHIA_TENANT: TENANT,
        SOPHIA_KB_DEFAULT: 'false',
        SOPHIA_KB_WATCH: 'false',
        SOPHIA_EMBEDDING_CACHE: 'memory',
        SOPHIA_LOG_LEVEL: 'warn',
      },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'sophia-bench', version: '1.0.0' });
    await client.connect(transport);
    const qs = queries(QUERIES);
    const results: Array<{ mode: string; p50: number; p95: number; serverP50: number; hitRate: number }> = [];
    for (const mode of ['fts', 'vector', 'hybrid'] as const) {
      for (const q of qs.slice(0, 20))
        await client.callTool({ name: 'search_knowledge', arguments: { query: q, mode } });
      const lat: number[] = [];
      const server: number[] = [];
      let withHits = 0;
      for (const q of qs) {
        const s = performance.now();
        const r = (await client.callTool({
          name: 'search_knowledge',
          arguments: { query: q, mode, limit: 5 },
        })) as {
          isError?: boolean;
          content: Array<{ text: string }>;
          structuredContent?: { hits: unknown[]; retrieval: { ms: number } };
        };
        lat.push(performance.now() - s);
        if (r.isError) throw new Error(`search failed: ${r.content[0]?.text}`);
        server.push(r.structuredContent!.retrieval.ms);
        if (r.structuredContent!.hits.length) withHits++;
      }
      results.push({
        mode,
        p50: percentile(lat, 50),
        p95: percentile(lat, 95),
        serverP50: percentile(server, 50),
        hitRate: withHits / qs.length,
      });
    }
    await client.close();
    const label =
      engine === 'embedded' ? `embedded PGlite ${f.serverVersion}` : `PostgreSQL ${f.serverVersion}`;
    process.stdout.write(`\n${label}; ${storeNote}\n`);
    process.stdout.write(
      `indexed ${CHUNKS} chunks (${docs.length} documents) in ${indexSeconds.toFixed(1)} s = ${(CHUNKS / indexSeconds).toFixed(0)} chunks/s\n`,
    );
    process.stdout.write(`mode     p50 ms   p95 ms   (server-side p50 ms)   queries with hits\n`);
    for (const r of results)
      process.stdout.write(
        `${r.mode.padEnd(7)} ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}   ${r.serverP50.toFixed(1).padStart(10)}            ${(r.hitRate * 100).toFixed(0)}%\n`,
      );
  } finally {
    await database?.close();
    await cleanup();
    rmSync(home, { recursive: true, force: true });
  }
}

process.stdout.write(
  `search benchmark: ${CHUNKS} chunks, ${QUERIES} queries per mode, through the knowledge-base MCP server over stdio\n`,
);
for (const engine of values.engines!.split(',') as Array<'embedded' | 'postgres'>) await bench(engine);
