import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/config/config.js';
import { DatabaseUnavailableError } from '../../shared/db/resilient-pool.js';
import { createLogger } from '../../shared/log/logger.js';
import { enabledTools, unknownToolsetsMessage } from '../../shared/runtime/build-server.js';
import { defineTool, ToolInputError } from '../../shared/runtime/define-tool.js';
import { startHttp } from '../../shared/runtime/http.js';
import { createProcessRuntime } from '../../shared/runtime/runtime-context.js';
import { defineServer } from '../../shared/runtime/server-definition.js';
import { connectInMemory } from '../support/mcp.js';

/** A small server exercising every path of the tool runtime without a database. */
const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes text.',
  toolset: 'basic',
  input: {
    text: z.string().min(1, 'text must not be empty'),
    repeat: z.number().int().min(1).max(100_000).default(1),
  },
  output: { text: z.string() },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args) {
    const text = args.text.repeat(args.repeat);
    return { structured: { text }, text };
  },
});
const write = defineTool({
  name: 'save_note',
  title: 'Save a note',
  description: 'Writes.',
  toolset: 'notes',
  input: { note: z.string() },
  output: { saved: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler() {
    return { structured: { saved: true }, text: 'saved' };
  },
});
const broken = defineTool({
  name: 'broken',
  title: 'Broken',
  description: 'Fails in various ways.',
  toolset: 'basic',
  input: { how: z.enum(['input', 'bug', 'schema', 'database']) },
  output: { ok: z.boolean() },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args) {
    if (args.how === 'input') throw new ToolInputError('Pick a date after 2020-01-01.');
    if (args.how === 'database') throw new DatabaseUnavailableError('connect ECONNREFUSED 127.0.0.1:5432.');
    if (args.how === 'schema') return { structured: { ok: 'yes' } as unknown as { ok: boolean }, text: '' };
    throw new TypeError("Cannot read properties of undefined (reading 'x')");
  },
});
const def = defineServer({
  name: 'test-runtime',
  title: 'T',
  version: '1',
  instructions: 'test',
  tools: [echo, write, broken],
});

