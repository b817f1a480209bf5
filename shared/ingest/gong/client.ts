import type { Secret } from '../../config/secret.js';
import type { Logger } from '../../log/logger.js';
import { parseJsonLossless } from './json.js';

/**
 * A typed client for the parts of Gong's public REST API v2 that ingestion reads
 * (../shared/data/airbyte/gong-api.md): users, calls, extensive calls and transcripts.
 *
 *  - Basic auth from an access key and secret (both `Secret`s: never logged, never in an error message).
 *  - The documented limits: 3 requests a second (a client-side sliding window) and 10,000 a day (a clear
 *    error once spent, rather than hours of waiting).
 *  - 429 waits for `Retry-After` (seconds or an HTTP date), then retries; 5xx and network errors are
 *    retried with bounded exponential backoff; other 4xx are an error naming the endpoint and Gong's message.
 *  - Gong answers an empty result with 404 "... found corresponding to the provided filters": an empty page.
 *  - Responses are parsed with `parseJsonLossless`: an id never passes through a JS number.
 */

export interface GongRecords {
  totalRecords?: number;
  currentPageSize?: number;
  currentPageNumber?: number;
  cursor?: string;
}

/** Gong objects keep every field Gong sends; ids are typed as strings. */
export interface GongUser {
  id: string;
  emailAddress?: string | null;
  [field: string]: unknown;
}

export interface GongCallBasic {
  id: string;
  started?: string | null;
  isPrivate?: boolean | null;
  [field: string]: unknown;
}

export interface GongExtensiveCall {
  metaData: GongCallBasic;
  parties?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface GongCallTranscript {
  callId: string;
  transcript: Array<{
    speakerId: string | null;
    topic: string | null;
    sentences: Array<{ start: number; end: number; text: string }>;
  }> | null;
}

export interface GongPage<T> {
  items: T[];
  /** The cursor of the next page, absent on the last one. */
  nextCursor: string | undefined;
  totalRecords: number | undefined;
}

/** The content selector Airbyte's source-gong sends for extensive calls (gong-api.md §2). */
export const EXTENSIVE_CONTENT_SELECTOR = {
  context: 'Extended',
  contextTiming: ['Now', 'TimeOfCall'],
  exposedFields: {
    parties: true,
    media: true,
    content: {
      brief: true,
      topics: true,
      outline: true,
      trackers: true,
      keyPoints: true,
      structure: true,
      highlights: true,
      callOutcome: true,
      pointsOfInterest: true,
      trackerOccurrences: true,
    },
    interaction: { video: true, speakers: true, questions: true, personInteractionStats: true },
    collaboration: { publicComments: true },
  },
} as const;

/** Gong accepts at most this many call ids in one extensive-calls or transcript request. */
export const MAX_CALL_IDS = 100;

export class GongApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly endpoint: string,
    /** True when retrying later may succeed (rate limits, outages); false for credentials and bad requests. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'GongApiError';
  }
}

export interface GongClientOptions {
  baseUrl: string;
  accessKey: Secret;
  accessKeySecret: Secret;
  /** Requests per second (documented limit 3). */
  requestsPerSecond?: number;
  /** Requests per day (documented limit 10,000). */
  requestsPerDay?: number;
  /** Retries of one request after 429, 5xx or a network error. */
  maxRetries?: number;
  /** First backoff after a 5xx or network error, doubled each time (capped at 30 s). */
  backoffMs?: number;
  /** Longest Retry-After the client will sleep through; longer is an error. */
  maxRetryAfterMs?: number;
  /** Timeout of one HTTP request. */
  timeoutMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A sliding-window limiter: at most `perWindow` starts within any `windowMs`. Pure bookkeeping over an
 * injectable clock; `wait()` returns how long the caller must sleep before its request may start.
 */
export class SlidingWindowLimiter {
  readonly #starts: number[] = [];
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds to wait before a request may start at `now` (0 = go now, and the start is recorded). */
  reserve(now: number): number {
    while (this.#starts.length > 0 && this.#starts[0]! <= now - this.windowMs) this.#starts.shift();
    if (this.#starts.length < this.perWindow) {
      this.#starts.push(now);
      return 0;
    }
    return this.#starts[0]! + this.windowMs - now;
  }
}

/** Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Gong error bodies look like `{"requestId": "...", "errors": ["..."]}`. */
function gongMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) return errors.map(String).join('; ');
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

const EMPTY_RESULT = /found corresponding to the provided filters/i;

export class GongClient {
  readonly #baseUrl: string;
  readonly #auth: string;
  readonly #second: SlidingWindowLimiter;
  readonly #dailyLimit: number;
  #dayStart: number;
  #dayCount = 0;
  readonly #maxRetries: number;
  readonly #backoffMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  /** Requests sent (including retries), for the run summary. */
  requests = 0;
  /** Time spent waiting for the rate limiter or Retry-After, ms. */
  waitedMs = 0;

