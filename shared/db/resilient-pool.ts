import pg from 'pg';
import type { Logger } from '../log/logger.js';

/**
 * A pg.Pool that survives losing its server (the pool Kysely drives for both engines).
 *
 *  - Nothing a dead connection emits can crash the process: the pool and every client it hands out have an
 *    'error' listener (pg emits 'error' on a checked-out client whose socket dies, e.g. after
 *    `pg_terminate_backend` or a killed embedded owner; without a listener that is an uncaught exception).
 *  - A statement whose connection dies fails at once with `DatabaseConnectionLostError` (retryable: nothing
 *    hangs until a client timeout). Whether it is safe to repeat is the caller's call: the runtime retries
 *    read-only tools once.
 *  - When a new connection cannot be made (the embedded owner stopped or was killed, PostgreSQL restarted),
 *    it asks `resolveUrl` for the current URL (which starts a new embedded owner when needed), swaps in a
 *    fresh pool and tries again, for at most `reconnectForMs`; then the call fails with
 *    `DatabaseUnavailableError`. A lost connection also starts this recovery in the background, so a killed
 *    owner is replaced without waiting for the next call.
 *  - Logs follow what happened: `warn` when the database becomes unreachable (once, not per call), `info`
 *    "database connection restored" only after a connection actually succeeded again.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly retryable = true;
}

/** The connection a statement ran on died while it ran (or while the client was checked out). */
export class DatabaseConnectionLostError extends Error {
  override name = 'DatabaseConnectionLostError';
  readonly retryable = true;
  readonly code = 'SOPHIA_CONNECTION_LOST';
  constructor(readonly causeMessage: string) {
    super(
      `the database connection was lost while the statement ran (${causeMessage}); it is re-established automatically, so the call can be repeated`,
    );
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'SOPHIA_CONNECTION_LOST',
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

const CONNECTION_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end/i;

export function isConnectionError(err: unknown): boolean {
  if (err instanceof DatabaseConnectionLostError || err instanceof DatabaseUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return CONNECTION_MESSAGE.test(err.message);
}

export interface ResilientPoolOptions {
  resolveUrl: (reason: 'initial' | 'reconnect') => Promise<string>;
  types: pg.CustomTypesConfig;
  max: number;
  logger: Logger;
  /** How long one call keeps trying to get a connection before it fails (default 5 s). */
  reconnectForMs?: number;
  describe: (url: string) => string;
}

type Query = pg.PoolClient['query'];

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ResilientPool {
  #pool: pg.Pool | undefined;
  #url: string | undefined;
  #opts: ResilientPoolOptions;
  #recovering: Promise<void> | undefined;
  #ended = false;
  /** Since when the database is unreachable (undefined while it is reachable). */
  #downSince: number | undefined;
  #lastError = '';
  #probing = false;
  readonly #guarded = new WeakSet<pg.PoolClient>();

  constructor(options: ResilientPoolOptions) {
    this.#opts = options;
  }

  #makePool(url: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString: url,
      max: this.#opts.max,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      types: this.#opts.types,
      application_name: 'sophia',
    });
    // An idle client whose server went away emits 'error' on the pool; without a listener it would crash us.
    pool.on('error', (err) => this.#connectionLost(err, 'idle'));
    return pool;
  }

  /** A connection died: say so, and start getting a working one back without waiting for a call. */
  #connectionLost(err: unknown, where: 'idle' | 'in use'): void {
    if (this.#ended) return;
    this.#opts.logger.warn('a database connection was lost; it will be replaced', {
      where,
      error: messageOf(err),
    });
    if (this.#probing) return;
    this.#probing = true;
    setTimeout(() => {
      this.connect()
        .then((client) => client.release())
        .catch(() => undefined)
        .finally(() => {
          this.#probing = false;
        });
    }, 50).unref();
  }

