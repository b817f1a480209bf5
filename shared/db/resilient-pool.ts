import pg from 'pg';
import type { Logger } from '../log/logger.js';

/**
 * A pg.Pool that survives losing its server. When a new connection cannot be made (the embedded owner
 * stopped when idle or crashed, PostgreSQL restarted), it asks `resolveUrl` for the current URL (which
 * starts a new embedded owner when needed), swaps in a fresh pool and tries again. A query that was in
 * flight when the connection died still fails: the caller reports it, and the next call recovers.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01',
  '57P03',
]);

export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    err.message,
  );
}

export interface ResilientPoolOptions {
  resolveUrl: (reason: 'initial' | 'reconnect') => Promise<string>;
  types: pg.CustomTypesConfig;
  max: number;
  logger: Logger;
  /** How long to keep trying to reconnect before giving up on one call. */
  reconnectForMs?: number;
  describe: (url: string) => string;
}

export class ResilientPool {
  #pool: pg.Pool | undefined;
  #opts: ResilientPoolOptions;
  #recovering: Promise<void> | undefined;
  #ended = false;

  constructor(options: ResilientPoolOptions) {
    this.#opts = options;
  }

  #makePool(url: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString: url,
      max: this.#opts.max,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 10_000,
      types: this.#opts.types,
      application_name: 'sophia',
    });
    // An idle client whose server went away emits 'error' on the pool; without a listener it would crash us.
    pool.on('error', (err) => {
      this.#opts.logger.warn('an idle database connection was lost; it will be replaced', {
        error: err.message,
      });
    });
    return pool;
  }

  async #current(): Promise<pg.Pool> {
    if (this.#ended) throw new DatabaseUnavailableError('the database handle was closed');
    if (!this.#pool) this.#pool = this.#makePool(await this.#opts.resolveUrl('initial'));
    return this.#pool;
  }

  async #recover(): Promise<void> {
    this.#recovering ??= (async () => {
      const old = this.#pool;
      this.#pool = undefined;
      old?.end().catch(() => undefined);
      const url = await this.#opts.resolveUrl('reconnect');
      this.#pool = this.#makePool(url);
      this.#opts.logger.info('reconnected to the database', { target: this.#opts.describe(url) });
    })().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  async connect(): Promise<pg.PoolClient> {
    const deadline = Date.now() + (this.#opts.reconnectForMs ?? 5_000);
    let delay = 100;
    let lastError: unknown;
    for (;;) {
      try {
        if (this.#recovering) await this.#recovering;
        const pool = await this.#current();
        return await pool.connect();
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        lastError = err;
        if (Date.now() > deadline) break;
        this.#opts.logger.warn('database connection failed; reconnecting', {
          error: err instanceof Error ? err.message : String(err),
        });
        try {
          await this.#recover();
        } catch (recoverError) {
          lastError = recoverError;
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new DatabaseUnavailableError(
      `the database is not reachable (${why}). Check that it is running and that DATABASE_URL is right; ` +
        'without DATABASE_URL Sophia uses its embedded database (see `sophia db status`).',
    );
  }

  async end(): Promise<void> {
    this.#ended = true;
    await this.#pool?.end();
  }
}
