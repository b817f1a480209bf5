import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../support/spawn-server.js';

/**
 * Issue 11 item 4 over real HTTP: one token opened 2,000 sessions in 7 s. Sessions are capped per caller and
 * in total, idle ones close, and /healthz tells the limits to anyone but the counts only to a caller with a
 * valid token.
 */
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!!';
const token = (sub: string) =>
  new SignJWT({ roles: ['read'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

async function openSession(url: string, bearer: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify(initialize),
  });
  const text = await res.text();
  return {
    status: res.status,
    sessionId: res.headers.get('mcp-session-id'),
    retryAfter: res.headers.get('retry-after'),
    text,
  };
}

describe('HTTP session limits', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    server = await startHttpServer('data-dictionary', {
      env: {
        SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-sessions-')),
        SOPHIA_AUTH_JWT_SECRET: SECRET,
        SOPHIA_HTTP_MAX_SESSIONS: '6',
        SOPHIA_HTTP_MAX_SESSIONS_PER_CALLER: '4',
        SOPHIA_HTTP_SESSION_IDLE_SECONDS: '2',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('caps one caller (429 + Retry-After) and the total (503); idle sessions close; healthz counts only for callers', async () => {
    const alice = await token('alice');
    const bob = await token('bob');
    const opened = await Promise.all(Array.from({ length: 10 }, () => openSession(server.url, alice)));
    const ok = opened.filter((r) => r.status === 200);
    const refused = opened.filter((r) => r.status === 429);
    expect(ok).toHaveLength(4);
    expect(refused).toHaveLength(6);
    expect(refused[0]!.text).toMatch(/Too many open sessions for this caller \(the limit is 4\)/);
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1);

    // Bob gets the last 2 of 6, then the server is full for everyone.
    expect((await openSession(server.url, bob)).status).toBe(200);
    expect((await openSession(server.url, bob)).status).toBe(200);
    const full = await openSession(server.url, bob);
    expect(full.status).toBe(503);
    expect(full.text).toMatch(/as many open sessions as it allows/);

    const anonymous = await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json();
    expect(anonymous).toEqual({
      status: 'ok',
      server: 'data-dictionary',
      version: expect.any(String),
      mode: 'stateful',
      sessions: { maxSessions: 6, maxSessionsPerCaller: 4, sessionIdleSeconds: 2 },
    });
    const forged = await (
      await fetch(`http://127.0.0.1:${server.port}/healthz`, { headers: { authorization: 'Bearer nope' } })
    ).json();
    expect(forged.sessions.open).toBeUndefined();
    const asAlice = await (
      await fetch(`http://127.0.0.1:${server.port}/healthz`, {
        headers: { authorization: `Bearer ${alice}` },
      })
    ).json();
    expect(asAlice.sessions).toMatchObject({ open: 6, openForYou: 4 });

    // Unused for longer than 2 s, they close, and the caller can open new ones.
    await new Promise((r) => setTimeout(r, 3500));
    const again = await (
      await fetch(`http://127.0.0.1:${server.port}/healthz`, {
        headers: { authorization: `Bearer ${alice}` },
      })
    ).json();
    expect(again.sessions).toMatchObject({ open: 0, openForYou: 0 });
    const reused = await fetch(server.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'mcp-session-id': ok[0]!.sessionId!,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(reused.status).toBe(404);
    expect((await openSession(server.url, alice)).status).toBe(200);
  });
});