  constructor(options: GongClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v2$/, '');
    // the secret is revealed only into this header value, which is never logged
    this.#auth = `Basic ${Buffer.from(`${options.accessKey.reveal()}:${options.accessKeySecret.reveal()}`).toString('base64')}`;
    this.#second = new SlidingWindowLimiter(options.requestsPerSecond ?? 3, 1000);
    this.#dailyLimit = options.requestsPerDay ?? 10_000;
    this.#maxRetries = options.maxRetries ?? 5;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 10 * 60_000;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? Date.now;
    this.#dayStart = this.#now();
    this.#logger = options.logger;
  }

  /** GET /v2/users, one page. */
  async usersPage(cursor?: string): Promise<GongPage<GongUser>> {
    const query = new URLSearchParams();
    if (cursor) query.set('cursor', cursor);
    return this.#page<GongUser>('GET', '/v2/users', 'users', query);
  }

  /** GET /v2/calls, one page; `from` inclusive, `to` exclusive (ISO-8601). */
  async callsPage(range: { from: string; to: string }, cursor?: string): Promise<GongPage<GongCallBasic>> {
    const query = new URLSearchParams({ fromDateTime: range.from, toDateTime: range.to });
    if (cursor) query.set('cursor', cursor);
    return this.#page<GongCallBasic>('GET', '/v2/calls', 'calls', query);
  }

  /** POST /v2/calls/extensive for up to 100 call ids, one page. */
  async extensiveCallsPage(callIds: string[], cursor?: string): Promise<GongPage<GongExtensiveCall>> {
    checkIds(callIds, '/v2/calls/extensive');
    const body: Record<string, unknown> = {
      filter: { callIds },
      contentSelector: EXTENSIVE_CONTENT_SELECTOR,
    };
    if (cursor) body.cursor = cursor;
    return this.#page<GongExtensiveCall>('POST', '/v2/calls/extensive', 'calls', undefined, body);
  }

  /** POST /v2/calls/transcript for up to 100 call ids, one page. */
  async transcriptsPage(callIds: string[], cursor?: string): Promise<GongPage<GongCallTranscript>> {
    checkIds(callIds, '/v2/calls/transcript');
    const body: Record<string, unknown> = { filter: { callIds } };
    if (cursor) body.cursor = cursor;
    return this.#page<GongCallTranscript>('POST', '/v2/calls/transcript', 'callTranscripts', undefined, body);
  }

