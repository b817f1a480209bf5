import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { startHttpServer } from '../support/spawn-server.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!!';

async function token(claims: Record<string, unknown>, expiresIn = '5m', secret = SECRET): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.sub ?? 'analyst@payready.com'))
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

function rawPost(
  port: number,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe.each(testEngines().slice(0, 1))('data-dictionary over Streamable HTTP (%s)', (engine) => {
  let t: TestDatabase;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    server = await startHttpServer('data-dictionary', {
      env: { DATABASE_URL: t.url, SOPHIA_TENANT: 'payready', SOPHIA_AUTH_JWT_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it('answers /healthz without a token', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', server: 'data-dictionary' });
  });

  it('401 without a token, with a WWW-Authenticate challenge', async () => {
    const res = await rawPost(server.port, {}, initialize);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('401 for a token signed with another key, and for an expired token', async () => {
    const forged = await rawPost(
      server.port,
      { authorization: `Bearer ${await token({}, '5m', 'x'.repeat(40))}` },
      initialize,
    );
    expect(forged.status).toBe(401);
    const expired = await rawPost(
      server.port,
      { authorization: `Bearer ${await token({}, '-1m')}` },
      initialize,
    );
    expect(expired.status).toBe(401);
    expect(expired.body).toMatch(/expired/);
  });

  it('403 for a bad Host header (DNS rebinding) and a foreign Origin, even with a valid token', async () => {
    const auth = { authorization: `Bearer ${await token({ roles: ['read'] })}` };
    const badHost = await rawPost(server.port, { ...auth, host: 'evil.example.com' }, initialize);
    expect(badHost.status).toBe(403);
    const badOrigin = await rawPost(server.port, { ...auth, origin: 'https://evil.example.com' }, initialize);
    expect(badOrigin.status).toBe(403);
  });

  it('serves a real MCP client that presents a valid token, and audits the call under the token subject', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: {
        headers: {
          authorization: `Bearer ${await token({ sub: 'kevin.kane@payready.com', roles: ['read'] })}`,
        },
      },
    });
    const client = new Client({ name: 'http-e2e', version: '1' });
    await client.connect(transport);
    const r = await client.callTool({ name: 'describe_schema', arguments: { table: 'calls' } });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { tables: Array<{ name: string }> }).tables[0]!.name).toBe('calls');
    const bad = await client.callTool({ name: 'describe_schema', arguments: { limit: 'ten' } });
    expect(bad.isError).toBe(true);
    await client.close();
    // The audit log is flushed in the background (every 200 ms).
    let rows: Array<{ caller: string; transport: string; outcome: string }> = [];
    for (let i = 0; i < 50 && rows.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await t.sophia.withTenant('payready', (trx) =>
        trx.selectFrom('audit_log').select(['caller', 'transport', 'outcome']).orderBy('id').execute(),
      );
    }
    expect(rows).toEqual([
      { caller: 'kevin.kane@payready.com', transport: 'http', outcome: 'ok' },
      { caller: 'kevin.kane@payready.com', transport: 'http', outcome: 'error' },
    ]);
  });

  it('uses the tenant named in the token', async () => {
    await t.tenants('other');
    await t.sophia.withTenant('other', (trx) =>
      trx
        .insertInto('accounts')
        .values({ tenant_id: 'other', source: 's', source_id: '1', name: 'Other Co' })
        .execute(),
    );
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: {
        headers: { authorization: `Bearer ${await token({ tenant: 'other', roles: ['read'] })}` },
      },
    });
    const client = new Client({ name: 'http-e2e', version: '1' });
    await client.connect(transport);
    const r = await client.callTool({ name: 'describe_schema', arguments: { table: 'accounts' } });
    expect((r.structuredContent as { tables: Array<{ rowCount: number }> }).tables[0]!.rowCount).toBe(1);
    await client.close();
  });

  it('answers 404 for an unknown session id', async () => {
    const res = await rawPost(
      server.port,
      { authorization: `Bearer ${await token({})}`, 'mcp-session-id': 'no-such-session' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    );
    expect(res.status).toBe(404);
  });
});

describe('HTTP start-up rules', () => {
  it('stateless mode serves independent requests without sessions', async () => {
    const s = await startHttpServer('data-dictionary', {
      args: ['--stateless'],
      env: { SOPHIA_TENANT: 'payready', DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' },
    });
    try {
      expect(s.stderr()).toContain('authentication is OFF');
      const transport = new StreamableHTTPClientTransport(new URL(s.url));
      const client = new Client({ name: 'stateless', version: '1' });
      await client.connect(transport);
      const tools = await client.listTools();
      expect(tools.tools.map((x) => x.name)).toEqual(['describe_schema']);
      expect(transport.sessionId).toBeUndefined();
      // The database is unreachable: a clear tool error, not a crash.
      const r = await client.callTool({ name: 'describe_schema', arguments: {} });
      expect(r.isError).toBe(true);
      expect((r.content as Array<{ text: string }>)[0]!.text).toMatch(/could not reach the database/);
      await client.close();
    } finally {
      await s.close();
    }
  });

  it('refuses to listen on a public address without authentication', async () => {
    await expect(
      startHttpServer('data-dictionary', {
        args: ['--host', '0.0.0.0'],
        env: { SOPHIA_ALLOWED_HOSTS: 'sophia.internal', SOPHIA_AUTH_JWT_SECRET: '' },
      }),
    ).rejects.toThrow(/must authenticate callers/);
  });
});
