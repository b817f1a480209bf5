import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import pgvector from 'pgvector';
import type { Database } from '../../schema/database.js';
import { APP_ROLE, detectFeatures, type EngineFeatures, TENANT_SETTING } from '../../schema/table-spec.js';
import type { SophiaConfig } from '../config/config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { ensureEmbeddedDatabase } from './embedded/launcher.js';
import { ResilientPool } from './resilient-pool.js';

/**
 * Sophia's database handle: one Kysely over a pg.Pool, the same code path for both engines.
 *  - DATABASE_URL set: that PostgreSQL.
 *  - not set: the embedded default, a PGlite database served on 127.0.0.1 by one owner process, started
 *    on demand (see shared/db/embedded/).
 * `db` is the owner's (admin) access; customer data is read and written through `withTenant`, which runs
 * the work in a transaction as the unprivileged application role with the tenant set, so row-level
 * security applies whatever the login role is.
 */
export type Engine = 'embedded' | 'postgres';

export interface SophiaDatabase {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Where it is, without credentials. */
  readonly target: string;
  features(): Promise<EngineFeatures & { serverVersion: string }>;
  withTenant<T>(
    tenant: string,
    fn: (trx: Transaction<Database>) => Promise<T>,
    options?: { readOnly?: boolean },
  ): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL URL; when absent the embedded database of `home` is used. */
  url?: string | undefined;
  home?: string;
  idleSeconds?: number;
  embeddedPort?: number;
  maxConnections?: number;
  logger?: Logger;
}

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

export function openOptionsFromConfig(config: SophiaConfig): OpenOptions {
  return {
    url: config.databaseUrl,
    home: config.home,
    idleSeconds: config.embedded.idleSeconds,
    embeddedPort: config.embedded.port,
  };
}

export async function openDatabase(options: OpenOptions): Promise<SophiaDatabase> {
  const logger = options.logger ?? createLogger('db');
  const engine: Engine = options.url ? 'postgres' : 'embedded';
  if (engine === 'embedded' && !options.home)
    throw new Error('openDatabase: `home` is required for the embedded database');
  const resolveUrl = async (): Promise<string> => {
    if (options.url) return options.url;
    const embedded = await ensureEmbeddedDatabase({
      home: options.home!,
      idleSeconds: options.idleSeconds ?? 300,
      port: options.embeddedPort ?? 0,
    });
    return embedded.url;
  };

  // Per-pool type parsers: the vector type's OID differs per database, so it is looked up after connecting.
  const types = new pg.TypeOverrides();
  const pool = new ResilientPool({
    resolveUrl,
    types,
    max: options.maxConnections ?? 5,
    logger,
    // Starting a new embedded owner (PGlite, WAL recovery) takes seconds on a busy machine: wait for it.
    reconnectForMs: engine === 'embedded' ? 15_000 : 5_000,
    describe: describeUrl,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  let featuresCache: Promise<EngineFeatures & { serverVersion: string }> | undefined;
  const features = () =>
    (featuresCache ??= (async () => {
      const f = await detectFeatures(db);
      const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
      return { ...f, serverVersion: rows[0]?.v ?? 'unknown' };
    })());

  // Look up the vector OID once (it is stable for the database's lifetime).
  const { rows } = await sql<{
    oid: number;
  }>`select oid::int as oid from pg_type where typname = 'vector'`.execute(db);
  const vectorOid = rows[0]?.oid;
  if (vectorOid)
    types.setTypeParser(vectorOid, 'text', (value: string) => pgvector.fromSql(value) as number[]);

  let target = options.url ? describeUrl(options.url) : `embedded (${options.home})`;
  if (engine === 'postgres' && options.url) target = describeUrl(options.url);

  return {
    db,
    engine,
    target,
    features,
    async withTenant(tenant, fn, opts = {}) {
      if (!TENANT_ID.test(tenant)) throw new Error(`invalid tenant id '${tenant}'`);
      const builder = opts.readOnly ? db.transaction().setAccessMode('read only') : db.transaction();
      return builder.execute(async (trx) => {
        await sql`select set_config('role', ${APP_ROLE}, true), set_config(${TENANT_SETTING}, ${tenant}, true)`.execute(
          trx,
        );
        return fn(trx);
      });
    },
    async close() {
      await db.destroy();
    },
  };
}
