import type { Secret } from '../../config/secret.js';
import type { Embedder, InputType } from './embedder.js';
import { postJson, vectorsFrom } from './http-embeddings.js';

/**
 * The OpenAI embeddings endpoint and any server compatible with it (Azure OpenAI, vLLM, Ollama, LiteLLM...):
 * POST {base}/embeddings with `input`, `model`, `encoding_format: "float"` and, when set, `dimensions`
 * (https://platform.openai.com/docs/api-reference/embeddings). Up to 2,048 texts a request.
 */
export interface OpenAiOptions {
  apiKey: Secret | undefined;
  model?: string;
  /** Including /v1, e.g. https://api.openai.com/v1. */
  baseUrl?: string;
  dims?: number;
  /** Prefix for queries (some open models want e.g. "query: "). */
  queryPrefix?: string;
  timeoutMs?: number;
  retries?: number;
}

const OPENAI_DIMS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export class OpenAiEmbedder implements Embedder {
  readonly kind = 'openai' as const;
  readonly id: string;
  readonly dims: number;
  readonly maxBatch = 256;
  readonly #options: OpenAiOptions;
  readonly #model: string;

  constructor(options: OpenAiOptions) {
    this.#options = options;
    this.#model = options.model ?? 'text-embedding-3-small';
    const dims = options.dims ?? OPENAI_DIMS[this.#model];
    if (!dims)
      throw new Error(`embedding model '${this.#model}' has no known dimension: set SOPHIA_EMBEDDER_DIMS`);
    this.dims = dims;
    this.id = `openai:${this.#model}:${dims}`;
  }

  async embed(texts: string[], inputType: InputType, signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    const base = (this.#options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    const prefix = inputType === 'query' ? (this.#options.queryPrefix ?? '') : '';
    const body: Record<string, unknown> = {
      input: texts.map((t) => prefix + t),
      model: this.#model,
      encoding_format: 'float',
    };
    if (this.#options.dims && OPENAI_DIMS[this.#model] !== this.#options.dims)
      body.dimensions = this.#options.dims;
    const key = this.#options.apiKey?.reveal();
    const res = await postJson<{ data?: unknown }>({
      service: 'OpenAI-compatible embeddings',
      url: `${base}/embeddings`,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      body,
      timeoutMs: this.#options.timeoutMs,
      retries: this.#options.retries,
      signal,
    });
    return vectorsFrom('OpenAI-compatible embeddings', res.data, texts.length, this.dims);
  }
}
