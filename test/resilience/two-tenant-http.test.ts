/* eslint-disable @typescript-eslint/no-explicit-any -- tool outputs are checked field by field below */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { startHttpServer } from '../support/spawn-server.js';
import { insertWorld, type World } from '../servers/gong-analytics/world.js';

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

/** Who each tenant's analyst is: the token's subject becomes the audit row's caller. */
const ACME = { tenant: 'acme', sub: 'ana@acme.test', roles: ['read', 'write'] };
const GLOBEX = { tenant: 'globex', sub: 'gil@globex.test', roles: ['read', 'write'] };

/** Tool calls made, by server and tenant: every one must be in the audit log once, under its caller's tenant. */
const made = new Map<string, number>();
const clients = new WeakMap<Client, { server: string; tenant: string }>();

async function connect(url: string, server: string, claims: typeof ACME): Promise<Client> {
  const client = new Client({ name: 'two-tenant-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${await token(claims)}` } },
  });
  await client.connect(transport);
  clients.set(client, { server, tenant: claims.tenant });
  return client;
}

type Answer = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Answer> {
  const who = clients.get(client)!;
  const key = `${who.server}|${who.tenant}`;
  made.set(key, (made.get(key) ?? 0) + 1);
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
    made.clear();
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
      acme = await connect(server.url, 'knowledge-base', ACME);
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
      globex = await connect(server.url, 'knowledge-base', GLOBEX);
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

    it('tells a subscriber about changes to its own tenant’s documents only', async () => {
      const updates = { acme: [] as string[], globex: [] as string[] };
      acme.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.acme.push(n.params.uri),
      );
      globex.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.globex.push(n.params.uri),
      );
      const acmeDoc = 'kb://docs/notes/pricing-plan.md';
      const globexDoc = 'kb://docs/notes/globex-roadmap.md';
      await acme.subscribeResource({ uri: acmeDoc });
      // globex asks about acme's path too: it must learn nothing about acme's document.
      await globex.subscribeResource({ uri: acmeDoc });
      await globex.subscribeResource({ uri: globexDoc });
      const until = async (what: string, done: () => boolean) => {
        for (const deadline = Date.now() + 15_000; !done(); await new Promise((r) => setTimeout(r, 100))) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        }
      };
      // Edited on disk: the watcher re-indexes each tenant's folder into that tenant's index only.
      writeFileSync(
        join(tenantFolder('acme'), 'notes', 'pricing-plan.md'),
        '# Pricing plan\n\nAcme now raises the otter tier by ten percent.\n',
      );
      await until('acme’s notification', () => updates.acme.includes(acmeDoc));
      writeFileSync(
        join(tenantFolder('globex'), 'notes', 'globex-roadmap.md'),
        '# Roadmap\n\nGlobex ships the heron console and the egret API.\n',
      );
      await until('globex’s notification', () => updates.globex.includes(globexDoc));
      // Notifications reach a client in the order they were sent: acme's edit came first.
      expect(updates.globex).toEqual([globexDoc]);
      expect(updates.acme).toEqual([acmeDoc]);
      expect((await ok(globex, 'get_document', { path: 'notes/globex-roadmap.md' })).text).toMatch(/egret/);
      expect((await ok(acme, 'get_document', { path: 'notes/pricing-plan.md' })).text).toMatch(/ten percent/);
      expect((await call(acme, 'get_document', { path: 'notes/globex-roadmap.md' })).isError).toBe(true);
    });

    it('refuses completions (and every other request) without a token', async () => {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'completion/complete',
          params: {
            ref: { type: 'ref/resource', uri: 'kb://docs/{+path}' },
            argument: { name: 'path', value: 'notes/' },
          },
        }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toMatch(/notes\//);
    });
  });

  describe('a data server (gong-analytics)', () => {
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    let acme: Client;
    let globex: Client;
    let worlds: { acme: World; globex: World };
    const callIds = (w: World) =>
      Object.values(w.calls)
        .map((c) => c.callId)
        .sort();

    beforeAll(async () => {
      // The same people and accounts in both tenants (as two customers of one product would have), with
      // different Gong call ids: what comes back must be the caller's rows, not merely rows with a name.
      worlds = {
        acme: await insertWorld(t.sophia, 'acme'),
        globex: await insertWorld(t.sophia, 'globex', '9'),
      };
      server = await startHttpServer('gong-analytics', {
        env: {
          DATABASE_URL: t.url,
          SOPHIA_HOME: home,
          SOPHIA_TENANT: 'acme',
          SOPHIA_AUTH_JWT_SECRET: SECRET,
          SOPHIA_LOG_LEVEL: 'warn',
        },
      });
      acme = await connect(server.url, 'gong-analytics', ACME);
      globex = await connect(server.url, 'gong-analytics', GLOBEX);
    });
    afterAll(async () => {
      await acme?.close();
      await globex?.close();
      await server?.close(); // SIGTERM: the audit queue is flushed before the process exits
    });

    it('tools return only the caller’s rows', async () => {
      const found = async (c: Client) =>
        ((await ok(c, 'search_calls', { limit: 50 })).hits as Array<{ callId: string }>)
          .map((h) => h.callId)
          .sort();
      expect(await found(acme)).toEqual(callIds(worlds.acme));
      expect(await found(globex)).toEqual(callIds(worlds.globex));
      expect(callIds(worlds.acme)).not.toEqual(callIds(worlds.globex));

      const theirs = worlds.acme.calls.c1;
      for (const callId of [theirs.callId, theirs.id]) {
        const r = await call(globex, 'get_call', { callId });
        expect(r.isError, callId).toBe(true);
        expect(r.content[0]!.text).toMatch(/There is no call/);
      }
      expect((await ok(acme, 'get_call', { callId: theirs.callId, transcript: false })).callId).toBe(
        theirs.callId,
      );
    });

    it('resources read and list only the caller’s rows', async () => {
      const mine = worlds.globex.calls.c2.callId;
      const read = await globex.readResource({ uri: `gong://calls/${mine}` });
      expect(JSON.stringify(read.contents)).toContain(mine);
      for (const uri of [
        `gong://calls/${worlds.acme.calls.c2.callId}`,
        `gong://calls/${worlds.acme.calls.c2.callId}/transcript`,
      ]) {
        await expect(globex.readResource({ uri }), uri).rejects.toThrow(/There is no call/);
      }
      const listed = JSON.stringify([await globex.listResources(), await globex.listResourceTemplates()]);
      for (const c of Object.values(worlds.acme.calls)) expect(listed).not.toContain(c.id);
    });
  });

  // Audit rows carry the caller's tenant; a tenant reads only its own (through a tool, under row-level security).
  describe('the audit log', () => {
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    const rows = (tenant: string) =>
      t.sophia.withTenant(tenant, (trx) =>
        trx.selectFrom('audit_log').select(['tenant_id', 'server', 'caller', 'transport']).execute(),
      );

    beforeAll(async () => {
      server = await startHttpServer('data-dictionary', {
        env: {
          DATABASE_URL: t.url,
          SOPHIA_HOME: home,
          SOPHIA_TENANT: 'acme',
          SOPHIA_AUTH_JWT_SECRET: SECRET,
          SOPHIA_LOG_LEVEL: 'warn',
        },
      });
    });
    afterAll(async () => server?.close());

    it('writes every call once, under the caller’s tenant and subject', async () => {
      // The servers above have shut down, which flushed their audit queues.
      for (const [tenant, sub] of [
        ['acme', ACME.sub],
        ['globex', GLOBEX.sub],
      ] as const) {
        const own = await rows(tenant);
        for (const name of ['knowledge-base', 'gong-analytics']) {
          const written = own.filter((r) => r.server === name);
          expect(written.length, `${name} ${tenant}`).toBe(made.get(`${name}|${tenant}`));
          expect(new Set(written.map((r) => `${r.tenant_id} ${r.caller} ${r.transport}`))).toEqual(
            new Set([`${tenant} ${sub} http`]),
          );
        }
      }
    });

    it('a tenant reads only its own audit rows', async () => {
      const acmeRows = (await rows('acme')).length;
      const globexRows = (await rows('globex')).length;
      expect(globexRows).toBeGreaterThan(0);
      for (const [claims, own] of [
        [ACME, acmeRows],
        [GLOBEX, globexRows],
      ] as const) {
        const c = await connect(server.url, 'data-dictionary', claims);
        try {
          const r = await ok(c, 'describe_schema', { table: 'audit_log' });
          const table = JSON.stringify(r);
          expect(r.tables[0].rowCount, `${claims.tenant}: ${table.slice(0, 300)}`).toBe(own);
          expect(r.tables[0].rowCount).not.toBe(acmeRows + globexRows);
        } finally {
          await c.close();
        }
      }
    });
  });
});
