import { EmbedderError } from './embedder.js';

/**
 * POSTs JSON to a hosted embedding API with a timeout and retries (429 and 5xx, honouring Retry-After,
 * exponential backoff otherwise). Errors name the service and the HTTP status and carry the service's own
 * message, never the key.
 */
export interface PostJsonOptions {
  service: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs?: number;
  retries?: number;
  signal?: AbortSignal | undefined;
  /** For tests: how long to wait before retry `attempt` (ms). */
  backoffMs?: (attempt: number, retryAfterSeconds: number | undefined) => number;
}

const defaultBackoff = (attempt: number, retryAfter: number | undefined) =>
  retryAfter !== undefined ? Math.min(retryAfter * 1000, 30_000) : Math.min(500 * 2 ** attempt, 8000);

export async function postJson<T>(options: PostJsonOptions): Promise<T> {
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? defaultBackoff;
  let lastError: EmbedderError | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    options.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: JSON.stringify(options.body),
        signal,
      });
    } catch (err) {
      options.signal?.throwIfAborted();
      const why = timeout.aborted
        ? 'timed out'
        : err instanceof Error
          ? ((err.cause as Error)?.message ?? err.message)
          : String(err);
      lastError = new EmbedderError(`${options.service}: request failed (${why})`, true);
      if (attempt < retries) await sleep(backoff(attempt, undefined));
      continue;
    }
    if (response.ok) {
      try {
        return (await response.json()) as T;
      } catch {
        throw new EmbedderError(`${options.service}: the response was not valid JSON`);
      }
    }
    const detail = await errorDetail(response);
    const retryable = response.status === 429 || response.status >= 500;
    lastError = new EmbedderError(
      `${options.service}: HTTP ${response.status}${detail ? `: ${detail}` : ''}${
        response.status === 401 || response.status === 403 ? ' (check the API key)' : ''
      }`,
      retryable,
    );
    if (!retryable || attempt === retries) throw lastError;
    const ra = Number(response.headers.get('retry-after'));
    await sleep(backoff(attempt, Number.isFinite(ra) && ra >= 0 ? ra : undefined));
  }
  throw lastError ?? new EmbedderError(`${options.service}: request failed`);
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      detail?: unknown;
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    const msg =
      typeof body.error === 'object' && body.error
        ? body.error.message
        : (body.error ?? body.detail ?? body.message);
    if (typeof msg === 'string') return msg.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 200).trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Checks an embeddings response's `data` array and orders it by `index`. */
export function vectorsFrom(service: string, data: unknown, expected: number, dims: number): number[][] {
  if (!Array.isArray(data)) throw new EmbedderError(`${service}: the response has no data array`);
  if (data.length !== expected)
    throw new EmbedderError(`${service}: expected ${expected} embeddings, got ${data.length}`);
  const out = new Array<number[]>(expected);
  data.forEach((d: { index?: unknown; embedding?: unknown }, i) => {
    const index = typeof d.index === 'number' ? d.index : i;
    if (!Array.isArray(d.embedding) || index < 0 || index >= expected)
      throw new EmbedderError(`${service}: malformed embedding at position ${i}`);
    if (d.embedding.length !== dims)
      throw new EmbedderError(
        `${service}: the model returned ${d.embedding.length} dimensions, configured for ${dims}`,
      );
    out[index] = d.embedding as number[];
  });
  return out;
}
