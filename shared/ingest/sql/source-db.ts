import pg from 'pg';
import { parseJsonLossless } from '../gong/json.js';

/**
 * Connections to a PostgreSQL database Sophia reads from (an Airbyte destination, an internal database):
 * read-only, UTC, and with values that keep their exact text — timestamps and dates as the server prints
 * them (no rounding to JS milliseconds), int8 and numeric as strings (pg's default), json/jsonb parsed
 * without rounding large integers. Connection URLs may carry passwords: `redactUrl` is the only form that
 * is logged or stored.
 */

/** The URL with its password (and any password/sslkey query parameters) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()])
      if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return '[unparsable URL]';
  }
}

const TEXT = (v: string) => v;
const TYPE_OVERRIDES: Record<number, (v: string) => unknown> = {
  1082: TEXT, // date
  1083: TEXT, // time
  1114: TEXT, // timestamp
  1184: TEXT, // timestamptz
  1266: TEXT, // timetz
  114: parseJsonLossless, // json
  3802: parseJsonLossless, // jsonb
};

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TYPE_OVERRIDES[oid] ??
    (pg.types.getTypeParser as (o: number, f?: string) => unknown)(
      oid,
      format ?? 'text',
    )) as typeof pg.types.getTypeParser,
};

export class SourceDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceDatabaseError';
  }
}

/**
 * Connects, sets UTC and opens a read-only REPEATABLE READ transaction (one consistent snapshot for the
 * whole read). The caller ends it with `close()`.
 */
export async function openSourceDatabase(
  url: string,
  options: { applicationName?: string } = {},
): Promise<{ client: pg.Client; close: () => Promise<void> }> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new SourceDatabaseError(`expected a postgres:// or postgresql:// URL, got ${redactUrl(url)}`);
  const client = new pg.Client({
    connectionString: url,
    types,
    application_name: options.applicationName ?? 'sophia-ingest',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new SourceDatabaseError(
      `could not connect to the source database ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  await client.query(`set time zone 'UTC'`);
  await client.query('begin transaction isolation level repeatable read, read only');
  return {
    client,
    async close() {
      try {
        await client.query('rollback');
      } catch {
        // the connection may already be gone
      }
      await client.end().catch(() => undefined);
    },
  };
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