type R = { isError?: boolean; content: Array<{ text: string }>; structuredContent?: unknown };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('tool runtime', () => {
  it('filters tools in read-only mode and by toolset', () => {
    const cfg = (readOnly: boolean, toolsets: string[]) => ({ readOnly, toolsets });
    expect(enabledTools(def, cfg(false, [])).map((t) => t.name)).toEqual(['echo', 'save_note', 'broken']);
    expect(enabledTools(def, cfg(true, [])).map((t) => t.name)).toEqual(['echo', 'broken']);
    expect(enabledTools(def, cfg(false, ['notes'])).map((t) => t.name)).toEqual(['save_note']);
  });

  it('serves the default toolsets when none is named; `all` and `default` extend a selection', () => {
    const lean = defineServer({ ...def, name: 'lean', defaultToolsets: ['basic'] });
    const names = (readOnly: boolean, toolsets: string[]) =>
      enabledTools(lean, { readOnly, toolsets }).map((t) => t.name);
    expect(names(false, [])).toEqual(['echo', 'broken']);
    expect(names(false, ['all'])).toEqual(['echo', 'save_note', 'broken']);
    expect(names(false, ['default', 'notes'])).toEqual(['echo', 'save_note', 'broken']);
    expect(names(false, ['notes'])).toEqual(['save_note']);
    expect(names(true, ['all'])).toEqual(['echo', 'broken']);
    expect(unknownToolsetsMessage(lean, ['all', 'default', 'notes'])).toBeUndefined();
    expect(unknownToolsetsMessage(lean, ['note'])).toBe(
      "unknown toolset 'note' for lean; valid toolsets: basic, notes (default: basic; 'all' for every toolset; set with --toolsets a,b or SOPHIA_TOOLSETS)",
    );
    // toolset names are typed: a default toolset no tool declares does not compile (and throws at run time)
    expect(() =>
      defineServer({
        name: 'typed',
        title: 'T',
        version: '1',
        instructions: 't',
        tools: [echo, write],
        // @ts-expect-error 'note' is not a toolset of these tools ('basic' | 'notes')
        defaultToolsets: ['note'],
      }),
    ).toThrow("typed: default toolset 'note' has no tools");
    expect(() => defineServer({ ...def, name: 'bad', defaultToolsets: ['nope'] })).toThrow(
      "bad: default toolset 'nope' has no tools; toolsets: basic, notes",
    );
  });

  it('lists a tool only on the transports it works on', () => {
    const localOnly = defineTool({ ...echo, name: 'read_disk', transports: ['stdio', 'memory'] });
    const both = defineServer({
      name: 'both',
      title: 'T',
      version: '1',
      instructions: 't',
      tools: [echo, localOnly],
    });
    const names = (transport?: 'stdio' | 'http' | 'memory') =>
      enabledTools(both, { readOnly: false, toolsets: [] }, transport).map((t) => t.name);
    expect(names('stdio')).toEqual(['echo', 'read_disk']);
    expect(names('memory')).toEqual(['echo', 'read_disk']);
    expect(names('http')).toEqual(['echo']);
    expect(names()).toEqual(['echo', 'read_disk']);
  });

  it('explains how to switch on a tool of a toolset that is off', async () => {
    const lean = defineServer({ ...def, name: 'lean', defaultToolsets: ['basic'] });
    const c = await connectInMemory(lean);
    closers.push(() => c.close());
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'broken']);
    const r = (await c.client.callTool({ name: 'save_note', arguments: { note: 'x' } })) as R;
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toBe(
      "Tool save_note is switched off on this server (its toolset 'notes' is not enabled; enabled: basic). To use it, start the server with --toolsets default,notes or SOPHIA_TOOLSETS=all. Available tools: echo, broken.",
    );
  });

  it('read-only mode hides write tools and explains when one is called', async () => {
    const c = await connectInMemory(def, { env: { SOPHIA_READ_ONLY: 'true' } });
    closers.push(() => c.close());
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'broken']);
    const r = (await c.client.callTool({ name: 'save_note', arguments: { note: 'x' } })) as R;
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/switched off on this server \(read-only mode/);
  });

  it('turns every kind of failure into a clear tool error without a stack trace', async () => {
    const c = await connectInMemory(def);
    closers.push(() => c.close());
    const call = async (how: string) =>
      (await c.client.callTool({ name: 'broken', arguments: { how } })) as R;
    expect((await call('input')).content[0]!.text).toBe('Pick a date after 2020-01-01.');
    expect((await call('database')).content[0]!.text).toMatch(
      /^broken could not reach the database: .* Retry in a moment\.$/,
    );
    const bug = await call('bug');
    expect(bug.isError).toBe(true);
    expect(bug.content[0]!.text).toMatch(/error in Sophia, not in your request/);
    expect(bug.content[0]!.text).not.toMatch(/\n\s+at /);
    expect((await call('schema')).content[0]!.text).toMatch(/does not match its declared schema/);
    const unknown = (await c.client.callTool({ name: 'nope', arguments: {} })) as R;
    expect(unknown.content[0]!.text).toBe(
      'There is no tool named nope. Available tools: echo, save_note, broken.',
    );
  });

  it('refuses answers over the token cap with advice', async () => {
    const c = await connectInMemory(def);
    closers.push(() => c.close());
    const r = (await c.client.callTool({
      name: 'echo',
      arguments: { text: 'abcdefghij', repeat: 20_000 },
    })) as R;
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/over the 20000-token cap\. Narrow the request/);
    const ok = (await c.client.callTool({ name: 'echo', arguments: { text: 'hi', repeat: 2 } })) as R;
    expect(ok.structuredContent).toEqual({ text: 'hihi' });
  });

  it('over HTTP, a token without the write role may read but not write', async () => {
    const secret = 'another-secret-long-enough-for-hs256-signing!!';
    const config = loadConfig({
      SOPHIA_AUTH_JWT_SECRET: secret,
      SOPHIA_TENANT: 'acme',
      SOPHIA_HOME: '/tmp/sophia-never-used',
    });
    const rt = createProcessRuntime(config, createLogger('t'), {
      database: () => Promise.reject(new Error('no database in this test')),
    });
    const http = await startHttp(def, rt, { host: '127.0.0.1', port: 0, stateless: false });
    closers.push(async () => {
      await http.close();
      await rt.close();
    });
    const connect = async (roles: string[]) => {
      const jwt = await new SignJWT({ roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('someone')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      const client = new Client({ name: 'roles', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.url), {
          requestInit: { headers: { authorization: `Bearer ${jwt}` } },
        }),
      );
      closers.push(() => client.close());
      return client;
    };
    const reader = await connect(['read']);
    expect(((await reader.callTool({ name: 'echo', arguments: { text: 'a' } })) as R).isError).toBeFalsy();
    const denied = (await reader.callTool({ name: 'save_note', arguments: { note: 'x' } })) as R;
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toMatch(/needs the 'write' role; your token's roles: read/);
    const writer = await connect(['read', 'write']);
    expect(
      ((await writer.callTool({ name: 'save_note', arguments: { note: 'x' } })) as R).structuredContent,
    ).toEqual({
      saved: true,
    });
  });
});
