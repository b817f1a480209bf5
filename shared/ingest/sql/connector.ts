import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../log/logger.js';
import type { IncomingRecord, RecordSink } from '../types.js';
import { countOf } from '../../util/plural.js';

/**
 * Internal SQL: runs a query on another PostgreSQL database and emits each row as a record of source `sql`,
 * stream `<entity>` (the row as a JSON object, column -> value), for the mapper to land through the
 * `source_mappings` rows of that stream (see mapping-file.ts).
 *
 * The query contract (incremental by a cursor column):
 *  - `$1` is the last committed cursor value, as text, or NULL on the first run; cast it to the column's
 *    type: `where $1::timestamptz is null or updated_at > $1::timestamptz`.
 *  - The query must ORDER BY the cursor column ascending (rows out of order are an error: a checkpoint
 *    would skip rows otherwise).
 *  - Rows sharing a cursor value are committed together, so `>` on rerun loses none of them.
 *  - Without a cursor column the query may not use `$1`; every run reads everything (unchanged rows are
 *    skipped by the lander's hash).
 * The query runs in a read-only REPEATABLE READ transaction through a server-side cursor (DECLARE/FETCH),
 * so big results stream in batches of `batchSize` rows; each batch is one `sink.write` with its checkpoint.
 * Values keep their exact text (timestamps, int8, numeric): see source-db.ts.
 */

export interface SqlCursorState {
  cursorColumn: string;
  cursor: string | null;
  /** sha256 of the query text, to notice a changed query. */
  query: string;
  rows: number;
}

export interface SqlIngestOptions {
  client: pg.Client;
  sink: RecordSink;
  query: string;
  entity: string;
  cursorColumn?: string | undefined;
  batchSize?: number;
  logger?: Logger;
  onBatch?: (info: { records: number }) => void;
}

export interface SqlIngestResult {
  rows: number;
  batches: number;
  cursor: string | null;
  resumedFrom: string | null;
  nullCursors: number;
}

export class SqlQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlQueryError';
  }
}

/** The query without trailing semicolons and whitespace; one statement only. */
export function cleanQuery(text: string): string {
  const q = text.trim().replace(/;\s*$/g, '').trim();
  if (q === '') throw new SqlQueryError('the query file is empty');
  const withoutStrings = q.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, '');
  if (withoutStrings.includes(';'))
    throw new SqlQueryError('the query file must hold one statement (found a ;)');
  return q;
}

/** True when the query text uses $1 (outside string literals and comments). */
export function usesCursorParameter(query: string): boolean {
  const stripped = query.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, '');
  return /\$1(?!\d)/.test(stripped);
}

/** Orders cursor values: integers numerically (any size), other numbers numerically, the rest as text. */
export function compareCursor(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cursorText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k] = Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : typeof v === 'bigint' ? v.toString() : v;
  return out;
}

/**
 * Pure: the rows of a batch that can be committed now (every row whose cursor value is complete) and the
 * tail that shares the last cursor value and must wait for the next batch.
 */
export function splitAtCursorBoundary<T>(
  rows: T[],
  cursorOf: (row: T) => string | null,
): { commit: T[]; carry: T[] } {
  if (rows.length === 0) return { commit: [], carry: [] };
  const last = cursorOf(rows[rows.length - 1]!);
  let i = rows.length;
  while (i > 0 && cursorOf(rows[i - 1]!) === last) i--;
  return { commit: rows.slice(0, i), carry: rows.slice(i) };
}

function asState(v: unknown): SqlCursorState | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const s = v as Partial<SqlCursorState>;
  return typeof s.cursorColumn === 'string' ? (s as SqlCursorState) : undefined;
}

const CURSOR_NAME = 'sophia_sql_rows';

