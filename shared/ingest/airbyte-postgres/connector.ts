import type pg from 'pg';
import type { Logger } from '../../log/logger.js';
import { parseJsonLossless } from '../gong/json.js';
import { ident } from '../sql/source-db.js';
import type { IncomingRecord, RecordSink, SourceName } from '../types.js';

/**
 * Reads what Airbyte's Postgres destination wrote (../shared/data/airbyte/protocol.md §4) and emits the
 * records' `data`:
 *  - typed final tables `<schema>.<stream>` (Destinations V2 T+D and Direct Load ≥ 3.0): one column per
 *    top-level property plus `_airbyte_raw_id`, `_airbyte_extracted_at`, `_airbyte_meta`
 *    (+ `_airbyte_generation_id`); `data` is the row as JSON without the `_airbyte_*` columns;
 *  - raw tables `airbyte_internal.<schema>_raw__stream_<stream>` (T+D, and Direct Load's "legacy raw tables"
 *    option; the older `raw_<schema>__<stream>` spelling too): `data` is `_airbyte_data` verbatim.
 * When a stream has both, the raw table is read: it holds the source's values verbatim (typing may have
 * NULLED a value, and column names longer than 63 characters are truncated in final tables).
 *
 * Incremental by `_airbyte_extracted_at`: keyset pages ordered by (`_airbyte_extracted_at`, `_airbyte_raw_id`),
 * one `sink.write` per page with a checkpoint holding the last key, so a rerun reads only newer rows and a
 * crash resumes after the last committed page. Limitation: a row committed by Airbyte later but with an
 * earlier extraction time than a checkpoint already taken is not seen; run after the Airbyte sync finished.
 */

/** Stream names of the Airbyte connectors Sophia maps, to recover the stream's spelling from a table name. */
export const AIRBYTE_STREAMS: Record<Exclude<SourceName, 'sql'>, readonly string[]> = {
  gong: ['users', 'calls', 'extensiveCalls', 'callTranscripts', 'scorecards', 'answeredScorecards'],
  salesforce: ['Account', 'Contact', 'Opportunity', 'Lead', 'Task', 'Event', 'Case', 'User'],
  hubspot: [
    'contacts',
    'companies',
    'deals',
    'owners',
    'engagements',
    'engagements_calls',
    'engagements_emails',
    'engagements_meetings',
    'engagements_notes',
  ],
  slack: ['users', 'channels', 'channel_members', 'channel_messages', 'threads'],
};

const AIRBYTE_COLUMNS = [
  '_airbyte_raw_id',
  '_airbyte_extracted_at',
  '_airbyte_loaded_at',
  '_airbyte_meta',
  '_airbyte_generation_id',
  '_airbyte_data',
  '_airbyte_ab_id',
  '_airbyte_emitted_at',
];

export interface AirbyteTable {
  stream: string;
  schema: string;
  table: string;
  kind: 'final' | 'raw';
}

/** Airbyte's identifier normalisation, for matching: lowercased, anything but [a-z0-9_] becomes `_`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** The stream a table holds: the known stream whose normalised name matches, else the table name. */
export function streamOfTable(source: SourceName, tableStream: string): string {
  const known = source === 'sql' ? [] : AIRBYTE_STREAMS[source];
  const n = normaliseName(tableStream);
  return known.find((s) => normaliseName(s) === n) ?? tableStream;
}

/**
 * Pure: picks the tables to read from (schema, table, columns) triples; raw wins over final for a stream.
 */
