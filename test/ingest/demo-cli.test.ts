import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_NAMES } from '../../shared/ingest/types.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/engines.js';
import { repoRoot } from '../support/spawn-server.js';

/**
 * `sophia demo --calls 20` end to end, as a real child process against each engine: the world is generated,
 * every source lands through the Airbyte ingest path, rows arrive in the unified tables with zero dead letters,
 * identity links are made, and the ground truth is where the output says.
 */

const run = promisify(execFile);
const TENANT = 'demo';

describe.each(testEngines())('sophia demo on %s', (engine) => {
  let t: TestDatabase;
  let home: string;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    home = mkdtempSync(join(tmpdir(), 'sophia-demo-cli-'));
    const out = await demo();
    stdout = out.stdout;
    stderr = out.stderr;
  }, 180_000);

  const demo = () =>
    run(
      process.execPath,
      [
        ...nodeArgsFor(new URL('../../cli/main.ts', import.meta.url)),
        'demo',
        '--calls',
        '20',
        '--seed',
        'cli-test',
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          SOPHIA_HOME: home,
          SOPHIA_TENANT: TENANT,
          SOPHIA_LOG_LEVEL: 'warn',
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
    );

  afterAll(async () => {
    await t?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('lands every source with rows in the unified tables and no dead letters', async () => {
    const counts = await t.sophia.withTenant(TENANT, async (trx) => {
      const n = async (table: string) =>
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx)).rows[0]!
          .n;
      const out: Record<string, number> = {};
      for (const table of [...ENTITY_NAMES, 'identity_links', 'dead_letters']) out[table] = await n(table);
      return out;
    });
    expect(counts.calls).toBe(20);
    expect(counts.dead_letters).toBe(0);
    for (const [table, n] of Object.entries(counts))
      if (table !== 'dead_letters') expect(n, table).toBeGreaterThan(0);
    expect(counts.transcript_segments).toBeGreaterThan(20 * 10);
    // The summary printed what landed and where the ground truth is.
    expect(stdout).toMatch(/What landed \(rows per table\):/);
    expect(stdout).toMatch(new RegExp(`calls\\s+20\\b`));
    expect(stdout).toContain('Kevin Kane');
    expect(stderr).toMatch(/demo: generating a 20-call world/);
  });

  it('keeps Gong ids exact and links calls to Salesforce accounts through the CRM context', async () => {
    const truth = JSON.parse(readFileSync(join(home, 'demo', 'ground-truth.json'), 'utf8'));
    const rows = await t.sophia.withTenant(
      TENANT,
      async (trx) =>
        (
          await sql<{ source_id: string; account_id: string | null; account_source_id: string | null }>`
        select c.source_id, c.account_id, a.source_id as account_source_id
        from calls c left join accounts a on a.id = c.account_id`.execute(trx)
        ).rows,
    );
    const gong = readFileSync(join(home, 'demo', 'gong.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"stream":"calls"'))
      .map((l) => (JSON.parse(l) as { record: { data: { id: string } } }).record.data.id);
    expect(rows.map((r) => r.source_id).sort()).toEqual(gong.sort());
    const accountIds = new Set(
      truth.accounts.map((a: { salesforceAccountId: string }) => a.salesforceAccountId),
    );
    const linked = rows.filter((r) => r.account_source_id && accountIds.has(r.account_source_id));
    expect(linked.length).toBeGreaterThan(10);
    expect(existsSync(join(home, 'demo', 'slack.jsonl'))).toBe(true);
  });

  it('a second run of the same seed lands nothing new: every record unchanged, no duplicates', async () => {
    const count = () =>
      t.sophia.withTenant(TENANT, async (trx) => {
        const r = await sql<{ calls: number; segments: number; contacts: number; dead: number }>`
          select (select count(*)::int from calls) as calls, (select count(*)::int from transcript_segments) as segments,
                 (select count(*)::int from contacts) as contacts, (select count(*)::int from dead_letters) as dead`.execute(
          trx,
        );
        return r.rows[0]!;
      });
    const before = await count();
    const again = await demo();
    expect(await count()).toEqual(before);
    // Each source's summary: read = unchanged, nothing inserted or updated.
    const totals = [...again.stdout.matchAll(/^total\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)/gm)].map(
      (m) => m.slice(1, 5),
    );
    expect(totals).toHaveLength(4);
    for (const [read, inserted, updated, unchanged] of totals) {
      expect(inserted).toBe('0');
      expect(updated).toBe('0');
      expect(unchanged).toBe(read);
    }
  }, 180_000);
});
