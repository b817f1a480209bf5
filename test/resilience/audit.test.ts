import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../shared/log/logger.js';
import { AuditLog, argumentDigest } from '../../shared/runtime/audit.js';
import { defineTool, ToolInputError } from '../../shared/runtime/define-tool.js';
import { defineServer } from '../../shared/runtime/server-definition.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { connectInMemory } from '../support/mcp.js';

const SECRET = 'sk_live_51HcSecretValue';

// A server whose tools fail the ways real tools do, with error text that echoes the arguments.
const leaky = defineServer({
  name: 'leaky',
  title: 'test server',
  version: '0.0.0',
  instructions: 'test',
  tools: [
    defineTool({
      name: 'open_path',
      title: 'Open a path',
      toolset: 'test',
      description: 'Fails with the path in its error text.',
      input: { path: z.string(), mode: z.enum(['input', 'internal', 'sql']) },
      output: { ok: z.boolean() },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      async handler(args) {
        if (args.mode === 'input') throw new ToolInputError(`No document '${args.path}'`);
        if (args.mode === 'sql')
          throw Object.assign(new Error(`invalid input syntax for type uuid: "${args.path}"`), {
            code: '22P02',
          });
        throw new TypeError(`cannot read ${args.path}`);
      },
    }),
  ],
});

describe.each(testEngines())('the audit log (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex');
  });
  afterAll(async () => t?.close());

  const rowsOf = (tenant: string) =>
    t.sophia.withTenant(tenant, (trx) =>
      trx
        .selectFrom('audit_log')
        .select(['tool', 'outcome', 'error', 'argument_digest'])
        .orderBy('at')
        .execute(),
    );

  // Item 7: one token with an unknown tenant made every later batch fail (embedded: lost at shutdown;
  // PostgreSQL: rows duplicated by requeued batches).
  it('one bad row never blocks or duplicates the others', async () => {
    const audit = new AuditLog(async () => t.sophia, createLogger('test:audit'), 10_000);
    const entry = (tenant: string, tool: string) => ({
      tenant,
      server: 's',
      tool,
      caller: 'c',
      transport: 'http',
      args: { tool },
      outcome: 'ok' as const,
      latencyMs: 1,
    });
    audit.record(entry('acme', 'a1'));
    audit.record(entry('ghost', 'bad')); // no such tenant: foreign key violation
    audit.record(entry('globex', 'g1'));
    audit.record(entry('acme', 'a2'));
    await audit.flush();
    audit.record(entry('acme', 'a3'));
    audit.record(entry('ghost', 'bad2'));
    await audit.flush();
    await audit.flush();
    expect(audit.pending).toBe(0);
    expect(audit.dropped).toBe(2);
    expect((await rowsOf('acme')).map((r) => r.tool)).toEqual(['a1', 'a2', 'a3']);
    expect((await rowsOf('globex')).map((r) => r.tool)).toEqual(['g1']);
    // An invalid tenant id is dropped the same way (withTenant refuses it).
    audit.record(entry('NOT VALID', 'x'));
    audit.record(entry('globex', 'g2'));
    await audit.close();
    expect((await rowsOf('globex')).map((r) => r.tool)).toEqual(['g1', 'g2']);
  });

  it('a batch that cannot reach the database is kept and written once it can', async () => {
    let up = false;
    const audit = new AuditLog(
      async () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
        return t.sophia;
      },
      createLogger('test:audit'),
      10_000,
    );
    audit.record({
      tenant: 'globex',
      server: 's',
      tool: 'later',
      caller: 'c',
      transport: 'http',
      args: {},
      outcome: 'ok',
      latencyMs: 1,
    });
    await audit.flush();
    expect(audit.pending).toBe(1);
    up = true;
    // close() flushes what is queued (shutdown).
    await audit.close();
    expect((await rowsOf('globex')).filter((r) => r.tool === 'later')).toHaveLength(1);
  });

  // Item 13: error text that echoes arguments reached the audit log.
  it('stores the argument digest and the error class, never error text', async () => {
    const conn = await connectInMemory(leaky, { database: t.sophia, tenant: 'acme' });
    try {
      for (const mode of ['input', 'internal', 'sql'] as const) {
        const r = await conn.client.callTool({
          name: 'open_path',
          arguments: { path: `/vault/${SECRET}`, mode },
        });
        expect(r.isError).toBe(true);
      }
      await conn.client.callTool({ name: 'open_path', arguments: { path: SECRET, mode: 'nope' } });
      await conn.runtime.audit.flush();
    } finally {
      await conn.close();
    }
    const rows = (await rowsOf('acme')).filter((r) => r.tool === 'open_path');
    expect(rows.map((r) => r.error)).toEqual([
      'input:ToolInputError',
      'internal:TypeError',
      'sqlstate:22P02',
      'invalid_arguments',
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    expect(rows[0]!.argument_digest).toBe(argumentDigest({ path: `/vault/${SECRET}`, mode: 'input' }));
  });
});
