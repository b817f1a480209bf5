import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const fixture = fileURLToPath(new URL('../fixtures/search/beir-mini', import.meta.url));
const cli = new URL('../../cli/main.ts', import.meta.url);

/** Runs the real CLI in a child process (asynchronously: the embedded test database is served by this process). */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { REDIS_URL: _r, DATABASE_URL: _d, ...base } = process.env;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgsFor(cli), ...args], {
      env: { ...base, SOPHIA_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe.each(testEngines())('sophia kb eval on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => t?.close());

  it('indexes the BEIR fixture in a scratch collection and prints nDCG@10, recall@100 and latency per retriever', async () => {
    const r = await runCli(['kb', 'eval', '--beir', fixture, '--retriever', 'all'], {
      DATABASE_URL: t.url,
      SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-eval-')),
      SOPHIA_TENANT: 'evaltest',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/indexed 30 documents \(30 chunks\)/);
    type Row = { queries: number; ndcg: number; recall: number; p50: number; p95: number };
    const rows: Record<string, Row> = Object.fromEntries(
      r.stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((p) => ['bm25', 'fts', 'vector', 'hybrid'].includes(p[0]!))
        .map((p) => [
          p[0],
          {
            queries: Number(p[1]),
            ndcg: Number(p[2]),
            recall: Number(p[3]),
            p50: Number(p[4]),
            p95: Number(p[5]),
          },
        ]),
    );
    expect(Object.keys(rows).sort()).toEqual(['bm25', 'fts', 'hybrid', 'vector']);
    for (const row of Object.values(rows)) {
      expect(row.queries).toBe(12);
      expect(row.recall).toBeGreaterThan(0.8);
      expect(row.p95).toBeGreaterThanOrEqual(row.p50);
    }
    // The right answers are findable by words: every lexical retriever does well on this fixture.
    expect(rows.bm25!.ndcg).toBeGreaterThan(0.7);
    expect(rows.fts!.ndcg).toBeGreaterThan(0.7);
    expect(rows.hybrid!.ndcg).toBeGreaterThan(0.7);
    // The scratch collection is gone afterwards.
    const left = await t.sophia.db
      .selectFrom('kb_documents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});

describe('sophia kb eval input errors', () => {
  it('explains a dataset it cannot read', async () => {
    const r = await runCli(['kb', 'eval', '--beir', join(fixture, 'nope')], {
      SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-eval-')),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/sophia: .*corpus\.jsonl does not exist/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
