/* eslint-disable @typescript-eslint/no-explicit-any -- tool outputs are checked field by field below */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { startHttpServer } from '../support/spawn-server.js';

/**
 * Two tenants over HTTP (issue 11, "Done means"): real servers with a JWT verifier, one real MCP client per
 * tenant's token, each tenant with data of its own. Every path a client has (tools, resources read and
 * list, completions, documents on disk, the audit log) shows a tenant its own data and nothing of the other's.
 */
const SECRET = 'a-two-tenant-secret-that-is-long-enough-for-hs256';

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.sub ?? 'analyst@example.com'))
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
}

async function connect(url: string, claims: Record<string, unknown>): Promise<Client> {
  const client = new Client({ name: 'two-tenant-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${await token(claims)}` } },
  });
  await client.connect(transport);
  return client;
}

type Answer = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Answer> {
  return (await client.callTool({ name, arguments: args })) as Answer;
}

async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const r = await call(client, name, args);
  expect(r.isError, `${name}: ${r.content.map((c) => c.text).join(' ')}`).toBeFalsy();
  return r.structuredContent;
}

describe.each(testEngines())('two tenants over HTTP (%s)', (engine) => {
  let t: TestDatabase;
  let home: string;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex');
  });
  afterAll(async () => t?.close());

  // Item 5: save_document wrote into one shared folder and every tenant's sync indexed it; one tenant's note
  // came back in another's search, and another tenant's writer overwrote it on disk.
  describe('knowledge-base documents', () => {
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    let acme: Client;
    let globex: Client;
    const tenantFolder = (tenant: string) => join(home, 'tenants', tenant, 'knowledge-base');

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'sophia-2t-'));
      // A document saved before per-tenant folders existed (the old shared folder): it belongs to the
      // installation's default tenant from now on, and to no other tenant.
      mkdirSync(join(home, 'knowledge-base', 'old'), { recursive: true });
      writeFileSync(
        join(home, 'knowledge-base', 'old', 'legacy-note.md'),
        '# Legacy note\n\nThe quokka rollout plan.\n',
      );
      // What the old build left in the index: every tenant had indexed the shared folder.
      for (const tenant of ['acme', 'globex']) {
        await t.sophia.withTenant(tenant, async (trx) => {
          for (const [path, words] of [
            ['old/legacy-note.md', 'The quokka rollout plan.'],
            ['old/leaked.md', 'The capybara merger memo.'],
          ] as const) {
            const doc = await trx
              .insertInto('kb_documents')
              .values({
                tenant_id: tenant,
                collection: 'knowledge_base',
                path,
                title: path,
                source_uri: `file://${join(home, 'knowledge-base', path)}`,
                content_hash: `old-${path}`,
                size_bytes: words.length,
                indexed_at: new Date(),
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            await trx
              .insertInto('kb_chunks')
              .values({
                tenant_id: tenant,
                document_id: doc.id,
                chunk_index: 0,
                start_line: 1,
                end_line: 1,
                content: words,
              })
              .execute();
          }
        });
      }
      server = await startHttpServer('knowledge-base', {
        env: {
          DATABASE_URL: t.url,
          SOPHIA_HOME: home,
          SOPHIA_TENANT: 'acme',
          SOPHIA_AUTH_JWT_SECRET: SECRET,
          SOPHIA_EMBEDDING_CACHE: 'memory',
          SOPHIA_LOG_LEVEL: 'warn',
        },
      });
      acme = await connect(server.url, { tenant: 'acme', roles: ['read', 'write'] });
      // acme saves before globex's first call, so globex's first sync runs after acme's write (the order
      // in which the shared folder leaked).
      await ok(acme, 'save_document', {
        path: 'notes/pricing-plan.md',
        content: '# Pricing plan\n\nAcme raises the otter tier by nine percent in March.\n',
        tags: ['pricing'],
      });
      await ok(acme, 'save_document', {
        path: 'notes/same-name.md',
        content: '# Same name\n\nAcme wrote this: walrus.\n',
      });
      globex = await connect(server.url, { tenant: 'globex', roles: ['read', 'write'] });
      await ok(globex, 'save_document', {
        path: 'notes/globex-roadmap.md',
        content: '# Roadmap\n\nGlobex ships the heron console.\n',
      });
      await ok(globex, 'save_document', {
        path: 'notes/same-name.md',
        content: '# Same name\n\nGlobex wrote this: pelican.\n',
      });
    });
    afterAll(async () => {
      await acme?.close();
      await globex?.close();
      await server?.close();
    });

    it('keeps each tenant’s files in its own folder, 0700, and neither overwrites the other', () => {
      const a = tenantFolder('acme');
      const g = tenantFolder('globex');
      expect(readFileSync(join(a, 'notes', 'pricing-plan.md'), 'utf8')).toMatch(/otter tier/);
      expect(existsSync(join(g, 'notes', 'pricing-plan.md'))).toBe(false);
      expect(readFileSync(join(g, 'notes', 'globex-roadmap.md'), 'utf8')).toMatch(/heron/);
      expect(existsSync(join(a, 'notes', 'globex-roadmap.md'))).toBe(false);
      expect(readFileSync(join(a, 'notes', 'same-name.md'), 'utf8')).toMatch(/walrus/);
      expect(readFileSync(join(g, 'notes', 'same-name.md'), 'utf8')).toMatch(/pelican/);
      for (const dir of [a, g, join(home, 'tenants', 'acme'), join(home, 'tenants', 'globex')]) {
        expect((statSync(dir).mode & 0o777).toString(8), dir).toBe('700');
      }
      expect(statSync(join(a, 'notes', 'pricing-plan.md')).mode & 0o077).toBe(0);
      // The old shared folder's document moved to the default tenant's folder.
      expect(readFileSync(join(a, 'old', 'legacy-note.md'), 'utf8')).toMatch(/quokka/);
      expect(existsSync(join(home, 'knowledge-base', 'old', 'legacy-note.md'))).toBe(false);
      expect(existsSync(join(g, 'old', 'legacy-note.md'))).toBe(false);
    });

    it('search, list and get show a tenant only its own documents', async () => {
      const search = async (c: Client, query: string) =>
        (await ok(c, 'search_knowledge', { query, mode: 'fts', limit: 10 })).hits as Array<{
          path: string;
          text: string;
        }>;
      expect((await search(acme, 'otter tier')).map((h) => h.path)).toContain('notes/pricing-plan.md');
      expect((await search(globex, 'otter tier')).map((h) => h.path)).not.toContain('notes/pricing-plan.md');
      expect((await search(globex, 'heron console')).map((h) => h.path)).toContain('notes/globex-roadmap.md');
      expect((await search(acme, 'heron console')).map((h) => h.path)).not.toContain(
        'notes/globex-roadmap.md',
      );
      expect((await search(acme, 'quokka rollout')).map((h) => h.path)).toContain('old/legacy-note.md');
      expect(await search(globex, 'quokka rollout')).toEqual([]);
      // Rows the old shared folder left in the index are gone; the moved file is indexed from its new place.
      for (const c of [acme, globex])
        expect((await call(c, 'get_document', { path: 'old/leaked.md' })).isError).toBe(true);
      const old = async (c: Client) =>
        ((await ok(c, 'list_documents', { path: 'old' })).documents as Array<{ path: string }>).map(
          (d) => d.path,
        );
      expect(await old(acme)).toEqual(['old/legacy-note.md']);
      expect(await old(globex)).toEqual([]);
      expect((await ok(acme, 'get_document', { path: 'old/legacy-note.md' })).source).toBe(
        `file://${join(tenantFolder('acme'), 'old', 'legacy-note.md')}`,
      );
      expect(JSON.stringify(await search(globex, 'walrus pelican'))).not.toMatch(/walrus/);

      const listed = async (c: Client) =>
        ((await ok(c, 'list_documents', { path: 'notes', limit: 200 })).documents as Array<{ path: string }>)
          .map((d) => d.path)
          .sort();
      expect(await listed(acme)).toEqual(['notes/pricing-plan.md', 'notes/same-name.md']);
      expect(await listed(globex)).toEqual(['notes/globex-roadmap.md', 'notes/same-name.md']);

      const other = await call(globex, 'get_document', { path: 'notes/pricing-plan.md' });
      expect(other.isError).toBe(true);
      expect(other.content[0]!.text).toMatch(/No document 'notes\/pricing-plan.md'/);
      expect((await ok(acme, 'get_document', { path: 'notes/same-name.md' })).text).toMatch(/walrus/);
      expect((await ok(globex, 'get_document', { path: 'notes/same-name.md' })).text).toMatch(/pelican/);
    });

    it('resources (list and read) and path completions show a tenant only its own documents', async () => {
      const uris = async (c: Client) => (await c.listResources()).resources.map((r) => r.uri);
      expect(await uris(acme)).toContain('kb://docs/notes/pricing-plan.md');
      expect(await uris(globex)).not.toContain('kb://docs/notes/pricing-plan.md');
      expect(await uris(globex)).not.toContain('kb://docs/old/legacy-note.md');
      await expect(globex.readResource({ uri: 'kb://docs/notes/pricing-plan.md' })).rejects.toThrow(
        /No knowledge-base document/,
      );
      const read = await globex.readResource({ uri: 'kb://docs/notes/same-name.md' });
      expect(JSON.stringify(read.contents)).toMatch(/pelican/);
      expect(JSON.stringify(read.contents)).not.toMatch(/walrus/);

      const complete = async (c: Client, value: string) =>
        (
          await c.complete({
            ref: { type: 'ref/resource', uri: 'kb://docs/{+path}' },
            argument: { name: 'path', value },
          })
        ).completion.values;
      expect(await complete(acme, 'notes/')).toEqual(
        expect.arrayContaining(['notes/pricing-plan.md', 'notes/same-name.md']),
      );
      expect(await complete(acme, 'notes/')).not.toContain('notes/globex-roadmap.md');
      expect(await complete(globex, 'notes/')).toEqual(
        expect.arrayContaining(['notes/globex-roadmap.md', 'notes/same-name.md']),
      );
      expect(await complete(globex, 'notes/')).not.toContain('notes/pricing-plan.md');
      expect(await complete(globex, 'old/')).toEqual([]);
    });

    it('shares the shipped guides with every tenant, read-only', async () => {
      for (const c of [acme, globex]) {
        const docs = (await ok(c, 'list_documents', { path: 'compliance', limit: 200 })).documents as Array<{
          path: string;
        }>;
        expect(docs.map((d) => d.path)).toContain('compliance/fair-housing.md');
        const refused = await call(c, 'save_document', {
          path: 'compliance/fair-housing.md',
          content: '# Mine now\n',
        });
        expect(refused.isError).toBe(true);
        expect(refused.content[0]!.text).toMatch(/belongs to Sophia's knowledge base/);
      }
    });
  });
});
