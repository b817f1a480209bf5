import { createHash } from 'node:crypto';
import { type JsonServer, startJsonServer } from './http-json.js';

/**
 * Local servers speaking the documented embeddings APIs:
 *  - Voyage AI: POST /v1/embeddings {input, model, input_type, output_dimension?, truncation?}
 *    -> {object: "list", data: [{object: "embedding", embedding, index}], model, usage: {total_tokens}}
 *  - OpenAI-compatible: POST /embeddings (under the /v1 base) {input, model, encoding_format, dimensions?}
 *    -> same shape.
 * Bearer key checked. Vectors are deterministic functions of (text, input_type) so tests can check order.
 * `failNext` makes the next N requests answer 429 with Retry-After 0 (to test retries); data is returned in
 * reverse order to test re-ordering by `index`.
 */
export interface FakeEmbeddings extends JsonServer {
  failNext: number;
  bodies: Array<Record<string, unknown>>;
}

export function fakeVector(text: string, dims: number, salt = ''): number[] {
  const h = createHash('sha256').update(salt).update(text).digest();
  const v = Array.from({ length: dims }, (_, i) => (h[i % h.length]! - 128) / 128);
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

export async function startFakeEmbeddings(options: {
  apiKey: string;
  dims: number;
  style: 'voyage' | 'openai';
}): Promise<FakeEmbeddings> {
  let state: { failNext: number; bodies: Array<Record<string, unknown>> } = { failNext: 0, bodies: [] };
  const path = options.style === 'voyage' ? '/v1/embeddings' : '/v1/embeddings';
  const server = await startJsonServer(({ method, path: p, headers, body }) => {
    if (method !== 'POST' || p !== path) return { status: 404, body: { detail: 'Not found' } };
    if (headers.authorization !== `Bearer ${options.apiKey}`)
      return options.style === 'voyage'
        ? { status: 401, body: { detail: 'Provided API key is invalid.' } }
        : {
            status: 401,
            body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
          };
    const b = body as Record<string, unknown>;
    state.bodies.push(b);
    if (state.failNext > 0) {
      state.failNext--;
      return { status: 429, headers: { 'retry-after': '0' }, body: { detail: 'Rate limit exceeded' } };
    }
    const input = b.input as string[];
    if (!Array.isArray(input) || input.length === 0)
      return { status: 400, body: { detail: 'input must be a non-empty list' } };
    const dims = Number(b.output_dimension ?? b.dimensions ?? options.dims);
    const salt = String(b.input_type ?? '');
    const data = input
      .map((t, index) => ({ object: 'embedding', embedding: fakeVector(t, dims, salt), index }))
      .reverse();
    return {
      body: {
        object: 'list',
        data,
        model: b.model,
        usage: { total_tokens: input.join(' ').split(/\s+/).length },
      },
    };
  });
  const fake = Object.assign(server, { failNext: 0, bodies: state.bodies });
  state = fake;
  return fake;
}
