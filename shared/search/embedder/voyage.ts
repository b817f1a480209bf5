import type { Secret } from '../../config/secret.js';
import type { Embedder, InputType } from './embedder.js';
import { postJson, vectorsFrom } from './http-embeddings.js';

/**
 * Voyage AI embeddings (POST {base}/v1/embeddings with `input`, `model`, `input_type` and, when set,
 * `output_dimension`; https://docs.voyageai.com/reference/embeddings-api). Up to 1,000 texts a request.
 */
export interface VoyageOptions {
  apiKey: Secret;
  model?: string;
  baseUrl?: string;
  dims?: number;
  timeoutMs?: number;
  retries?: number;
}

const VOYAGE_DIMS: Record<string, number> = {
  'voyage-3.5': 1024,
  'voyage-3.5-lite': 1024,
  'voyage-3-large': 1024,
  'voyage-3': 1024,
  'voyage-3-lite': 512,
  'voyage-code-3': 1024,
  'voyage-finance-2': 1024,
  'voyage-law-2': 1024,
};

export class VoyageEmbedder implements Embedder {
  readonly kind = 'voyage' as const;
  readonly id: string;
  readonly dims: number;
  readonly maxBatch = 128;
  readonly #options: VoyageOptions;
  readonly #model: string;

  constructor(options: VoyageOptions) {
    this.#options = options;
    this.#model = options.model ?? 'voyage-3.5';
    const dims = options.dims ?? VOYAGE_DIMS[this.#model];
    if (!dims)
      throw new Error(`Voyage model '${this.#model}' has no known dimension: set SOPHIA_EMBEDDER_DIMS`);
    this.dims = dims;
    this.id = `voyage:${this.#model}:${dims}`;
  }

  async embed(texts: string[], inputType: InputType, signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    const base = (this.#options.baseUrl ?? 'https://api.voyageai.com').replace(/\/+$/, '');
    const body: Record<string, unknown> = {
      input: texts,
      model: this.#model,
      input_type: inputType,
      truncation: true,
    };
    if (this.#options.dims) body.output_dimension = this.#options.dims;
    const res = await postJson<{ data?: unknown }>({
      service: 'Voyage AI',
      url: `${base}/v1/embeddings`,
      headers: { authorization: `Bearer ${this.#options.apiKey.reveal()}` },
      body,
      timeoutMs: this.#options.timeoutMs,
      retries: this.#options.retries,
      signal,
    });
    return vectorsFrom('Voyage AI', res.data, texts.length, this.dims);
  }
}