export function chooseTables(
  found: Array<{ schema: string; table: string; columns: string[] }>,
  options: {
    schema: string;
    source: SourceName;
    streams?: readonly string[] | undefined;
    rawSchema?: string;
  },
): { tables: AirbyteTable[]; skipped: string[] } {
  const rawSchema = options.rawSchema ?? 'airbyte_internal';
  const prefixes = [`${options.schema}_raw__stream_`, `raw_${options.schema}__`];
  const byStream = new Map<string, AirbyteTable>();
  const skipped: string[] = [];
  for (const t of found) {
    const cols = new Set(t.columns);
    if (!cols.has('_airbyte_raw_id') || !cols.has('_airbyte_extracted_at')) continue;
    let kind: AirbyteTable['kind'];
    let name: string;
    if (t.schema === rawSchema && options.schema !== rawSchema) {
      const prefix = prefixes.find((p) => t.table.startsWith(p));
      if (!prefix || !cols.has('_airbyte_data')) continue;
      kind = 'raw';
      name = t.table.slice(prefix.length);
    } else if (t.schema === options.schema) {
      if (cols.has('_airbyte_data')) {
        kind = 'raw'; // a raw-only layout in the main schema
      } else kind = 'final';
      name = t.table;
    } else continue;
    const stream = streamOfTable(options.source, name);
    if (options.streams && !options.streams.some((s) => normaliseName(s) === normaliseName(stream))) continue;
    const prior = byStream.get(stream);
    if (prior) {
      if (prior.kind === 'raw' && kind === 'final') {
        skipped.push(`${t.schema}.${t.table} (final table; reading raw ${prior.schema}.${prior.table})`);
        continue;
      }
      skipped.push(
        `${prior.schema}.${prior.table} (${prior.kind === 'final' ? 'final table; reading raw' : 'duplicate'})`,
      );
    }
    byStream.set(stream, { stream, schema: t.schema, table: t.table, kind });
  }
  return { tables: [...byStream.values()].sort((a, b) => a.stream.localeCompare(b.stream)), skipped };
}

export async function discoverAirbyteTables(
  client: pg.Client,
  options: { schema: string; source: SourceName; streams?: readonly string[] | undefined },
): Promise<{ tables: AirbyteTable[]; skipped: string[] }> {
  const { rows } = await client.query<{ schema: string; table: string; columns: string[] }>(
    `select table_schema::text as schema, table_name::text as table,
            array_agg(column_name::text order by ordinal_position) as columns
       from information_schema.columns
      where table_schema = $1 or table_schema = 'airbyte_internal'
      group by 1, 2`,
    [options.schema],
  );
  return chooseTables(rows, options);
}

export interface AirbytePgState {
  table: string;
  kind: AirbyteTable['kind'];
  extractedAt: string;
  rawId: string;
}

export interface AirbytePostgresOptions {
  client: pg.Client;
  sink: RecordSink;
  schema: string;
  source: SourceName;
  streams?: readonly string[] | undefined;
  pageSize?: number;
  logger?: Logger;
  onPage?: (info: { stream: string; records: number }) => void;
}

export interface AirbytePostgresResult {
  tables: AirbyteTable[];
  read: Record<string, number>;
  /** Rows whose `_airbyte_meta.changes` says Airbyte nulled or truncated a value. */
  changed: Record<string, number>;
}

function asState(v: unknown): AirbytePgState | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const s = v as Partial<AirbytePgState>;
  return typeof s.table === 'string' && typeof s.extractedAt === 'string' && typeof s.rawId === 'string'
    ? (s as AirbytePgState)
    : undefined;
}