  /** Every page of a paged endpoint, following cursors. */
  async *allPages<T>(fetchPage: (cursor?: string) => Promise<GongPage<T>>): AsyncGenerator<T[]> {
    let cursor: string | undefined;
    do {
      const page = await fetchPage(cursor);
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async #page<T>(
    method: 'GET' | 'POST',
    path: string,
    itemsKey: string,
    query?: URLSearchParams,
    body?: unknown,
  ): Promise<GongPage<T>> {
    const out = await this.request(method, path, { query, body });
    if (out === undefined) return { items: [], nextCursor: undefined, totalRecords: 0 };
    if (!out || typeof out !== 'object')
      throw new GongApiError(
        `Gong ${method} ${path} answered with something that is not a JSON object`,
        200,
        path,
        false,
      );
    const o = out as Record<string, unknown>;
    const items = o[itemsKey];
    if (items !== undefined && items !== null && !Array.isArray(items))
      throw new GongApiError(`Gong ${method} ${path}: '${itemsKey}' is not an array`, 200, path, false);
    const records = (o.records ?? {}) as GongRecords;
    return {
      items: (items ?? []) as T[],
      nextCursor: typeof records.cursor === 'string' && records.cursor ? records.cursor : undefined,
      totalRecords: typeof records.totalRecords === 'number' ? records.totalRecords : undefined,
    };
  }

  /**
   * One API call with rate limiting and retries. Returns the parsed body, or undefined for Gong's
   * "nothing found" 404.
   */
  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: URLSearchParams | undefined; body?: unknown } = {},
  ): Promise<unknown> {
    const endpoint = `${method} ${path}`;
    const url = `${this.#baseUrl}${path}${options.query && [...options.query].length ? `?${options.query}` : ''}`;
    let attempt = 0;
    for (;;) {
      await this.#throttle(endpoint);
      this.requests++;
      let res: Response;
      let text: string;
      try {
        res = await this.#fetch(url, {
          method,
          headers: {
            authorization: this.#auth,
            accept: 'application/json',
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        // the body is read inside the try: a connection dropped mid-body is a network error too
        text = await res.text();
      } catch (err) {
        const why =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        if (attempt < this.#maxRetries) {
          const wait = this.#backoff(attempt++);
          this.#logger?.warn('Gong API unreachable, retrying', {
            endpoint,
            error: why,
            waitMs: wait,
            attempt,
          });
          await this.#wait(wait);
          continue;
        }
        throw new GongApiError(
          `Gong API at ${this.#baseUrl} could not be reached for ${endpoint} after ${attempt + 1} attempts: ${why}`,
          undefined,
          path,
          true,
        );
      }
      let parsed: unknown;
      try {
        parsed = text ? parseJsonLossless(text) : undefined;
      } catch {
        parsed = undefined;
        if (res.ok)
          throw new GongApiError(
            `Gong ${endpoint} answered ${res.status} with a body that is not JSON`,
            res.status,
            path,
            false,
          );
      }
      if (res.ok) return parsed;
      const message = gongMessage(parsed);
      if (res.status === 404 && message && EMPTY_RESULT.test(message)) return undefined;
      if (res.status === 429) {
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'), this.#now());
        const wait = retryAfter ?? this.#backoff(attempt);
        if (attempt >= this.#maxRetries || wait > this.#maxRetryAfterMs)
          throw new GongApiError(
            `Gong rate limit on ${endpoint}: still 429 after ${attempt + 1} attempts` +
              (retryAfter !== undefined ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''),
            429,
            path,
            true,
          );
        attempt++;
        this.#logger?.warn('Gong rate limit (429), waiting', { endpoint, waitMs: wait, attempt });
        await this.#wait(wait);
        continue;
      }
      if (res.status >= 500) {
        if (attempt < this.#maxRetries) {
          const wait = this.#backoff(attempt++);
          this.#logger?.warn('Gong server error, retrying', {
            endpoint,
            status: res.status,
            waitMs: wait,
            attempt,
          });
          await this.#wait(wait);
          continue;
        }
        throw new GongApiError(
          `Gong ${endpoint} failed with ${res.status} after ${attempt + 1} attempts${message ? `: ${message}` : ''}`,
          res.status,
          path,
          true,
        );
      }
      if (res.status === 401 || res.status === 403)
        throw new GongApiError(
          `Gong rejected the credentials on ${endpoint} (${res.status}${message ? `: ${message}` : ''}); ` +
            'check GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET',
          res.status,
          path,
          false,
        );
      throw new GongApiError(
        `Gong ${endpoint} was refused with ${res.status}${message ? `: ${message}` : ''}`,
        res.status,
        path,
        false,
      );
    }
  }

  #backoff(attempt: number): number {
    const base = Math.min(30_000, this.#backoffMs * 2 ** attempt);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  async #wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.waitedMs += ms;
    await this.#sleep(ms);
  }

  async #throttle(endpoint: string): Promise<void> {
    const now = this.#now();
    if (now - this.#dayStart >= 86_400_000) {
      this.#dayStart = now;
      this.#dayCount = 0;
    }
    if (this.#dayCount >= this.#dailyLimit)
      throw new GongApiError(
        `Gong daily request limit (${this.#dailyLimit}) reached before ${endpoint}; rerun later to resume from the last checkpoint`,
        429,
        endpoint,
        true,
      );
    for (;;) {
      const wait = this.#second.reserve(this.#now());
      if (wait <= 0) break;
      await this.#wait(wait);
    }
    this.#dayCount++;
  }
}

function checkIds(callIds: string[], path: string): void {
  if (callIds.length === 0) throw new Error(`${path}: no call ids`);
  if (callIds.length > MAX_CALL_IDS)
    throw new Error(`${path}: at most ${MAX_CALL_IDS} call ids per request, got ${callIds.length}`);
  for (const id of callIds)
    if (typeof id !== 'string' || !/^\d{1,20}$/.test(id))
      throw new Error(`${path}: call id ${JSON.stringify(id)} is not a numeric string of up to 20 digits`);
}