  async #current(): Promise<pg.Pool> {
    if (this.#ended) throw new DatabaseUnavailableError('the database handle was closed');
    if (!this.#pool) {
      this.#url = await this.#opts.resolveUrl('initial');
      this.#pool ??= this.#makePool(this.#url);
    }
    return this.#pool;
  }

  /** Re-resolves the URL (starting a new embedded owner if needed) and swaps in a fresh pool. */
  #recover(): Promise<void> {
    this.#recovering ??= (async () => {
      const url = await this.#opts.resolveUrl('reconnect');
      const old = this.#pool;
      this.#pool = this.#makePool(url);
      this.#url = url;
      old?.end().catch(() => undefined);
    })().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  /** Every client handed out gets an 'error' listener and a query() that reports a lost connection clearly. */
  #guard(client: pg.PoolClient): pg.PoolClient {
    if (this.#guarded.has(client)) return client;
    this.#guarded.add(client);
    client.on('error', (err) => this.#connectionLost(err, 'in use'));
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const wrapped = (...args: unknown[]): unknown => {
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((err: unknown) => {
          if (isConnectionError(err) && !(err instanceof DatabaseConnectionLostError)) {
            throw new DatabaseConnectionLostError(messageOf(err));
          }
          throw err;
        });
      }
      return result;
    };
    client.query = wrapped as Query;
    return client;
  }

  #markDown(err: unknown): void {
    this.#lastError = messageOf(err);
    if (this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    this.#opts.logger.warn('the database is unreachable; reconnecting', {
      target: this.#url ? this.#opts.describe(this.#url) : undefined,
      error: this.#lastError,
    });
  }

  #markUp(): void {
    if (this.#downSince === undefined) return;
    const downMs = Date.now() - this.#downSince;
    this.#downSince = undefined;
    this.#opts.logger.info('database connection restored', {
      target: this.#url ? this.#opts.describe(this.#url) : undefined,
      downMs,
    });
  }

  /** Whether the last attempt to reach the database failed (for health reports). */
  get reachable(): boolean {
    return this.#downSince === undefined;
  }

  async connect(): Promise<pg.PoolClient> {
    const deadline = Date.now() + (this.#opts.reconnectForMs ?? 5_000);
    let delay = 50;
    let lastError: unknown;
    for (;;) {
      try {
        if (this.#recovering) await this.#bounded(this.#recovering, deadline);
        const pool = await this.#current();
        const client = this.#guard(await pool.connect());
        this.#markUp();
        return client;
      } catch (err) {
        if (!isConnectionError(err) && !(err instanceof RecoveryTimeout)) {
          // e.g. the embedded database could not start at all, or bad credentials: not worth retrying.
          if (!(err instanceof Error && err.name === 'EmbeddedStartError')) throw err;
        }
        if (this.#ended) throw new DatabaseUnavailableError('the database handle was closed');
        lastError = err instanceof RecoveryTimeout ? (lastError ?? err) : err;
        this.#markDown(lastError);
        if (Date.now() >= deadline) break;
        try {
          await this.#bounded(this.#recover(), deadline);
        } catch (recoverError) {
          if (!(recoverError instanceof RecoveryTimeout)) lastError = recoverError;
        }
        if (Date.now() >= deadline) break;
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
        delay = Math.min(delay * 2, 250);
      }
    }
    throw new DatabaseUnavailableError(
      `the database is not reachable (${messageOf(lastError)}). Check that it is running and that DATABASE_URL is right; ` +
        'without DATABASE_URL Sophia uses its embedded database (see `sophia db status`).',
    );
  }

  /** Waits for `p` but not past `deadline` (the work itself goes on; a later call may use its result). */
  async #bounded<T>(p: Promise<T>, deadline: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RecoveryTimeout()), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async end(): Promise<void> {
    this.#ended = true;
    await this.#recovering?.catch(() => undefined);
    await this.#pool?.end();
  }
}

class RecoveryTimeout extends Error {
  override name = 'RecoveryTimeout';
}
