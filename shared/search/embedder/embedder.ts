/**
 * Turns texts into vectors. Every backend (offline hashing, a local ONNX model, Voyage AI, an
 * OpenAI-compatible endpoint) implements this; callers wrap one in `CachedEmbedder` for batching and the
 * content-hash cache.
 */
export type InputType = 'query' | 'document';

export type EmbedderKind = 'offline' | 'transformers' | 'voyage' | 'openai';

export interface Embedder {
  readonly kind: EmbedderKind;
  /** Model and settings, e.g. `offline:sophia-lexical-v1:1024`. Vectors of different ids are never compared. */
  readonly id: string;
  /** Vector length. */
  readonly dims: number;
  /** The most texts one call of `embed` may carry (the batching layer splits larger inputs). */
  readonly maxBatch: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], inputType: InputType, signal?: AbortSignal): Promise<number[][]>;
  /** Releases resources (model sessions, sockets). */
  close?(): Promise<void>;
}

/** An embedder failed in a way the caller can understand (bad key, model missing, service down). */
export class EmbedderError extends Error {
  override name = 'EmbedderError';
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(v: ArrayLike<number> & Iterable<number>): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  const out = Array.from(v);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}
