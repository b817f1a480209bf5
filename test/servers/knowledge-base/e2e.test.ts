import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { spawnStdioServer, startHttpServer } from '../../support/spawn-server.js';

type Hits = { hits: Array<{ path: string; citation: string; text: string }> };

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const cases = testEngines().flatMap((engine) => (['stdio', 'http'] as const).map((transport) => [engine, transport] as const));

describe.each(cases)('knowledge-base server end to end on %s over %s', (engine, transport) => {
  let t: TestDatabase;
  let client: Client;
  let close: () => Promise<void>;
  let folder: string;
  const search = async (query: string) => {
    const r = (await client.callTool({ name: 'search_knowledge', arguments: { query, mode: 'fts', limit: 5 } })) as {
      isError?: boolean;
      structuredContent?: Hits;
    };
    expect(r.isError).toBeFalsy();
    return r.structuredContent!.hits;
  };

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme');
    folder = mkdtempSync(join(tmpdir(), 'kbwatch-'));
    writeFileSync(join(folder, 'leasing.md'), '# Leasing\n\n## Tours\nSelf-guided tours run from 9 to 6 with a smart lock code.\n');
    const env = {
      DATABASE_URL: t.url,
      SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-e2e-')),
      SOPHIA_TENANT: 'acme',
      SOPHIA_KB_DIRS: folder,
      SOPHIA_KB_DEFAULT: 'false',
      SOPHIA_EMBEDDING_CACHE: 'memory',
      SOPHIA_LOG_LEVEL: 'warn',
      SOPHIA_AUTH_DISABLED: 'true',
    };
    if (transport === 'stdio') {
      const s = await spawnStdioServer('knowledge-base', { env });
      client = s.client;
      close = s.close;
    } else {
      const h = await startHttpServer('knowledge-base', { env });
      client = new Client({ name: 'sophia-e2e-http', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(h.url)));
      close = async () => {
        await client.close();
        await h.close();
      };
    }
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const prefix = () => `${folder.split('/').pop()}/`;

  it('indexes the folder at start and cites its lines', async () => {
    const { value } = await until('the initial sync', async () => {
      const hits = await search('smart lock tours');
      return hits.length ? hits : undefined;
    });
    expect(value[0]!.path).toBe(`${prefix()}leasing.md`);
    expect(value[0]!.citation).toBe(`${prefix()}leasing.md:3-4 (Leasing > Tours)`);
  });

  it('re-indexes an edited file within seconds', async () => {
    writeFileSync(join(folder, 'leasing.md'), '# Leasing\n\n## Tours\nTours now end at 7 and visitors get a flamingo badge.\n');
    const { ms } = await until('the edit to be searchable', async () => ((await search('flamingo badge')).length ? true : undefined));
    expect(ms).toBeLessThan(10_000);
    expect(await search('smart lock')).toHaveLength(0);
  });

  it('picks up a new file and removes a deleted one', async () => {
    writeFileSync(join(folder, 'parking.txt'), 'Reserved parking costs 40 dollars per month near the walrus gate.\n');
    await until('the new file', async () => ((await search('walrus gate')).length ? true : undefined));
    rmSync(join(folder, 'leasing.md'));
    const { ms } = await until('the deletion', async () => ((await search('flamingo badge')).length === 0 ? true : undefined));
    expect(ms).toBeLessThan(10_000);
    const list = (await client.callTool({ name: 'list_documents', arguments: {} })) as { structuredContent?: { documents: Array<{ path: string }> } };
    expect(list.structuredContent!.documents.map((d) => d.path)).toEqual([`${prefix()}parking.txt`]);
  });

  it('returns a clear tool error for bad input, and keeps serving', async () => {
    const r = (await client.callTool({ name: 'search_knowledge', arguments: { query: '' } })) as { isError?: boolean; content: Array<{ text: string }> };
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/query is empty/);
    expect((await search('walrus')).length).toBe(1);
  });
});
