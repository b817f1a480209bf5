import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { startHttpServer } from '../support/spawn-server.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!!';

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.sub ?? 'analyst@acme.com'))
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

function raw(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path ?? '/mcp',
        method: opts.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body ?? '');
  });
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

function expectNoStack(body: string): void {
  expect(body).not.toMatch(/<html|<pre>|\bat \w+ \(|node_modules|\/work\/|\.js:\d+/i);
}

describe.each(testEngines())('HTTP hardening (%s)', (engine) => {
  let t: TestDatabase;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'globex');
    server = await startHttpServer('data-dictionary', {
      env: {
        DATABASE_URL: t.url,
        SOPHIA_TENANT: 'acme',
        SOPHIA_AUTH_JWT_SECRET: SECRET,
        SOPHIA_LOG_LEVEL: 'warn',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  // Item 6: GLOBEX, Globex and numbers were served as SOPHIA_TENANT.
  it('refuses a tenant claim that is not a known tenant, with a reason, never the default tenant', async () => {
    for (const tenant of ['GLOBEX', 'Globex', 42, '', 'a b', ['globex']]) {
      const res = await raw(server.port, {
        headers: { authorization: `Bearer ${await token({ tenant, roles: ['read'] })}` },
        body: initialize,
      });
      expect(res.status, JSON.stringify(tenant)).toBe(401);
      expect(res.body).toMatch(/tenant claim is not a tenant id/);
    }
    const unknown = await raw(server.port, {
      headers: { authorization: `Bearer ${await token({ tenant: 'initech', roles: ['read'] })}` },
      body: initialize,
    });
    expect(unknown.status).toBe(403);
    expect(JSON.parse(unknown.body).error.message).toMatch(/Tenant 'initech' is not served here/);
  });

  it('serves a known tenant, and a token without a tenant claim gets SOPHIA_TENANT', async () => {
    for (const claims of [{ tenant: 'globex' }, {}]) {
      const client = new Client({ name: 'test', version: '1' });
      const transport = new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${await token({ ...claims, roles: ['read'] })}` } },
      });
      await client.connect(transport);
      const r = await client.callTool({ name: 'describe_schema', arguments: { table: 'tenants' } });
      expect(r.isError).toBeFalsy();
      await client.close();
    }
  });

  // Item 12: Express's HTML error pages (413, malformed JSON) showed stack traces with file paths.
  it('answers malformed JSON, oversized bodies and unknown paths without HTML or stack traces', async () => {
    const malformed = await raw(server.port, { body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.type).toMatch(/application\/json/);
    expect(JSON.parse(malformed.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    expectNoStack(malformed.body);

    const big = await raw(server.port, {
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'x'.repeat(5_000_000) } }),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({
      jsonrpc: '2.0',
      error: { message: 'Request body too large' },
    });
    expectNoStack(big.body);

    const charset = await raw(server.port, {
      headers: { 'content-type': 'application/json; charset=klingon' },
      body: initialize,
    });
    expect(charset.status).toBe(415);
    expectNoStack(charset.body);

    const nowhere = await raw(server.port, { method: 'GET', path: '/admin/../etc' });
    expect(nowhere.status).toBe(404);
    expect(nowhere.type).toMatch(/text\/plain/);
    expect(nowhere.body.length).toBeLessThan(200);
    expectNoStack(nowhere.body);
  });
});