/** Describes the query's result columns (name and type oid) without reading rows. */
export async function describeQuery(
  client: pg.Client,
  query: string,
): Promise<Array<{ name: string; dataTypeID: number }>> {
  const q = cleanQuery(query);
  const params = usesCursorParameter(q) ? [null] : [];
  try {
    const res = await client.query(`select * from (${q}) as sophia_query limit 0`, params);
    return res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  } catch (err) {
    throw new SqlQueryError(`the query failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function ingestSql(options: SqlIngestOptions): Promise<SqlIngestResult> {
  const { client, sink, entity } = options;
  const batchSize = options.batchSize ?? 1000;
  const query = cleanQuery(options.query);
  const queryHash = createHash('sha256').update(query).digest('hex').slice(0, 16);
  const cursorColumn = options.cursorColumn;
  const hasParam = usesCursorParameter(query);
  if (cursorColumn && !hasParam)
    throw new SqlQueryError(
      `--cursor ${cursorColumn} needs the query to read the last cursor as $1, e.g. ` +
        `"where $1::timestamptz is null or ${cursorColumn} > $1::timestamptz order by ${cursorColumn}"`,
    );
  if (!cursorColumn && hasParam)
    throw new SqlQueryError('the query uses $1 (the last cursor) but no --cursor column was given');

  let from: string | null = null;
  if (cursorColumn) {
    const stored = asState((await sink.lastState(entity))?.state);
    if (stored && stored.cursorColumn === cursorColumn) {
      from = stored.cursor;
      if (stored.query !== queryHash)
        sink.note(
          `sql ${entity}: the query changed since the last run; continuing after cursor ${from ?? '(start)'}`,
        );
    } else if (stored)
      sink.note(
        `sql ${entity}: the cursor column changed (${stored.cursorColumn} -> ${cursorColumn}); reading from the start`,
      );
  }

  const result: SqlIngestResult = { rows: 0, batches: 0, cursor: from, resumedFrom: from, nullCursors: 0 };
  try {
    await client.query(`declare ${CURSOR_NAME} no scroll cursor for ${query}`, hasParam ? [from] : []);
  } catch (err) {
    throw new SqlQueryError(`the query failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  let pending: Array<Record<string, unknown>> = [];
  let previous: string | null = from;
  let checked = false;
  const cursorOf = (row: Record<string, unknown>) => (cursorColumn ? cursorText(row[cursorColumn]) : null);

  const flush = async (rows: Array<Record<string, unknown>>, final: boolean) => {
    if (rows.length === 0 && !final) return;
    const records: IncomingRecord[] = rows.map((row) => {
      const data = jsonSafe(row);
      return { source: 'sql', stream: entity, data, raw: JSON.stringify(data) };
    });
    for (const row of rows) {
      const c = cursorOf(row);
      if (c !== null) result.cursor = c;
    }
    result.rows += rows.length;
    const checkpoints = cursorColumn
      ? [
          {
            stream: entity,
            state: {
              cursorColumn,
              cursor: result.cursor,
              query: queryHash,
              rows: result.rows,
            } satisfies SqlCursorState,
            cursor: result.cursor,
          },
        ]
      : final
        ? [{ stream: entity, state: { full: true, query: queryHash, rows: result.rows }, cursor: null }]
        : [];
    await sink.write(records, checkpoints);
    result.batches++;
    options.onBatch?.({ records: records.length });
  };

  for (;;) {
    let res: pg.QueryResult<Record<string, unknown>>;
    try {
      res = await client.query<Record<string, unknown>>(`fetch forward ${batchSize} from ${CURSOR_NAME}`);
    } catch (err) {
      throw new SqlQueryError(`the query failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!checked) {
      checked = true;
      const names = res.fields.map((f) => f.name);
      if (cursorColumn && !names.includes(cursorColumn))
        throw new SqlQueryError(
          `the cursor column '${cursorColumn}' is not a column of the query (columns: ${names.join(', ')})`,
        );
      if (new Set(names).size !== names.length)
        throw new SqlQueryError(
          `the query returns two columns with one name (${names.join(', ')}); alias them`,
        );
    }
    const rows = res.rows;
    if (cursorColumn)
      for (const row of rows) {
        const c = cursorOf(row);
        if (c === null) {
          result.nullCursors++;
          continue;
        }
        if (previous !== null && compareCursor(c, previous) < 0)
          throw new SqlQueryError(
            `rows are not ordered by the cursor column ${cursorColumn}: ${c} came after ${previous}; ` +
              `the query must ORDER BY ${cursorColumn}` +
              (from !== null && previous === from ? ` and keep only rows after $1` : ''),
          );
        previous = c;
      }
    const done = rows.length < batchSize;
    if (done) {
      await flush([...pending, ...rows], true);
      pending = [];
      break;
    }
    if (cursorColumn) {
      const { commit, carry } = splitAtCursorBoundary([...pending, ...rows], cursorOf);
      pending = carry;
      await flush(commit, false);
    } else await flush(rows, false);
  }
  await client.query(`close ${CURSOR_NAME}`).catch(() => undefined);
  if (result.nullCursors > 0)
    sink.note(
      `sql ${entity}: ${countOf(result.nullCursors, 'row')} had no ${cursorColumn} value; the cursor did not move for them`,
    );
  options.logger?.info('sql ingest finished', {
    entity,
    rows: result.rows,
    batches: result.batches,
    cursor: result.cursor,
  });
  return result;
}
