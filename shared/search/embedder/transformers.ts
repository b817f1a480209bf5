import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Embedder, EmbedderError, type InputType } from './embedder.js';

/**
 * A local ONNX sentence-embedding model run by `@huggingface/transformers` (onnxruntime-node on the CPU)
 * from a directory the user supplies — nothing is ever downloaded (`allowRemoteModels = false`,
 * `local_files_only`). The directory is a Hugging Face model folder exported for transformers.js:
 * `config.json`, `tokenizer.json`, `tokenizer_config.json` and `onnx/model.onnx` (for example
 * Xenova/bge-small-en-v1.5 or Xenova/all-MiniLM-L6-v2 as published, copied in by hand).
 */
export interface TransformersOptions {
  /** The model folder. */
  modelDir: string;
  /** How token vectors become one sentence vector: `mean` (MiniLM, e5) or `cls` (bge). Default mean. */
  pooling?: 'mean' | 'cls';
  /** Prefix for queries, e.g. "query: " (e5) or bge's "Represent this sentence for searching relevant passages: ". */
  queryPrefix?: string;
  /** Prefix for documents, e.g. "passage: " (e5). */
  documentPrefix?: string;
  /** ONNX weights file under onnx/: fp32 = model.onnx, q8 = model_quantized.onnx. Default: fp32. */
  dtype?: 'fp32' | 'q8' | 'fp16';
}

type Extractor = (
  texts: string[],
  options: { pooling: 'mean' | 'cls'; normalize: boolean },
) => Promise<{ dims: number[]; tolist(): number[][] }>;

export class TransformersEmbedder implements Embedder {
  readonly kind = 'transformers' as const;
  readonly id: string;
  readonly dims: number;
  readonly maxBatch = 32;
  readonly #options: TransformersOptions;
  readonly #dir: string;
  #extractor: Promise<Extractor & { dispose?: () => Promise<void> }> | undefined;

  constructor(options: TransformersOptions) {
    this.#options = options;
    this.#dir = resolve(options.modelDir);
    const configPath = join(this.#dir, 'config.json');
    if (!existsSync(configPath))
      throw new EmbedderError(
        `no model at ${this.#dir}: config.json is missing (expected a transformers.js model folder)`,
      );
    for (const f of ['tokenizer.json', join('onnx', weightsFile(options.dtype))]) {
      if (!existsSync(join(this.#dir, f))) throw new EmbedderError(`model folder ${this.#dir} has no ${f}`);
    }
    let config: { hidden_size?: unknown; d_model?: unknown; dim?: unknown; _name_or_path?: unknown };
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch {
      throw new EmbedderError(`${configPath} is not valid JSON`);
    }
    const dims = [config.hidden_size, config.d_model, config.dim].find((d) => typeof d === 'number');
    if (typeof dims !== 'number')
      throw new EmbedderError(`${configPath} names no hidden_size: cannot tell the embedding dimension`);
    this.dims = dims;
    const name = this.#dir.split(/[\\/]/).filter(Boolean).pop() ?? 'model';
    this.id = `transformers:${name}:${options.pooling ?? 'mean'}:${dims}`;
  }

  async embed(texts: string[], inputType: InputType): Promise<number[][]> {
    if (texts.length === 0) return [];
    const extractor = await this.#load();
    const prefix = (inputType === 'query' ? this.#options.queryPrefix : this.#options.documentPrefix) ?? '';
    let output;
    try {
      output = await extractor(
        texts.map((t) => prefix + t),
        { pooling: this.#options.pooling ?? 'mean', normalize: true },
      );
    } catch (err) {
      throw new EmbedderError(
        `local model ${this.id} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const vectors = output.tolist();
    if (vectors[0] && vectors[0].length !== this.dims)
      throw new EmbedderError(
        `local model produced ${vectors[0].length} dimensions, config.json says ${this.dims}`,
      );
    return vectors;
  }

  async close(): Promise<void> {
    const e = await this.#extractor?.catch(() => undefined);
    await e?.dispose?.();
    this.#extractor = undefined;
  }

  #load(): Promise<Extractor & { dispose?: () => Promise<void> }> {
    this.#extractor ??= (async () => {
      const t = await import('@huggingface/transformers');
      t.env.allowRemoteModels = false;
      t.env.allowLocalModels = true;
      t.env.useFSCache = false;
      try {
        const pipe = await t.pipeline('feature-extraction', this.#dir, {
          local_files_only: true,
          dtype: this.#options.dtype ?? 'fp32',
          device: 'cpu',
        });
        return pipe as unknown as Extractor & { dispose?: () => Promise<void> };
      } catch (err) {
        throw new EmbedderError(
          `could not load the local model at ${this.#dir}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    })();
    this.#extractor.catch(() => (this.#extractor = undefined));
    return this.#extractor;
  }
}

function weightsFile(dtype: TransformersOptions['dtype']): string {
  return dtype === 'q8' ? 'model_quantized.onnx' : dtype === 'fp16' ? 'model_fp16.onnx' : 'model.onnx';
}
