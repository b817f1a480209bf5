import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../shared/config/secret.js';
import {
  GongApiError,
  GongClient,
  parseRetryAfter,
  SlidingWindowLimiter,
} from '../../shared/ingest/gong/client.js';
import { parseJsonLossless } from '../../shared/ingest/gong/json.js';
import { type FakeGong, startFakeGong } from '../support/fakes/gong-api-server.js';

const KEY = 'test-access-key';
const SECRET = 'test-secret-value-XYZ';

let server: FakeGong | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, overrides: Partial<ConstructorParameters<typeof GongClient>[0]> = {}) {
  return new GongClient({
    baseUrl: url,
    accessKey: new Secret(KEY),
    accessKeySecret: new Secret(SECRET),
    requestsPerSecond: 1000,
    backoffMs: 20,
    ...overrides,
  });
}

describe('lossless JSON', () => {
  it('keeps integers beyond 2^53 as exact strings and leaves everything else alone', () => {
    const v = parseJsonLossless(
      '{"id":18446744073709551617,"small":42,"neg":-9223372036854775808,"f":1.5e3,"s":"12345678901234567890","a":[7782342274025937895, 3.25]}',
    ) as Record<string, unknown>;
    expect(v.id).toBe('18446744073709551617');
    expect(v.small).toBe(42);
    expect(v.neg).toBe('-9223372036854775808');
    expect(v.f).toBe(1500);
    expect(v.s).toBe('12345678901234567890');
    expect(v.a).toEqual(['7782342274025937895', 3.25]);
    expect(parseJsonLossless('{"q":"he said \\"1234567890123456789\\""}')).toEqual({
      q: 'he said "1234567890123456789"',
    });
  });
});

