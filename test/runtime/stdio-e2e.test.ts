import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { spawnStdioServer } from '../support/spawn-server.js';

/**
 * The real data-dictionary server process, spawned the way Claude Desktop spawns it, driven by the SDK
 * Client over stdio: on the embedded default (which the server starts on demand) and on PostgreSQL.
 */
describe('data-dictionary over stdio', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('answers describe_schema on the embedded default, starting the embedded database on demand', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sophia-stdio-'));
    cleanups.push(async () => {
      await stopEmbeddedDatabase(home);
      rmSync(home, { recursive: true, force: true });
    });
    const server = await spawnStdioServer('data-dictionary', {
      env: { SOPHIA_HOME: home, SOPHIA_TENANT: 'payready', DATABASE_URL: '' },
    });
    cleanups.push(() => server.close());
    const tools = await server.client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['describe_schema']);
    expect(tools.tools[0]!.outputSchema).toBeDefined();
    const r = await server.client.callTool({ name: 'describe_schema', arguments: { table: 'accounts' } });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as {
      tables: Array<{ name: string; rowCount: number }>;
      engine: { kind: string };
    };
    expect(s.tables[0]).toMatchObject({ name: 'accounts', rowCount: 0 });
    expect(s.engine.kind).toBe('embedded (PGlite)');
    expect(server.stderr()).toContain('ready');
  });

  it.each(testEngines().filter((e) => e === 'postgres'))(
    'answers describe_schema on %s (DATABASE_URL)',
    async (engine) => {
      const t: TestDatabase = await createTestDatabase(engine);
      cleanups.push(() => t.close());
      const server = await spawnStdioServer('data-dictionary', {
        env: {
          DATABASE_URL: t.url,
          SOPHIA_TENANT: 'payready',
          SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-x-')),
        },
      });
      cleanups.push(() => server.close());
      const r = await server.client.callTool({ name: 'describe_schema', arguments: { search: 'gong' } });
      expect(r.isError).toBeFalsy();
      const s = r.structuredContent as {
        tables: Array<{ name: string }>;
        engine: { kind: string; pgvector: boolean };
      };
      expect(s.engine).toMatchObject({ kind: 'postgres', pgvector: false });
      expect(s.tables.map((x) => x.name)).toContain('calls');
      const bad = await server.client.callTool({
        name: 'describe_schema',
        arguments: { detail: 'everything' },
      });
      expect(bad.isError).toBe(true);
      expect((bad.content as Array<{ text: string }>)[0]!.text).toMatch(/`detail`/);
    },
  );

  it('refuses to start with a clear message when the configuration is wrong', async () => {
    const { spawnSync } = await import('node:child_process');
    const { nodeArgsFor } = await import('../../shared/process/node-entry.js');
    const { serverMain } = await import('../support/spawn-server.js');
    const res = spawnSync(process.execPath, nodeArgsFor(serverMain('data-dictionary')), {
      env: { ...process.env, DATABASE_URL: 'mysql://nope', SOPHIA_DB_IDLE_SECONDS: 'soon' },
      input: '',
      encoding: 'utf8',
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('DATABASE_URL: expected a postgres:// or postgresql:// connection URL');
    expect(res.stderr).toContain('SOPHIA_DB_IDLE_SECONDS: expected a whole number');
    expect(res.stdout).toBe('');
  });

  it.each([
    [['--toolsets', 'reviews'], {}],
    [[], { SOPHIA_TOOLSETS: 'bogus' }],
  ])('refuses an unknown toolset (%j %j) naming the valid ones, exit 78', async (args, env) => {
    const { spawnSync } = await import('node:child_process');
    const { nodeArgsFor } = await import('../../shared/process/node-entry.js');
    const { serverMain } = await import('../support/spawn-server.js');
    const res = spawnSync(process.execPath, [...nodeArgsFor(serverMain('github-review')), ...args], {
      env: { ...process.env, ...env },
      input: '',
      encoding: 'utf8',
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/unknown toolset '(reviews|bogus)' for github-review; valid toolsets: \S/);
    expect(res.stdout).toBe('');
  });
});
