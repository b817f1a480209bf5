import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as dataDictionary } from '../../servers/data-dictionary/server.js';
import { definition as knowledgeBase } from '../../servers/knowledge-base/server.js';
import { encodeCursor } from '../../shared/runtime/budget.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../support/mcp.js';

/**
 * Issue 11 item 14: inputs the database rejects (NUL bytes, lone surrogates: 22021 / 22P02), a cursor that
 * encodes `null`, and arguments that are not an object each get a clear isError naming the argument, never
 * a JSON-RPC internal error (-32603) or a raw validation dump.
 */
function textOf(result: unknown): string {
  return (result as { content: Array<{ text?: string }> }).content.map((c) => c.text ?? '').join('\n');
}

describe.each(testEngines())('bad input on %s', (engine) => {
  let t: TestDatabase;
  let dd: InMemoryConnection;
  let kb: InMemoryConnection;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme');
    dd = await connectInMemory(dataDictionary, { database: t.sophia });
    kb = await connectInMemory(knowledgeBase, {
      database: t.sophia,
      env: { SOPHIA_KB_DEFAULT: 'false', SOPHIA_KB_WATCH: 'false' },
    });
  });
  afterAll(async () => {
    await dd?.close();
    await kb?.close();
    await t?.close();
  });

  const unstorable: Array<[string, string, RegExp]> = [
    ['NUL byte', 'acc\u0000ounts', /`search`: contains a NUL character/],
    ['lone high surrogate', 'acc\ud800ounts', /`search`: contains an unpaired UTF-16 surrogate/],
    ['lone low surrogate', 'calls \udc00', /`search`: contains an unpaired UTF-16 surrogate/],
  ];
  it.each(unstorable)('%s in a string argument: isError naming it', async (_what, search, message) => {
    const r = await dd.client.callTool({ name: 'describe_schema', arguments: { search } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(message);
    expect(textOf(r)).not.toMatch(/SQLSTATE|22021|22P02|error in Sophia/);
  });

  it('a NUL byte in the knowledge-base search query: isError naming `query`', async () => {
    const r = await kb.client.callTool({ name: 'search_knowledge', arguments: { query: 'pay\u0000ready' } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/`query`: contains a NUL character/);
  });

  it('a valid emoji (a surrogate pair) is fine', async () => {
    const r = await dd.client.callTool({ name: 'describe_schema', arguments: { search: 'calls 😀' } });
    expect(textOf(r)).not.toMatch(/surrogate/);
  });

  for (const value of [null, 42, 'x', [1], true]) {
    it(`a cursor that encodes ${JSON.stringify(value)}: isError naming \`cursor\``, async () => {
      for (const [conn, tool] of [
        [dd, 'describe_schema'],
        [kb, 'list_documents'],
      ] as const) {
        const r = await conn.client.callTool({ name: tool, arguments: { cursor: encodeCursor(value) } });
        expect(r.isError).toBe(true);
        expect(textOf(r)).toMatch(/`cursor` is not valid/);
      }
    });
  }

  for (const args of [[], ['search', 'calls'], 'calls', 7, null, true]) {
    it(`arguments ${JSON.stringify(args)} (not an object): isError naming \`arguments\``, async () => {
      const r = await dd.client.request(
        { method: 'tools/call', params: { name: 'describe_schema', arguments: args as never } },
        CallToolResultSchema,
      );
      const text = textOf(r);
      // `arguments: null` is read as "no arguments", which describe_schema accepts.
      if (args === null) return expect(r.isError).toBeFalsy();
      expect(r.isError).toBe(true);
      expect(text).toMatch(/`arguments` must be a JSON object of named arguments/);
      expect(text).not.toMatch(/"code":|invalid_type|ZodError/);
    });
  }

  it('tools/call without a tool name: a JSON-RPC invalid-params error that says what is missing', async () => {
    const err = await dd.client
      .request({ method: 'tools/call', params: { arguments: {} } as never }, CallToolResultSchema)
      .catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(-32602);
    expect((err as Error).message).toMatch(/needs params.name/);
  });
});