describe('rate-limit helpers', () => {
  it('a sliding window allows n starts per window and says how long to wait', () => {
    const l = new SlidingWindowLimiter(3, 1000);
    expect([l.reserve(0), l.reserve(10), l.reserve(20)]).toEqual([0, 0, 0]);
    expect(l.reserve(30)).toBe(970);
    expect(l.reserve(1000)).toBe(0);
  });
  it('Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(5000).toUTCString(), 1000)).toBe(4000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('GongClient against the local Gong API', () => {
  it('pages users and calls by cursor; ids stay 19-20 digit strings', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 7, calls: 25, pageSize: 10 });
    const c = client(server.url);
    const users = [];
    for await (const page of c.allPages((cur) => c.usersPage(cur))) users.push(...page);
    expect(users).toHaveLength(7);
    const calls = [];
    for await (const page of c.allPages((cur) =>
      c.callsPage({ from: '2024-05-01T00:00:00Z', to: '2024-06-01T00:00:00Z' }, cur),
    ))
      calls.push(...page);
    expect(calls.map((x) => x.id)).toEqual(server.data.calls.map((x) => x.id));
    expect(calls.every((x) => typeof x.id === 'string' && /^\d{19,20}$/.test(x.id))).toBe(true);
    expect(calls.some((x) => x.id.length === 20)).toBe(true);
    const callPages = server.log.filter((r) => r.path === '/v2/calls');
    expect(callPages).toHaveLength(3);
    expect(callPages[0]!.query.cursor).toBeUndefined();
    expect(callPages[1]!.query.cursor).toBeTruthy();
    expect(callPages[0]!.query.fromDateTime).toBe('2024-05-01T00:00:00Z');
  });

  it('an id Gong sent as a bare JSON number beyond 2^53 arrives as its exact digits', async () => {
    const c = client('http://gong.invalid', {
      fetch: (async () =>
        new Response(
          '{"requestId":"r","records":{"totalRecords":1},"users":[{"id":12345678901234567891,"n":3}]}',
          {
            status: 200,
          },
        )) as typeof fetch,
    });
    const page = await c.usersPage();
    expect(page.items[0]).toEqual({ id: '12345678901234567891', n: 3 });
  });

  it('an empty window (Gong 404 "found corresponding to the provided filters") is an empty page', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, calls: 3 });
    const page = await client(server.url).callsPage({
      from: '2030-01-01T00:00:00Z',
      to: '2030-02-01T00:00:00Z',
    });
    expect(page).toEqual({ items: [], nextCursor: undefined, totalRecords: 0 });
  });

  it('honours Retry-After on 429 (measured wait)', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 2 });
    server.inject({ path: '/v2/users', status: 429, retryAfter: '1' });
    const c = client(server.url);
    const t0 = Date.now();
    const page = await c.usersPage();
    const elapsed = Date.now() - t0;
    expect(page.items).toHaveLength(2);
    const hits = server.log.filter((r) => r.path === '/v2/users');
    expect(hits.map((h) => h.status)).toEqual([429, 200]);
    const gap = hits[1]!.at - hits[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(10_000); // not a long default backoff (generous: the machine may be loaded)
    expect(c.waitedMs).toBeGreaterThanOrEqual(1000);
  });

  it('retries a 5xx with backoff, then succeeds; gives up after maxRetries with a clear error', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 2 });
    server.inject({ path: '/v2/users', status: 503, times: 2 });
    const page = await client(server.url).usersPage();
    expect(page.items).toHaveLength(2);
    expect(server.log.filter((r) => r.path === '/v2/users').map((h) => h.status)).toEqual([503, 503, 200]);

    server.inject({ path: '/v2/users', status: 500, times: 10 });
    const err = await client(server.url, { maxRetries: 2 })
      .usersPage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GongApiError);
    expect((err as Error).message).toMatch(/GET \/v2\/users failed with 500 after 3 attempts/);
  });

  it('a network error is retried and then reported naming the endpoint', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET });
    const url = server.url;
    await server.close();
    server = undefined;
    const err = await client(url, { maxRetries: 1 })
      .usersPage()
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/could not be reached for GET \/v2\/users after 2 attempts/);
  });

  it('bad credentials: a clear error naming the endpoint and the variables, without the secret', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET });
    const c = new GongClient({
      baseUrl: server.url,
      accessKey: new Secret(KEY),
      accessKeySecret: new Secret('wrong-secret-123'),
    });
    const err = (await c.usersPage().catch((e: unknown) => e)) as GongApiError;
    expect(err).toBeInstanceOf(GongApiError);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/rejected the credentials on GET \/v2\/users \(401/);
    expect(err.message).toMatch(/GONG_ACCESS_KEY_SECRET/);
    expect(err.message).not.toContain('wrong-secret-123');
    expect(JSON.stringify(c)).not.toContain('wrong-secret');
    expect(server.log).toHaveLength(1);
  });

  it('other 4xx are not retried and name the endpoint and Gong message', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET });
    server.inject({
      path: '/v2/calls/transcript',
      status: 400,
      body: { requestId: 'x', errors: ['bad filter'] },
    });
    const err = (await client(server.url)
      .transcriptsPage(['7782342274025900000'])
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('Gong POST /v2/calls/transcript was refused with 400: bad filter');
    expect(server.log).toHaveLength(1);
  });

  it('refuses more than 100 call ids client-side; the server enforces it too', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, calls: 3 });
    const ids = Array.from({ length: 101 }, (_, i) => String(7782342274025900000n + BigInt(i)));
    await expect(client(server.url).transcriptsPage(ids)).rejects.toThrow(/at most 100 call ids/);
    expect(server.log).toHaveLength(0);
    const res = await fetch(`${server.url}/v2/calls/transcript`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}` },
      body: JSON.stringify({ filter: { callIds: ids } }),
    });
    expect(res.status).toBe(400);
  });

  it('the client-side limiter keeps to 3 requests a second (controlled clock)', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 7, pageSize: 1 });
    // virtual time: sleeping advances the clock; each request is stamped with the clock when it is sent, so the
    // assertion is about the limiter's decisions, not about how fast this machine is
    let clock = 1_000_000;
    const sentAt: number[] = [];
    const c = client(server.url, {
      requestsPerSecond: 3,
      now: () => clock,
      sleep: async (ms: number) => {
        clock += ms;
      },
      fetch: (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        sentAt.push(clock);
        return fetch(input, init);
      }) as typeof fetch,
    });
    let n = 0;
    for await (const page of c.allPages((cur) => c.usersPage(cur))) n += page.length;
    expect(n).toBe(7);
    expect(sentAt).toHaveLength(7);
    // any 4 consecutive requests span at least a second; the first 3 go at once
    for (let i = 3; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 3]!).toBeGreaterThanOrEqual(1000);
    expect(sentAt[2]! - sentAt[0]!).toBe(0);
    expect(sentAt[sentAt.length - 1]! - sentAt[0]!).toBe(2000);
  });

  it('the daily budget is enforced with a clear error', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 3, pageSize: 1 });
    const c = client(server.url, { requestsPerDay: 2 });
    await c.usersPage();
    await c.usersPage();
    await expect(c.usersPage()).rejects.toThrow(/daily request limit \(2\)/);
  });
});
