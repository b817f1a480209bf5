import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMigrationTables } from '../../../schema/migrate.js';
import { definition } from '../../../servers/data-dictionary/server.js';
import { DEFAULT_TOOL_TOKENS, estimateTokens } from '../../../shared/runtime/budget.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';

type Structured = {
  tables: Array<{
    name: string;
    rowCount: number | null;
    rowCountExact: boolean;
    matchedBy: string;
    tenantScoped: boolean;
    partitioned: boolean;
    columnNames: string[];
    columns?: Array<{ name: string; type: string; comment: string | null }>;
  }>;
  totalMatched: number;
  nextCursor: string | null;
  engine: { kind: string; pgvector: boolean };
};

describe.each(testEngines())('describe_schema on %s', (engine) => {
  let t: TestDatabase;
  let conn: InMemoryConnection;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'other');
    for (const [tenant, n] of [
      ['acme', 3],
      ['other', 5],
    ] as const) {
      await t.sophia.withTenant(tenant, (trx) =>
        trx
          .insertInto('accounts')
          .values(
            Array.from({ length: n }, (_, i) => ({
              tenant_id: tenant,
              source: 'salesforce',
              source_id: `001${i}`,
              name: `Acct ${i}`,
            })),
          )
          .execute(),
      );
    }
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme' });
  });
  afterAll(async () => {
    await conn?.close();
    await t?.close();
  });

  const call = async (args: Record<string, unknown>) => {
    const result = await conn.client.callTool({ name: 'describe_schema', arguments: args });
    return result as {
      isError?: boolean;
      content: Array<{ type: string; text: string }>;
      structuredContent?: Structured;
    };
  };

  it('lists every table with comments and row counts as the tenant sees them', async () => {
    const r = await call({ limit: 100 });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent!;
    expect(s.totalMatched).toBe(Object.keys(allMigrationTables()).length);
    // every table, over as many pages as the budget needs
    const tables = [...s.tables];
    for (let next = s.nextCursor; next;) {
      const page = (await call({ limit: 100, cursor: next })).structuredContent!;
      tables.push(...page.tables);
      next = page.nextCursor;
    }
    expect(tables).toHaveLength(s.totalMatched);
    const accounts = tables.find((x) => x.name === 'accounts')!;
    expect(accounts).toMatchObject({ rowCount: 3, rowCountExact: true, tenantScoped: true });
    expect(tables.find((x) => x.name === 'transcript_segments')!.partitioned).toBe(true);
    expect(s.engine.pgvector).toBe(engine === 'pglite');
    expect(r.content[0]!.text).toContain('### accounts (3 rows');
    expect(r.content[0]!.text).toContain('Source: PostgreSQL catalog');
  });

  it('keeps the text and the structured answer each within the default budget, paging the rest', async () => {
    for (const args of [{}, { detail: 'full' }, { detail: 'full', limit: 100 }]) {
      const r = await call(args);
      expect(r.isError, JSON.stringify(args)).toBeFalsy();
      const text = r.content.map((c) => c.text).join('\n');
      expect(estimateTokens(text)).toBeLessThanOrEqual(DEFAULT_TOOL_TOKENS);
      expect(estimateTokens(JSON.stringify(r.structuredContent))).toBeLessThanOrEqual(DEFAULT_TOOL_TOKENS);
      // the structure carries names, not the rendering again
      expect(JSON.stringify(r.structuredContent)).not.toContain('### ');
    }
    const full = await call({ detail: 'full', limit: 100 });
    expect(full.structuredContent!.nextCursor).not.toBeNull();
    expect(full.content[0]!.text).toMatch(/more: pass nextCursor/);
  });

  it('describes one table in full', async () => {
    const r = await call({ table: 'calls' });
    const calls = r.structuredContent!.tables;
    expect(calls).toHaveLength(1);
    const sourceId = calls[0]!.columns!.find((c) => c.name === 'source_id')!;
    expect(sourceId.type).toBe('text');
    expect(sourceId.comment).toMatch(/19-20 digits/);
    expect(r.content[0]!.text).toContain('`started_at` timestamp with time zone not null');
  });

  it('finds tables and columns by words in names and comments', async () => {
    const r = await call({ search: 'talk time' });
    const names = r.structuredContent!.tables.map((x) => x.name);
    expect(names).toContain('call_participants');
    const cp = r.structuredContent!.tables.find((x) => x.name === 'call_participants')!;
    expect(cp.matchedBy).toBe('columns');
    expect(cp.columnNames).toEqual(['talk_time_ms']);
    expect(cp.columns).toBeUndefined();
  });

  it('pages with a cursor and never repeats a table', async () => {
    const first = await call({ limit: 10, countRows: false });
    expect(first.structuredContent!.tables).toHaveLength(10);
    const second = await call({ limit: 10, countRows: false, cursor: first.structuredContent!.nextCursor });
    const a = first.structuredContent!.tables.map((x) => x.name);
    const b = second.structuredContent!.tables.map((x) => x.name);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
  });

  it('answers an unknown table with a suggestion', async () => {
    const r = await call({ table: 'call' });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/no table named 'call'.*Did you mean 'calls'/);
  });

  it('rejects bad arguments with a message that says how to fix them', async () => {
    const r = await call({ limit: 5000, tabel: 'calls' });
    expect(r.isError).toBe(true);
    const text = r.content[0]!.text;
    expect(text).toContain('Invalid arguments for describe_schema');
    expect(text).toContain('`limit`');
    expect(text).toContain('`tabel`: not an argument of describe_schema; remove it');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a forged cursor clearly', async () => {
    const r = await call({ cursor: 'not-a-cursor' });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/cursor/i);
  });

  it('writes an audit row for every call, with the outcome', async () => {
    await call({ table: 'accounts' });
    await call({ limit: -1 });
    await conn.runtime.audit.flush();
    const rows = await t.sophia.withTenant('acme', (trx) =>
      trx
        .selectFrom('audit_log')
        .select(['tool', 'outcome', 'caller', 'argument_digest', 'server'])
        .orderBy('id')
        .execute(),
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.tool === 'describe_schema' && r.server === 'data-dictionary')).toBe(true);
    expect(rows.map((r) => r.outcome)).toContain('error');
    expect(rows.map((r) => r.outcome)).toContain('ok');
    expect(rows[0]!.argument_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the sophia://schema resource', async () => {
    const res = await conn.client.readResource({ uri: 'sophia://schema' });
    const text = (res.contents[0] as { text: string }).text;
    expect(text).toContain('# Sophia unified schema (live)');
    expect(text).toContain('### transcript_segments');
  });
});
