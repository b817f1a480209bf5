import { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import { decodeVector, type EmbeddingCache, encodeVector } from './cache.js';

/**
 * Embedding cache in Redis (REDIS_URL), shared by every Sophia process. Entries expire after `ttlSeconds`.
 * An outage degrades to "no cache": reads answer nothing and writes are dropped, each after at most
 * `timeoutMs`, and the outage is logged once (then again when it recovers) — never an error to the caller.
 */
export interface RedisCacheOptions {
  url: string;
  prefix?: string;
  ttlSeconds?: number;
  timeoutMs?: number;
  logger: Logger;
}

export class RedisEmbeddingCache implements EmbeddingCache {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  #down = false;

  constructor(options: RedisCacheOptions) {
    this.#prefix = options.prefix ?? 'sophia:emb:';
    this.#ttl = options.ttlSeconds ?? 30 * 24 * 3600;
    this.#timeoutMs = options.timeoutMs ?? 250;
    this.#logger = options.logger;
    this.#redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.#redis.on('error', () => undefined); // reported through #fail on use
    this.#redis.connect().catch(() => undefined);
  }

  async getMany(keys: string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (keys.length === 0) return out;
    const values = await this.#guard(() => this.#redis.mgetBuffer(...keys.map((k) => this.#prefix + k)));
    if (!values) return out;
    values.forEach((buf, i) => {
      if (buf && buf.length % 4 === 0 && buf.length > 0) out.set(keys[i]!, decodeVector(buf));
    });
    return out;
  }

  async setMany(entries: Array<[string, number[]]>): Promise<void> {
    if (entries.length === 0) return;
    await this.#guard(() => {
      const pipeline = this.#redis.pipeline();
      for (const [k, v] of entries) pipeline.set(this.#prefix + k, encodeVector(v), 'EX', this.#ttl);
      return pipeline.exec();
    });
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  async #guard<T>(op: () => Promise<T>): Promise<T | undefined> {
    if (this.#redis.status !== 'ready') {
      this.#fail(`not connected (${this.#redis.status})`);
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      if (this.#down) {
        this.#down = false;
        this.#logger.info('embedding cache: Redis is back');
      }
      return result;
    } catch (err) {
      this.#fail(err instanceof Error ? err.message : String(err));
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(why: string): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger.warn('embedding cache: Redis unavailable, continuing without the cache', { why });
  }
}
