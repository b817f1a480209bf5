import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * The content-hash cache of embeddings: key = SHA-256 of (embedder id, input type, text). A cache never
 * fails its caller: an implementation that cannot reach its store answers "not cached" and drops writes.
 */
export interface EmbeddingCache {
  readonly kind: 'memory' | 'redis' | 'none';
  /** Vectors for the keys that are cached (missing keys are absent from the map). */
  getMany(keys: string[]): Promise<Map<string, number[]>>;
  setMany(entries: Array<[string, number[]]>): Promise<void>;
  close(): Promise<void>;
}

export function cacheKey(embedderId: string, inputType: string, text: string): string {
  return createHash('sha256')
    .update(embedderId)
    .update('\0')
    .update(inputType)
    .update('\0')
    .update(text)
    .digest('hex');
}

/** Vectors as compact bytes (float32, little endian) for caches that store strings or buffers. */
export function encodeVector(v: number[]): Buffer {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf;
}

export function decodeVector(buf: Buffer): number[] {
  const out = new Array<number>(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** In-process cache, bounded by an approximate memory budget. */
export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly kind = 'memory' as const;
  readonly #lru: LRUCache<string, number[]>;

  constructor(maxMegabytes = 64) {
    this.#lru = new LRUCache<string, number[]>({
      maxSize: maxMegabytes * 1024 * 1024,
      sizeCalculation: (v) => v.length * 8 + 64,
    });
  }

  async getMany(keys: string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const k of keys) {
      const v = this.#lru.get(k);
      if (v) out.set(k, v);
    }
    return out;
  }

  async setMany(entries: Array<[string, number[]]>): Promise<void> {
    for (const [k, v] of entries) this.#lru.set(k, v);
  }

  get size(): number {
    return this.#lru.size;
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}

/** No caching at all. */
export class NoEmbeddingCache implements EmbeddingCache {
  readonly kind = 'none' as const;
  async getMany(): Promise<Map<string, number[]>> {
    return new Map();
  }
  async setMany(): Promise<void> {}
  async close(): Promise<void> {}
}
