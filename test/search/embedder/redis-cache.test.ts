import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CachedEmbedder } from '../../../shared/search/embedder/cached-embedder.js';
import { OfflineEmbedder } from '../../../shared/search/embedder/offline.js';
import { RedisEmbeddingCache } from '../../../shared/search/embedder/redis-cache.js';
import { createLogger } from '../../../shared/log/logger.js';

const REDIS_URL = process.env.SOPHIA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sophia-test:${process.pid}:${randomBytes(4).toString('hex')}:`;

describe('Redis embedding cache', () => {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
  });

  it('shares embeddings between processes (instances) through Redis', async () => {
    const logs: string[] = [];
    const logger = createLogger('t', (l) => logs.push(l));
    const first = new CachedEmbedder(
      new OfflineEmbedder(),
      new RedisEmbeddingCache({ url: REDIS_URL, prefix, logger }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const a = await first.embed(['rent is due on the first', 'late fees after the fifth'], 'document');
    const second = new CachedEmbedder(
      new OfflineEmbedder(),
      new RedisEmbeddingCache({ url: REDIS_URL, prefix, logger }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const b = await second.embed(['late fees after the fifth', 'rent is due on the first'], 'document');
    expect(second.stats.cacheHits).toBe(2);
    expect(second.stats.embedded).toBe(0);
    b[0]!.forEach((x, i) => expect(x).toBeCloseTo(a[1]![i]!, 6));
    expect(await admin.keys(`${prefix}*`)).toHaveLength(2);
    await first.close();
    await second.close();
    expect(logs.join('')).not.toMatch(/unavailable/);
  });

  it('degrades to no cache when Redis is down: answers stay right, nothing throws, one warning', async () => {
    // A port that accepts nothing: reserve one, then close it.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const logs: string[] = [];
    const cache = new RedisEmbeddingCache({
      url: `redis://127.0.0.1:${port}`,
      prefix,
      logger: createLogger('t', (l) => logs.push(l)),
    });
    const e = new CachedEmbedder(new OfflineEmbedder(), cache);
    const t0 = Date.now();
    const out = await e.embed(['one text', 'another text'], 'document');
    const again = await e.embed(['one text'], 'document');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(out).toHaveLength(2);
    expect(again[0]).toEqual(out[0]);
    expect(e.stats.cacheHits).toBe(0);
    expect(logs.filter((l) => /Redis unavailable/.test(l))).toHaveLength(1);
    await e.close();
  });

  it('degrades when Redis stops answering in time (timeout)', async () => {
    // A TCP server that accepts connections but never replies.
    const sockets: Socket[] = [];
    const mute = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as { port: number }).port;
    const logs: string[] = [];
    const cache = new RedisEmbeddingCache({
      url: `redis://127.0.0.1:${port}`,
      prefix,
      timeoutMs: 100,
      logger: createLogger('t', (l) => logs.push(l)),
    });
    const e = new CachedEmbedder(new OfflineEmbedder(), cache);
    const out = await e.embed(['still answers'], 'document');
    expect(out[0]).toHaveLength(1024);
    expect(logs.join('')).toMatch(/Redis unavailable/);
    await e.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => mute.close(r));
  });
});