export async function ingestAirbytePostgres(options: AirbytePostgresOptions): Promise<AirbytePostgresResult> {
  const { client, sink, source } = options;
  const pageSize = options.pageSize ?? 1000;
  const { tables, skipped } = await discoverAirbyteTables(client, options);
  for (const s of skipped) sink.note(`airbyte-postgres: skipped ${s}`);
  if (tables.length === 0)
    throw new Error(
      `no Airbyte tables found in schema '${options.schema}' (nor raw tables airbyte_internal.${options.schema}_raw__stream_*)` +
        (options.streams ? ` for streams ${options.streams.join(', ')}` : ''),
    );
  if (options.streams) {
    const missing = options.streams.filter(
      (s) => !tables.some((t) => normaliseName(t.stream) === normaliseName(s)),
    );
    if (missing.length) sink.note(`airbyte-postgres: no table for stream(s) ${missing.join(', ')}`);
  }
  const result: AirbytePostgresResult = { tables, read: {}, changed: {} };
  for (const t of tables) {
    const qualified = `${t.schema}.${t.table}`;
    const from = ident(t.schema) + '.' + ident(t.table);
    const data =
      t.kind === 'raw'
        ? '_airbyte_data::text'
        : `(to_jsonb(t) - array[${AIRBYTE_COLUMNS.map((c) => `'${c}'`).join(', ')}])::text`;
    const meta = t.kind === 'final' ? `_airbyte_meta::text` : 'null::text';
    const select = `select _airbyte_raw_id::text as raw_id,
        to_char(_airbyte_extracted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as extracted_at,
        ${data} as data, ${meta} as meta
      from ${from} t`;
    const order = `order by _airbyte_extracted_at, _airbyte_raw_id::text collate "C" limit ${pageSize}`;
    const stored = asState((await sink.lastState(t.stream))?.state);
    let key: { extractedAt: string; rawId: string } | undefined;
    if (stored && stored.table === qualified) key = { extractedAt: stored.extractedAt, rawId: stored.rawId };
    else if (stored)
      sink.note(
        `airbyte-postgres: ${t.stream} was last read from ${stored.table}; reading ${qualified} from the beginning`,
      );
    result.read[t.stream] = 0;
    result.changed[t.stream] = 0;
    for (;;) {
      const { rows } = key
        ? await client.query<{
            raw_id: string;
            extracted_at: string;
            data: string | null;
            meta: string | null;
          }>(
            // the first conjunct can use Airbyte's index on _airbyte_extracted_at (idx_extracted_at_<table>)
            `${select} where _airbyte_extracted_at >= $1::timestamptz
               and (_airbyte_extracted_at, _airbyte_raw_id::text collate "C") > ($1::timestamptz, $2::text) ${order}`,
            [key.extractedAt, key.rawId],
          )
        : await client.query<{
            raw_id: string;
            extracted_at: string;
            data: string | null;
            meta: string | null;
          }>(`${select} ${order}`);
      if (rows.length === 0) break;
      const records: IncomingRecord[] = [];
      for (const row of rows) {
        const raw = row.data ?? 'null';
        let parsed: unknown;
        try {
          parsed = parseJsonLossless(raw);
        } catch (err) {
          await sink.reject({
            source,
            stream: t.stream,
            raw,
            code: 'malformed_json',
            reason: `${qualified} row ${row.raw_id}: _airbyte_data is not JSON (${err instanceof Error ? err.message : String(err)})`,
          });
          continue;
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          await sink.reject({
            source,
            stream: t.stream,
            raw,
            code: 'not_an_object',
            reason: `${qualified} row ${row.raw_id}: the record data is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}, not an object`,
          });
          continue;
        }
        if (row.meta && /"changes"\s*:\s*\[\s*\{/.test(row.meta)) result.changed[t.stream]!++;
        records.push({
          source,
          stream: t.stream,
          data: parsed as Record<string, unknown>,
          emittedAt: Date.parse(row.extracted_at),
          raw,
        });
      }
      const last = rows[rows.length - 1]!;
      key = { extractedAt: last.extracted_at, rawId: last.raw_id };
      await sink.write(records, [
        {
          stream: t.stream,
          state: { table: qualified, kind: t.kind, ...key } satisfies AirbytePgState,
          cursor: key.extractedAt,
        },
      ]);
      result.read[t.stream]! += rows.length;
      options.onPage?.({ stream: t.stream, records: rows.length });
      if (rows.length < pageSize) break;
    }
    if (result.changed[t.stream])
      sink.note(
        `airbyte-postgres: ${result.changed[t.stream]} ${t.stream} rows had values changed by Airbyte (_airbyte_meta.changes); the raw table keeps the originals`,
      );
    options.logger?.info('airbyte-postgres stream read', {
      stream: t.stream,
      table: qualified,
      rows: result.read[t.stream],
    });
  }
  return result;
}
