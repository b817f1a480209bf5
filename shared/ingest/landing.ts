import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { ensureMonthlyPartitions, monthKey } from '../../schema/partitions.js';
import type { SophiaDatabase } from '../db/database.js';
import { canonicalJson, sha256Hex } from '../util/canonical-json.js';
import { findSetViolations, type PiiClass, type SetRule } from './validate.js';
import {
  emptyStats,
  type Checkpoint,
  type ConnectorName,
  type EntityName,
  type IncomingRecord,
  type MappedRow,
  type Mapper,
  type RejectCode,
  type RowRef,
  SOURCE_NAMES,
  type SourceName,
  type StreamStats,
  type Validator,
} from './types.js';

/**
 * The landing path: one batch of records (and the checkpoints that follow them) in ONE transaction.
 *
 *  1. map every record (pure, before the transaction); unknown streams are counted and reported, rejected
 *     records become dead letters;
 *  2. compare with `source_records` by (source, stream, source id): the same hash, or an older cursor than
 *     the stored one, is `unchanged` and skips all further work;
 *  3. upsert the unified rows set-based (`insert ... select from jsonb_to_recordset(...) on conflict`),
 *     in dependency order, merging fields: a stream only sets the columns it maps, so Gong `calls` and
 *     `extensiveCalls` both fill one `calls` row; references (RowRef) are resolved by (source, source id)
 *     against the database and the rows landed earlier in the batch;
 *  4. child rows: call participants by (call, participant id), transcript segments replaced per call (with
 *     the parent call's start time, the partition key), Slack channel members;
 *  5. validation violations (replacing the record's earlier ones), the raw payload and hash, dead letters,
 *     and the checkpoints, in the same transaction.
 *
 * A database error on the set-based statements rolls back to a savepoint and the batch is landed again one
 * record at a time, each in its own savepoint: the failing record becomes a `database_rejected` dead
 * letter and the rest land.
 *
 * Work that must wait for rows arriving later is kept durably in `source_records` under two reserved
 * stream names (no extra table needed, and it commits with the batch, so a crash loses nothing):
 *  - `_pending_ref`: a reference whose target has not landed (resolved when it arrives, at run end);
 *  - `_pending_parent`: a record whose parent row has not landed (a transcript before its call): its raw
 *    payload is kept in `source_records`, it is retried at the end of the run and dead-lettered
 *    (`parent_missing`) if the parent is still absent; a later run that lands the parent lands it too.
 */

/** Every source: `source = any(...)` lets the (tenant, source, stream, source id) index find reserved streams. */
const ALL_SOURCES = [...SOURCE_NAMES];

export const PENDING_REF_STREAM = '_pending_ref';
export const PENDING_PARENT_STREAM = '_pending_parent';

/** Top-level entities in the order they land, so references within one batch point backwards. */
const ENTITY_ORDER: EntityName[] = [
  'users',
  'accounts',
  'contacts',
  'opportunities',
  'slack_channels',
  'calls',
  'activities',
  'slack_messages',
];

interface ChildSpec {
  parentColumn: string;
  keyColumn: string;
  keyType: 'text' | 'integer';
  /** Replace all children of a parent (transcript segments) instead of upserting by key. */
  replace: boolean;
  conflict: string;
  /** Has its own uuid `id` (references from it can be kept pending). */
  hasId: boolean;
}

const CHILDREN: Partial<Record<EntityName, ChildSpec>> = {
  call_participants: {
    parentColumn: 'call_id',
    keyColumn: 'source_participant_id',
    keyType: 'text',
    replace: false,
    conflict: '(tenant_id, call_id, source_participant_id)',
    hasId: true,
  },
  transcript_segments: {
    parentColumn: 'call_id',
    keyColumn: 'segment_index',
    keyType: 'integer',
    replace: true,
    conflict: '',
    hasId: false,
  },
  slack_channel_members: {
    parentColumn: 'channel_id',
    keyColumn: 'member_source_id',
    keyType: 'text',
    replace: false,
    conflict: '(tenant_id, channel_id, member_source_id)',
    hasId: false,
  },
};

// ---------------------------------------------------------------------------------------------------------
// Pure helpers

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Salesforce's `+0000` offset is not ISO 8601: `2020-10-22T21:03:23.000+0000` -> `...+00:00`. */
function asInstant(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const fixed = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(fixed);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Orders record cursors (SystemModstamp, updatedAt, float_ts, epoch ms...): numerically when both are
 * numeric (big integers exactly), as instants when both are timestamps, as text otherwise.
 * Negative when `a` is older than `b`, 0 when equal or unknown, positive when newer.
 */
export function compareCursors(a: string | null | undefined, b: string | null | undefined): number {
  if (a == null || b == null || a === b) return 0;
  if (NUMERIC.test(a) && NUMERIC.test(b)) {
    if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
      const ba = BigInt(a);
      const bb = BigInt(b);
      return ba === bb ? 0 : ba < bb ? -1 : 1;
    }
    const na = Number(a);
    const nb = Number(b);
    return na === nb ? 0 : na < nb ? -1 : 1;
  }
  const ta = asInstant(a);
  const tb = asInstant(b);
  if (ta !== undefined && tb !== undefined) return ta === tb ? 0 : ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SHA-256 of the canonical JSON of a record's data: equal data, equal hash, whatever the key order. */
export function recordHash(data: unknown): string {
  return sha256Hex(canonicalJson(data));
}

/** JSON for a parameter: Dates as ISO strings, bigints as text, undefined dropped. */
export function toJsonParam(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Merges rows with the same (entity, key): later fields win, refs are combined (later wins per field). */
export function mergeRows(rows: MappedRow[]): MappedRow[] {
  const byKey = new Map<string, MappedRow>();
  for (const row of rows) {
    const k = `${row.entity}\u0000${row.parent ? `${row.parent.source}:${row.parent.sourceId}` : ''}\u0000${row.key}`;
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, { ...row, fields: { ...row.fields }, refs: [...row.refs] });
      continue;
    }
    Object.assign(prev.fields, row.fields);
    const refs = new Map(prev.refs.map((r) => [r.field, r]));
    for (const r of row.refs) refs.set(r.field, r);
    prev.refs = [...refs.values()];
  }
  return [...byKey.values()];
}

// ---------------------------------------------------------------------------------------------------------
// Table metadata (column types for jsonb_to_recordset)

export interface ColumnMeta {
  type: string;
  notNull: boolean;
}
export type TableMeta = Map<string, Map<string, ColumnMeta>>;

export async function loadTableMeta(db: Kysely<Database>): Promise<TableMeta> {
  const { rows } = await sql<{ tbl: string; col: string; type: string; notnull: boolean; gen: string }>`
    select c.relname as tbl, a.attname as col, format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull as notnull, a.attgenerated::text as gen
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and a.attnum > 0 and not a.attisdropped`.execute(db);
  const meta: TableMeta = new Map();
  for (const r of rows) {
    if (r.gen && r.gen !== '') continue; // generated columns are never written
    let t = meta.get(r.tbl);
    if (!t) meta.set(r.tbl, (t = new Map()));
    t.set(r.col, { type: r.type, notNull: r.notnull });
  }
  return meta;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

// ---------------------------------------------------------------------------------------------------------
// The lander

export interface DeadLetter {
  source: string;
  stream: string | null;
  sourceId: string | null;
  reason: string;
  code: RejectCode | string;
  raw: string;
}

export interface BatchResult {
  stats: Map<string, StreamStats>;
  /** Records of streams no mapping covers: counted per stream, not landed. */
  unknownStreams: Map<string, { count: number; reason: string }>;
  /** Records waiting for a parent row (landed at run end, or dead-lettered then). */
  deferred: number;
  /** Messages about what went wrong with single records (database rejections). */
  notes: string[];
}

interface WorkItem {
  record: IncomingRecord;
  sourceId: string;
  cursor: string | null;
  hash: string;
  rows: MappedRow[];
  problems: Array<{ entity: EntityName; field: string; value: string; message: string }>;
  /** Set during landing. */
  status?: 'new' | 'changed' | 'unchanged';
  entityId?: string | null;
  deferredReason?: string;
}

export interface LanderOptions {
  database: SophiaDatabase;
  tenant: string;
  runId: string;
  connector: ConnectorName;
  source: SourceName;
  mapper: Mapper;
  validator: Validator;
  meta: TableMeta;
  /** Called when a record is deferred or lands late (for logging). */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

type Trx = Transaction<Database>;

export class Lander {
  private readonly o: LanderOptions;
  private readonly knownMonths = new Set<string>();
  /** `${stream}\u0000${sourceId}` of records deferred during this run, for dead-lettering at the end. */
  /** Top-level rows landed during this run, per entity (for the set-based checks at the end). */
  readonly landedIds = new Map<string, Set<string>>();
  readonly deferredThisRun = new Map<
    string,
    { stream: string; sourceId: string; status: 'new' | 'changed' }
  >();

  constructor(options: LanderOptions) {
    this.o = options;
  }

  private col(entity: string, column: string): ColumnMeta | undefined {
    return this.o.meta.get(entity)?.get(column);
  }

  /** Lands records and persists checkpoints and dead letters in one transaction. */
  async landBatch(
    records: IncomingRecord[],
    checkpoints: Checkpoint[] = [],
    rejects: DeadLetter[] = [],
  ): Promise<BatchResult> {
    const result: BatchResult = { stats: new Map(), unknownStreams: new Map(), deferred: 0, notes: [] };
    const stat = (stream: string) => {
      let s = result.stats.get(stream);
      if (!s) result.stats.set(stream, (s = emptyStats()));
      return s;
    };
    const dead: DeadLetter[] = [...rejects];
    for (const r of rejects) {
      if (!r.stream) continue;
      stat(r.stream).read++;
      stat(r.stream).deadLettered++;
    }

    // 1. map (pure)
    const items: WorkItem[] = [];
    for (const record of records) {
      const s = stat(record.stream);
      s.read++;
      let outcome;
      try {
        outcome = this.o.mapper.map(record);
      } catch (err) {
        outcome = {
          kind: 'rejected' as const,
          code: 'mapping_failed' as const,
          reason: `mapping failed: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
      if (outcome.kind === 'unknown-stream') {
        const u = result.unknownStreams.get(record.stream);
        if (u) u.count++;
        else result.unknownStreams.set(record.stream, { count: 1, reason: outcome.reason });
        continue;
      }
      if (outcome.kind === 'rejected') {
        s.deadLettered++;
        dead.push({
          source: record.source,
          stream: record.stream,
          sourceId: outcome.sourceId ?? null,
          reason: outcome.reason,
          code: outcome.code,
          raw: record.raw,
        });
        continue;
      }
      items.push({
        record,
        sourceId: outcome.sourceId,
        cursor: outcome.cursor,
        hash: recordHash(record.data),
        rows: outcome.rows,
        problems: outcome.problems,
      });
    }

    // The same record twice in one batch: the newest cursor wins (the later one on a tie).
    const latest = new Map<string, WorkItem>();
    for (const item of items) {
      const k = `${item.record.stream}\u0000${item.sourceId}`;
      const prev = latest.get(k);
      if (prev && compareCursors(item.cursor, prev.cursor) < 0) {
        stat(item.record.stream).unchanged++;
        continue;
      }
      if (prev) stat(prev.record.stream).unchanged++;
      latest.set(k, item);
    }
    const work = [...latest.values()];

    await this.ensurePartitions(work);

    await this.o.database.withTenant(this.o.tenant, async (trx) => {
      // short set-based statements whose jsonb row estimates would trigger JIT compilation (seconds)
      await sql`set local jit = off`.execute(trx);
      let landed: LandedCounts;
      await sql`savepoint land_batch`.execute(trx);
      try {
        landed = await this.landItems(trx, work);
        await sql`release savepoint land_batch`.execute(trx);
      } catch (batchErr) {
        await sql`rollback to savepoint land_batch`.execute(trx);
        this.o.log?.('batch rejected by the database; landing its records one at a time', {
          error: batchErr instanceof Error ? batchErr.message : String(batchErr),
        });
        landed = emptyLanded();
        for (const item of work) {
          item.status = undefined;
          item.deferredReason = undefined;
          item.entityId = undefined;
          await sql`savepoint land_one`.execute(trx);
          try {
            addLanded(landed, await this.landItems(trx, [item]));
            await sql`release savepoint land_one`.execute(trx);
          } catch (err) {
            await sql`rollback to savepoint land_one`.execute(trx);
            const why = err instanceof Error ? err.message : String(err);
            dead.push({
              source: item.record.source,
              stream: item.record.stream,
              sourceId: item.sourceId,
              reason: `the database rejected the record: ${why}`,
              code: 'database_rejected',
              raw: item.record.raw,
            });
            stat(item.record.stream).deadLettered++;
            item.status = undefined;
            result.notes.push(`${item.record.stream} ${item.sourceId}: rejected by the database (${why})`);
          }
        }
      }
      for (const item of work) {
        const s = stat(item.record.stream);
        if (item.deferredReason) {
          result.deferred++;
          continue;
        }
        if (item.status === 'new') s.inserted++;
        else if (item.status === 'changed') s.updated++;
        else if (item.status === 'unchanged') s.unchanged++;
      }
      for (const [stream, n] of landed.violations) stat(stream).violations += n;
      await this.writeDeadLetters(trx, dead);
      await this.writeCheckpoints(trx, checkpoints);
    });
    return result;
  }

  /** Creates the monthly transcript partitions the batch will write into (outside the batch transaction). */
  private async ensurePartitions(work: WorkItem[]): Promise<void> {
    const dates: Date[] = [];
    const parentIds = new Set<string>();
    for (const item of work) {
      for (const row of item.rows) {
        if (row.entity === 'calls' && !row.parent) {
          const v = row.fields.started_at;
          const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
          if (d && !Number.isNaN(d.getTime())) dates.push(d);
        } else if (row.entity === 'transcript_segments' && row.parent) {
          parentIds.add(row.parent.sourceId);
        }
      }
    }
    if (parentIds.size > 0) {
      const { rows } = await this.o.database.withTenant(
        this.o.tenant,
        (trx) =>
          sql<{ started_at: Date }>`select started_at from calls
            where source = ${this.o.source} and source_id = any(${[...parentIds]}::text[])`.execute(trx),
        { readOnly: true },
      );
      for (const r of rows) dates.push(new Date(r.started_at));
    }
    const missing = dates.filter((d) => !this.knownMonths.has(monthKey(d)));
    if (missing.length === 0) return;
    await ensureMonthlyPartitions(this.o.database.db, missing);
    for (const d of missing) this.knownMonths.add(monthKey(d));
  }

  /** The set-based landing of work items (may throw: the caller retries record by record). */
  private async landItems(trx: Trx, work: WorkItem[]): Promise<LandedCounts> {
    const counts = emptyLanded();
    if (work.length === 0) return counts;
    const source = this.o.source;

    // 2. compare with what is stored
    const keys = work.map((w) => ({ stream: w.record.stream, source_id: w.sourceId }));
    const idsByStream = new Map<string, string[]>();
    for (const k of keys) {
      const list = idsByStream.get(k.stream) ?? [];
      list.push(k.source_id);
      idsByStream.set(k.stream, list);
    }
    const stored: Array<{ stream: string; source_id: string; hash: string; cursor: string | null }> = [];
    for (const [stream, sids] of idsByStream) {
      const { rows } = await sql<{ stream: string; source_id: string; hash: string; cursor: string | null }>`
        select stream, source_id, hash, cursor from source_records
        where source = ${source} and stream = ${stream} and source_id = any(${sids}::text[])`.execute(trx);
      stored.push(...rows);
    }
    const storedBy = new Map(stored.map((s) => [`${s.stream}\u0000${s.source_id}`, s]));
    const pendingParents = await this.pendingParentKeys(trx, keys);
    const todo: WorkItem[] = [];
    for (const item of work) {
      const prev = storedBy.get(`${item.record.stream}\u0000${item.sourceId}`);
      const waiting = pendingParents.has(`${item.record.stream}:${item.sourceId}`);
      if (prev && !waiting && (prev.hash === item.hash || compareCursors(item.cursor, prev.cursor) < 0)) {
        item.status = 'unchanged';
        continue;
      }
      item.status = prev && !waiting ? 'changed' : prev ? (this.wasNew(item) ? 'new' : 'changed') : 'new';
      todo.push(item);
    }
    if (todo.length === 0) return counts;

    // 3. top-level rows, in dependency order
    const ids = new Map<string, string>(); // `${entity}\u0000${source}\u0000${sourceId}` -> uuid
    const idKey = (entity: string, src: string, sid: string) => `${entity}\u0000${src}\u0000${sid}`;
    const pendingRefs: Array<{ entity: string; rowId: string; ref: RowRef }> = [];
    const landedRows = new Map<string, string[]>();
    const topRows = new Map<WorkItem, MappedRow[]>();
    for (const item of todo) topRows.set(item, mergeRows(item.rows.filter((r) => !r.parent)));

    for (const entity of ENTITY_ORDER) {
      const rowsHere: Array<{ item: WorkItem; row: MappedRow }> = [];
      for (const item of todo) {
        if (item.deferredReason) continue;
        for (const row of topRows.get(item)!) if (row.entity === entity) rowsHere.push({ item, row });
      }
      if (rowsHere.length === 0) continue;
      await this.lookupRefs(
        trx,
        rowsHere.map((r) => r.row).flatMap((r) => r.refs),
        ids,
      );
      // resolve references now; a NOT NULL reference that cannot be resolved defers the record
      const ready: Array<{ item: WorkItem; row: MappedRow; unresolved: RowRef[] }> = [];
      for (const { item, row } of rowsHere) {
        const fields = { ...row.fields };
        const unresolved: RowRef[] = [];
        for (const ref of row.refs) {
          const id = ids.get(idKey(ref.entity, ref.source, ref.sourceId));
          if (id) fields[ref.field] = id;
          else if (this.col(entity, ref.field)?.notNull) {
            item.deferredReason = `${ref.field} refers to ${ref.source} ${ref.entity} ${ref.sourceId}, which has not arrived`;
          } else unresolved.push(ref);
        }
        if (!item.deferredReason) ready.push({ item, row: { ...row, fields }, unresolved });
      }
      const merged = new Map<string, { row: MappedRow; owners: WorkItem[]; unresolved: RowRef[] }>();
      for (const { item, row, unresolved } of ready) {
        if (item.deferredReason) continue;
        const prev = merged.get(row.key);
        if (prev) {
          Object.assign(prev.row.fields, row.fields);
          prev.owners.push(item);
          prev.unresolved.push(...unresolved);
        } else
          merged.set(row.key, { row: { ...row, fields: { ...row.fields } }, owners: [item], unresolved });
      }
      const landed = await this.upsertTop(
        trx,
        entity,
        [...merged.values()].map((m) => m.row),
      );
      for (const [key, m] of merged) {
        const id = landed.get(key);
        if (!id) continue;
        ids.set(idKey(entity, source, key), id);
        pushTo(landedRows, entity, id);
        let set = this.landedIds.get(entity);
        if (!set) this.landedIds.set(entity, (set = new Set()));
        set.add(id);
        for (const item of m.owners) item.entityId ??= id;
        for (const ref of m.unresolved) pendingRefs.push({ entity, rowId: id, ref });
      }
    }

    // 4. child rows
    await this.landChildren(trx, todo, ids, pendingRefs, landedRows);

    // 5. pending references, violations, source records
    await this.writePendingRefs(trx, pendingRefs, landedRows);
    await this.writeViolations(trx, todo, counts);
    await this.writeSourceRecords(trx, todo);
    return counts;
  }

  private wasNew(item: WorkItem): boolean {
    return this.deferredThisRun.get(`${item.record.stream}\u0000${item.sourceId}`)?.status !== 'changed';
  }

  private async pendingParentKeys(trx: Trx, keys: Array<{ stream: string; source_id: string }>) {
    const wanted = keys.map((k) => `${k.stream}:${k.source_id}`);
    const { rows } = await sql<{ source_id: string }>`
      select source_id from source_records
      where source = ${this.o.source} and stream = ${PENDING_PARENT_STREAM}
        and source_id = any(${wanted}::text[])`.execute(trx);
    return new Set(rows.map((r) => r.source_id));
  }

  /** Looks up ids of referenced rows not yet known, by (entity, source, source id). */
  private async lookupRefs(trx: Trx, refs: RowRef[], ids: Map<string, string>): Promise<void> {
    const wanted = new Map<string, Map<string, Set<string>>>();
    for (const r of refs) {
      if (ids.has(`${r.entity}\u0000${r.source}\u0000${r.sourceId}`)) continue;
      let bySource = wanted.get(r.entity);
      if (!bySource) wanted.set(r.entity, (bySource = new Map()));
      let set = bySource.get(r.source);
      if (!set) bySource.set(r.source, (set = new Set()));
      set.add(r.sourceId);
    }
    for (const [entity, bySource] of wanted) {
      for (const [src, set] of bySource) {
        const { rows } = await sql<{ id: string; source_id: string }>`
          select id, source_id from ${sql.table(entity)}
          where source = ${src} and source_id = any(${[...set]}::text[])`.execute(trx);
        for (const r of rows) ids.set(`${entity}\u0000${src}\u0000${r.source_id}`, r.id);
      }
    }
  }

  /** Column definitions for jsonb_to_recordset and the JSON rows, for the given columns. */
  private recordset(entity: string, columns: string[], rows: Array<Record<string, unknown>>) {
    const defs = columns.map((c) => {
      const m = this.col(entity, c);
      if (!m) throw new Error(`${entity} has no column ${c}`);
      return `${ident(c)} ${m.type}`;
    });
    return { defs: defs.join(', '), json: toJsonParam(rows) };
  }

  /** Upserts top-level rows by (tenant, source, source_id), setting only the fields each row maps. */
  private async upsertTop(trx: Trx, entity: EntityName, rows: MappedRow[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const groups = new Map<string, MappedRow[]>();
    for (const row of rows) {
      const sig = Object.keys(row.fields)
        .filter((f) => this.col(entity, f))
        .sort()
        .join(',');
      const g = groups.get(sig);
      if (g) g.push(row);
      else groups.set(sig, [row]);
    }
    const hasUpdatedAt = !!this.col(entity, 'updated_at');
    for (const [sig, group] of groups) {
      const fields = sig ? sig.split(',') : [];
      const columns = ['source_id', ...fields];
      for (let i = 0; i < group.length; i += 1000) {
        const chunk = group.slice(i, i + 1000);
        const { defs, json } = this.recordset(
          entity,
          columns,
          chunk.map((r) => ({ ...pick(r.fields, fields), source_id: r.key })),
        );
        const cols = columns.map(ident).join(', ');
        const sets = [
          ...fields.map((f) => `${ident(f)} = excluded.${ident(f)}`),
          ...(hasUpdatedAt ? ['updated_at = now()'] : []),
        ];
        const { rows: landed } = await sql<{ id: string; source_id: string }>`
          insert into ${sql.table(entity)} (tenant_id, source, ${sql.raw(cols)})
          select ${this.o.tenant}, ${this.o.source}, ${sql.raw(columns.map((c) => `x.${ident(c)}`).join(', '))}
          from jsonb_to_recordset(${json}::jsonb) as x(${sql.raw(defs)})
          on conflict (tenant_id, source, source_id) do update set ${sql.raw(sets.join(', '))}
          returning id, source_id`.execute(trx);
        for (const r of landed) out.set(r.source_id, r.id);
      }
    }
    return out;
  }

  private async landChildren(
    trx: Trx,
    todo: WorkItem[],
    ids: Map<string, string>,
    pendingRefs: Array<{ entity: string; rowId: string; ref: RowRef }>,
    landedRows: Map<string, string[]>,
  ): Promise<void> {
    const byEntity = new Map<EntityName, Array<{ item: WorkItem; row: MappedRow }>>();
    for (const item of todo) {
      if (item.deferredReason) continue;
      for (const row of mergeRows(item.rows.filter((r) => r.parent))) {
        let list = byEntity.get(row.entity);
        if (!list) byEntity.set(row.entity, (list = []));
        list.push({ item, row });
      }
    }
    if (byEntity.size === 0) return;

    // parents: (entity, source, source id) -> id (and started_at for calls)
    const parents = new Map<string, { id: string; startedAt?: Date }>();
    const wanted = new Map<string, Set<string>>();
    for (const list of byEntity.values())
      for (const { row } of list) {
        const p = row.parent!;
        const k = `${p.entity}\u0000${p.source}`;
        let set = wanted.get(k);
        if (!set) wanted.set(k, (set = new Set()));
        set.add(p.sourceId);
      }
    for (const [k, set] of wanted) {
      const [entity, src] = k.split('\u0000') as [string, string];
      const extra = entity === 'calls' ? sql`, started_at` : sql``;
      const { rows } = await sql<{ id: string; source_id: string; started_at?: Date }>`
        select id, source_id ${extra} from ${sql.table(entity)}
        where source = ${src} and source_id = any(${[...set]}::text[])`.execute(trx);
      for (const r of rows)
        parents.set(`${k}\u0000${r.source_id}`, {
          id: r.id,
          ...(r.started_at ? { startedAt: new Date(r.started_at) } : {}),
        });
    }
    // a record whose parent is missing waits (all of its child rows)
    for (const list of byEntity.values())
      for (const { item, row } of list) {
        const p = row.parent!;
        if (!parents.has(`${p.entity}\u0000${p.source}\u0000${p.sourceId}`))
          item.deferredReason ??= `its parent ${p.source} ${p.entity} ${p.sourceId} has not arrived`;
      }

    for (const [entity, all] of byEntity) {
      const spec = CHILDREN[entity];
      if (!spec) throw new Error(`${entity} is not a child entity`);
      const list = all.filter(({ item }) => !item.deferredReason);
      if (list.length === 0) continue;
      await this.lookupRefs(
        trx,
        list.flatMap((l) => l.row.refs),
        ids,
      );
      const rows: Array<Record<string, unknown>> = [];
      const unresolvedByKey = new Map<string, RowRef[]>();
      const parentIds = new Set<string>();
      for (const { item, row } of list) {
        const p = row.parent!;
        const parent = parents.get(`${p.entity}\u0000${p.source}\u0000${p.sourceId}`)!;
        parentIds.add(parent.id);
        item.entityId ??= parent.id;
        const fields: Record<string, unknown> = {};
        for (const [f, v] of Object.entries(row.fields)) if (this.col(entity, f)) fields[f] = v;
        const unresolved: RowRef[] = [];
        for (const ref of row.refs) {
          const id = ids.get(`${ref.entity}\u0000${ref.source}\u0000${ref.sourceId}`);
          if (id) fields[ref.field] = id;
          else unresolved.push(ref);
        }
        fields[spec.parentColumn] = parent.id;
        if (fields[spec.keyColumn] === undefined)
          fields[spec.keyColumn] = spec.keyType === 'integer' ? Number(row.key) : row.key;
        if (entity === 'transcript_segments') fields.call_started_at = parent.startedAt;
        rows.push(fields);
        if (unresolved.length && spec.hasId)
          unresolvedByKey.set(`${parent.id}\u0000${String(fields[spec.keyColumn])}`, unresolved);
      }
      if (spec.replace) {
        await sql`delete from ${sql.table(entity)} where ${sql.ref(spec.parentColumn)} = any(${[...parentIds]}::uuid[])`.execute(
          trx,
        );
      }
      // rows of one entity may map different field sets: group by signature
      const groups = new Map<string, Array<Record<string, unknown>>>();
      for (const r of rows) {
        const sig = Object.keys(r).sort().join(',');
        const g = groups.get(sig);
        if (g) g.push(r);
        else groups.set(sig, [r]);
      }
      for (const [sig, group] of groups) {
        const columns = sig.split(',');
        const updatable = columns.filter((c) => c !== spec.parentColumn && c !== spec.keyColumn);
        const conflict = spec.replace
          ? ''
          : updatable.length
            ? `on conflict ${spec.conflict} do update set ${updatable.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`
            : `on conflict ${spec.conflict} do nothing`;
        const segmentParticipant =
          entity === 'transcript_segments' &&
          !columns.includes('participant_id') &&
          columns.includes('speaker_id');
        const insertCols = [...columns, ...(segmentParticipant ? ['participant_id'] : [])];
        const selectCols = [
          ...columns.map((c) => `x.${ident(c)}`),
          ...(segmentParticipant ? ['sp.participant_id'] : []),
        ];
        for (let i = 0; i < group.length; i += 5000) {
          const chunk = group.slice(i, i + 5000);
          const { defs, json } = this.recordset(entity, columns, chunk);
          const returning = spec.hasId
            ? sql`returning id, ${sql.ref(spec.parentColumn)}::text as parent, ${sql.ref(spec.keyColumn)}::text as key`
            : sql``;
          const { rows: landed } = await sql<{ id: string; parent: string; key: string }>`
            insert into ${sql.table(entity)} (tenant_id, ${sql.raw(insertCols.map(ident).join(', '))})
            select ${this.o.tenant}, ${sql.raw(selectCols.join(', '))}
            from jsonb_to_recordset(${json}::jsonb) as x(${sql.raw(defs)})
            ${
              segmentParticipant
                ? // the speaker's participant in the call (one hash join, not a lookup per sentence)
                  sql`left join (
                    select call_id, speaker_id, min(id::text)::uuid as participant_id from call_participants
                    where call_id = any(${[...parentIds]}::uuid[]) and speaker_id is not null
                    group by call_id, speaker_id
                  ) sp on sp.call_id = x.call_id and sp.speaker_id = x.speaker_id`
                : sql``
            }
            ${sql.raw(conflict)} ${returning}`.execute(trx);
          if (spec.hasId)
            for (const r of landed) {
              pushTo(landedRows, entity, r.id);
              const un = unresolvedByKey.get(`${r.parent}\u0000${r.key}`);
              if (un) for (const ref of un) pendingRefs.push({ entity, rowId: r.id, ref });
            }
        }
      }
    }
  }

  private async writePendingRefs(
    trx: Trx,
    pending: Array<{ entity: string; rowId: string; ref: RowRef }>,
    landedRows: Map<string, string[]>,
  ): Promise<void> {
    // the references of re-landed rows are what this landing says: drop their earlier pending ones
    for (const [entity, rowIds] of landedRows) {
      await sql`delete from source_records
        where entity = ${entity} and entity_id = any(${rowIds}::uuid[]) and stream = ${PENDING_REF_STREAM}`.execute(
        trx,
      );
    }
    if (pending.length === 0) return;
    const rows = pending.map((p) => ({
      source_id: `${p.entity}:${p.rowId}:${p.ref.field}`,
      entity: p.entity,
      entity_id: p.rowId,
      payload: { rowId: p.rowId, ...p.ref },
      hash: recordHash(p.ref),
    }));
    for (let i = 0; i < rows.length; i += 2000) {
      await sql`
        insert into source_records (tenant_id, source, stream, source_id, hash, payload, entity, entity_id)
        select ${this.o.tenant}, ${this.o.source}, ${PENDING_REF_STREAM}, x.source_id, x.hash, x.payload, x.entity, x.entity_id
        from jsonb_to_recordset(${toJsonParam(rows.slice(i, i + 2000))}::jsonb)
          as x(source_id text, hash text, payload jsonb, entity text, entity_id uuid)
        on conflict (tenant_id, source, stream, source_id)
        do update set payload = excluded.payload, hash = excluded.hash, last_seen_at = now()`.execute(trx);
    }
  }

  private async writeViolations(trx: Trx, todo: WorkItem[], counts: LandedCounts): Promise<void> {
    const landed = todo.filter((i) => !i.deferredReason && i.entityId);
    if (landed.length === 0) return;
    // replace the earlier violations of these records
    const byStream = new Map<string, string[]>();
    for (const item of landed) {
      const list = byStream.get(item.record.stream) ?? [];
      list.push(item.entityId!);
      byStream.set(item.record.stream, list);
    }
    for (const [stream, recordIds] of byStream) {
      await sql`delete from quality_violations
        where record_id = any(${recordIds}::uuid[]) and source = ${this.o.source} and stream = ${stream}`.execute(
        trx,
      );
    }
    const rows: Array<Record<string, unknown>> = [];
    for (const item of landed) {
      const base = {
        record_id: item.entityId,
        source: item.record.source,
        stream: item.record.stream,
        source_id: item.sourceId,
      };
      for (const p of item.problems) {
        rows.push({
          ...base,
          rule_id: null,
          rule_key: `${p.entity}.${p.field}.transform`,
          entity: p.entity,
          field: p.field,
          value: p.value,
          message: p.message,
          severity: 'warning',
        });
      }
      for (const row of item.rows) {
        let violations;
        try {
          violations = this.o.validator.check(row);
        } catch (err) {
          violations = [
            {
              ruleKey: `${row.entity}.validator`,
              ruleId: null,
              entity: row.entity,
              field: null,
              value: null,
              message: `validation failed: ${err instanceof Error ? err.message : String(err)}`,
              severity: 'warning' as const,
            },
          ];
        }
        for (const v of violations)
          rows.push({
            ...base,
            rule_id: v.ruleId,
            rule_key: v.ruleKey,
            entity: v.entity,
            field: v.field,
            value: v.value,
            message: v.message,
            severity: v.severity,
          });
      }
    }
    for (const r of rows)
      counts.violations.set(String(r.stream), (counts.violations.get(String(r.stream)) ?? 0) + 1);
    for (let i = 0; i < rows.length; i += 2000) {
      await sql`
        insert into quality_violations
          (tenant_id, rule_id, rule_key, entity, record_id, source, stream, source_id, field, value, message, severity)
        select ${this.o.tenant}, x.rule_id, x.rule_key, x.entity, x.record_id, x.source, x.stream, x.source_id,
               x.field, x.value, x.message, x.severity
        from jsonb_to_recordset(${toJsonParam(rows.slice(i, i + 2000))}::jsonb) as x(
          rule_id uuid, rule_key text, entity text, record_id uuid, source text, stream text, source_id text,
          field text, value text, message text, severity text)`.execute(trx);
    }
  }

  private async writeSourceRecords(trx: Trx, todo: WorkItem[]): Promise<void> {
    const rows = todo.map((item) => ({
      stream: item.record.stream,
      source_id: item.sourceId,
      cursor: item.cursor,
      hash: item.hash,
      payload: item.record.data,
      emitted_at:
        item.record.emittedAt !== undefined && Number.isFinite(item.record.emittedAt)
          ? new Date(item.record.emittedAt).toISOString()
          : null,
      entity: topEntity(item.rows),
      entity_id: item.deferredReason ? null : (item.entityId ?? null),
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await sql`
        insert into source_records
          (tenant_id, source, stream, source_id, cursor, hash, payload, emitted_at, entity, entity_id)
        select ${this.o.tenant}, ${this.o.source}, x.stream, x.source_id, x.cursor, x.hash, x.payload,
               x.emitted_at, x.entity, x.entity_id
        from jsonb_to_recordset(${toJsonParam(rows.slice(i, i + 500))}::jsonb) as x(
          stream text, source_id text, cursor text, hash text, payload jsonb, emitted_at timestamptz,
          entity text, entity_id uuid)
        on conflict (tenant_id, source, stream, source_id) do update set
          cursor = excluded.cursor, hash = excluded.hash, payload = excluded.payload,
          emitted_at = excluded.emitted_at, entity = excluded.entity, entity_id = excluded.entity_id,
          last_seen_at = now()`.execute(trx);
    }
    // records waiting for a parent
    const deferred = todo.filter((i) => i.deferredReason);
    const landedKeys = todo.filter((i) => !i.deferredReason).map((i) => `${i.record.stream}:${i.sourceId}`);
    if (landedKeys.length) {
      const { rows: done } = await sql<{ source_id: string }>`
        delete from source_records
        where source = ${this.o.source} and stream = ${PENDING_PARENT_STREAM}
          and source_id = any(${landedKeys}::text[])
        returning source_id`.execute(trx);
      if (done.length) {
        await sql`update dead_letters set resolved_at = now()
          where source = ${this.o.source} and error_code = 'parent_missing' and resolved_at is null
            and (stream || ':' || source_id) = any(${done.map((d) => d.source_id)}::text[])`.execute(trx);
      }
    }
    if (deferred.length) {
      const pend = deferred.map((i) => ({
        source_id: `${i.record.stream}:${i.sourceId}`,
        hash: i.hash,
        payload: { stream: i.record.stream, sourceId: i.sourceId, reason: i.deferredReason },
      }));
      await sql`
        insert into source_records (tenant_id, source, stream, source_id, hash, payload, entity)
        select ${this.o.tenant}, ${this.o.source}, ${PENDING_PARENT_STREAM}, x.source_id, x.hash, x.payload, 'pending'
        from jsonb_to_recordset(${toJsonParam(pend)}::jsonb) as x(source_id text, hash text, payload jsonb)
        on conflict (tenant_id, source, stream, source_id)
        do update set payload = excluded.payload, hash = excluded.hash, last_seen_at = now()`.execute(trx);
      for (const i of deferred) {
        const k = `${i.record.stream}\u0000${i.sourceId}`;
        if (!this.deferredThisRun.has(k))
          this.deferredThisRun.set(k, {
            stream: i.record.stream,
            sourceId: i.sourceId,
            status: i.status === 'changed' ? 'changed' : 'new',
          });
        this.o.log?.('record waits for its parent', {
          stream: i.record.stream,
          source_id: i.sourceId,
          reason: i.deferredReason,
        });
      }
    }
  }

  private async writeDeadLetters(trx: Trx, dead: DeadLetter[]): Promise<void> {
    if (dead.length === 0) return;
    const rows = dead.map((d) => ({
      source: d.source,
      stream: d.stream,
      source_id: d.sourceId,
      reason: d.reason,
      error_code: d.code,
      raw: d.raw,
    }));
    // The same bad input seen again (a rerun of the same file) while its dead letter is still open is not
    // repeated: the open dead letter gets `retried_at`.
    for (let i = 0; i < rows.length; i += 1000) {
      await sql`
        with x as (
          select * from jsonb_to_recordset(${toJsonParam(rows.slice(i, i + 1000))}::jsonb)
            as x(source text, stream text, source_id text, reason text, error_code text, raw text)
        ), seen as (
          update dead_letters d set retried_at = now() from x
          where d.resolved_at is null and d.source = x.source and d.stream is not distinct from x.stream
            and d.error_code = x.error_code and d.raw = x.raw
          returning d.id
        )
        insert into dead_letters (tenant_id, source, stream, source_id, reason, error_code, raw, run_id)
        select ${this.o.tenant}, x.source, x.stream, x.source_id, x.reason, x.error_code, x.raw, ${this.o.runId}::uuid
        from x
        where not exists (
          select 1 from dead_letters d
          where d.resolved_at is null and d.source = x.source and d.stream is not distinct from x.stream
            and d.error_code = x.error_code and d.raw = x.raw)`.execute(trx);
    }
  }

  private async writeCheckpoints(trx: Trx, checkpoints: Checkpoint[]): Promise<void> {
    // the last checkpoint of a stream wins
    const last = new Map<string, Checkpoint>();
    for (const c of checkpoints) last.set(c.stream, c);
    for (const c of last.values()) {
      await sql`
        insert into sync_state (tenant_id, connector, source, stream, state, cursor)
        values (${this.o.tenant}, ${this.o.connector}, ${this.o.source}, ${c.stream},
                ${toJsonParam(c.state ?? null)}::jsonb, ${c.cursor ?? null})
        on conflict (tenant_id, connector, source, stream)
        do update set state = excluded.state, cursor = excluded.cursor, updated_at = now()`.execute(trx);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // End of run

  /**
   * Lands the records that waited for a parent (from this run or an earlier one), then resolves the
   * references whose targets have arrived. Records whose parent is still missing are dead-lettered
   * (`parent_missing`, once per record) and stay pending, so a later run that lands the parent lands them.
   */
  async finishPending(): Promise<{
    landed: Map<string, StreamStats>;
    deadLettered: Map<string, StreamStats>;
    refsResolved: number;
    refsUnresolved: number;
  }> {
    const landedStats = new Map<string, StreamStats>();
    const deadStats = new Map<string, StreamStats>();
    const stat = (m: Map<string, StreamStats>, stream: string) => {
      let s = m.get(stream);
      if (!s) m.set(stream, (s = emptyStats()));
      return s;
    };
    const pending = await this.o.database.withTenant(
      this.o.tenant,
      (trx) =>
        sql<{ stream: string; source_id: string; payload: Record<string, unknown>; emitted_at: Date | null }>`
          select r.stream, r.source_id, r.payload, r.emitted_at from source_records p
          join source_records r on r.source = p.source and r.stream = p.payload->>'stream'
            and r.source_id = p.payload->>'sourceId'
          where p.source = ${this.o.source} and p.stream = ${PENDING_PARENT_STREAM}
          order by r.stream, r.source_id`.execute(trx),
      { readOnly: true },
    );
    for (let i = 0; i < pending.rows.length; i += 500) {
      const chunk = pending.rows.slice(i, i + 500);
      const records: IncomingRecord[] = chunk.map((r) => ({
        source: this.o.source,
        stream: r.stream,
        data: r.payload,
        ...(r.emitted_at ? { emittedAt: new Date(r.emitted_at).getTime() } : {}),
        raw: JSON.stringify({ stream: r.stream, data: r.payload }),
      }));
      // mark them so the hash comparison does not skip them
      const result = await this.landBatch(records);
      for (const [stream, s] of result.stats) {
        const l = stat(landedStats, stream);
        l.inserted += s.inserted;
        l.updated += s.updated;
        l.violations += s.violations;
        l.deadLettered += s.deadLettered;
      }
    }
    // still waiting: dead-letter (once per record and open reason)
    const still = await this.o.database.withTenant(this.o.tenant, async (trx) => {
      const { rows } = await sql<{
        stream: string;
        source_id: string;
        reason: string;
        raw: string;
        open: boolean;
      }>`
        select p.payload->>'stream' as stream, p.payload->>'sourceId' as source_id,
               p.payload->>'reason' as reason,
               json_build_object('stream', r.stream, 'data', r.payload)::text as raw,
               exists (select 1 from dead_letters d where d.source = p.source and d.error_code = 'parent_missing'
                       and d.resolved_at is null and d.stream = p.payload->>'stream'
                       and d.source_id = p.payload->>'sourceId') as open
        from source_records p
        join source_records r on r.source = p.source and r.stream = p.payload->>'stream'
          and r.source_id = p.payload->>'sourceId'
        where p.source = ${this.o.source} and p.stream = ${PENDING_PARENT_STREAM}`.execute(trx);
      const fresh = rows.filter((r) => !r.open);
      await this.writeDeadLetters(
        trx,
        fresh.map((r) => ({
          source: this.o.source,
          stream: r.stream,
          sourceId: r.source_id,
          reason: `${r.reason}; kept pending: it lands when a later run brings the parent`,
          code: 'parent_missing',
          raw: r.raw,
        })),
      );
      // counted for the records this run read (a rerun reports them again; the open dead letter is not repeated)
      return rows.filter((r) => !r.open || this.deferredThisRun.has(`${r.stream}\u0000${r.source_id}`));
    });
    for (const r of still) stat(deadStats, r.stream).deadLettered++;

    const refs = await this.resolvePendingRefs();
    return { landed: landedStats, deadLettered: deadStats, ...refs };
  }

  /**
   * Earlier runs of this connector and source that never recorded an end (the process was killed): they are
   * marked failed, and the rows they landed join this run's end-of-run work (set-based checks), which they
   * never got. Returns how many such runs there were.
   */
  async adoptInterruptedRuns(): Promise<number> {
    return this.o.database.withTenant(this.o.tenant, async (trx) => {
      const { rows } = await sql<{ started_at: Date }>`
        update sync_runs set status = 'failed', finished_at = now(),
          error = ${`no end recorded (the process was killed or crashed); run ${this.o.runId} finished its work`}
        where connector = ${this.o.connector} and source = ${this.o.source} and status = 'running'
          and id <> ${this.o.runId}::uuid
          and started_at < (select started_at from sync_runs where id = ${this.o.runId}::uuid)
        returning started_at`.execute(trx);
      if (rows.length === 0) return 0;
      const since = new Date(Math.min(...rows.map((r) => new Date(r.started_at).getTime())));
      const { rows: landed } = await sql<{ entity: string; entity_id: string }>`
        select entity, entity_id from source_records
        where source = ${this.o.source} and last_seen_at >= ${since} and entity_id is not null
          and left(stream, 1) <> '_'`.execute(trx);
      for (const r of landed) {
        let set = this.landedIds.get(r.entity);
        if (!set) this.landedIds.set(r.entity, (set = new Set()));
        set.add(r.entity_id);
      }
      return rows.length;
    });
  }

  /**
   * Runs the set-based rules (reference, uniqueness) over the top-level rows landed in this run, replacing
   * those rules' earlier violations of the same rows. Returns the number of violations written.
   */
  async setChecks(rules: SetRule[], pii: ReadonlyMap<string, PiiClass>): Promise<number> {
    let total = 0;
    const keys = [...new Set(rules.map((r) => r.ruleKey))];
    for (const [entity, set] of this.landedIds) {
      if (!rules.some((r) => r.entity === entity)) continue;
      const ids = [...set];
      for (let i = 0; i < ids.length; i += 5000) {
        const chunk = ids.slice(i, i + 5000);
        total += await this.o.database.withTenant(this.o.tenant, async (trx) => {
          await sql`delete from quality_violations
            where entity = ${entity} and record_id = any(${chunk}::uuid[]) and rule_key = any(${keys}::text[])`.execute(
            trx,
          );
          const found = await findSetViolations(trx, rules, entity as EntityName, chunk, pii);
          if (found.length === 0) return 0;
          const rows = found.map((v) => ({
            rule_id: v.ruleId,
            rule_key: v.ruleKey,
            entity: v.entity,
            record_id: v.recordId,
            source: v.source,
            source_id: v.sourceId,
            field: v.field,
            value: v.value,
            message: v.message,
            severity: v.severity,
          }));
          await sql`
            insert into quality_violations
              (tenant_id, rule_id, rule_key, entity, record_id, source, stream, source_id, field, value, message,
               severity)
            select ${this.o.tenant}, x.rule_id, x.rule_key, x.entity, x.record_id, x.source,
                   (select s.stream from source_records s
                    where s.entity = x.entity and s.entity_id = x.record_id and left(s.stream, 1) <> '_'
                    order by s.last_seen_at desc limit 1),
                   x.source_id, x.field, x.value, x.message, x.severity
            from jsonb_to_recordset(${toJsonParam(rows)}::jsonb) as x(
              rule_id uuid, rule_key text, entity text, record_id uuid, source text, source_id text,
              field text, value text, message text, severity text)`.execute(trx);
          return rows.length;
        });
      }
    }
    return total;
  }

  /**
   * Resolves pending references set-based, per (entity, field, target entity), whichever run left them (a
   * Gong call's account resolves when the Salesforce run lands it). Returns how many resolved, and how many
   * references of this run's source still wait.
   */
  async resolvePendingRefs(): Promise<{ refsResolved: number; refsUnresolved: number }> {
    return this.o.database.withTenant(this.o.tenant, async (trx) => {
      const { rows: groups } = await sql<{ entity: string; field: string; target: string }>`
        select distinct entity, payload->>'field' as field, payload->>'entity' as target
        from source_records
        where source = any(${ALL_SOURCES}::text[]) and stream = ${PENDING_REF_STREAM}`.execute(trx);
      let resolved = 0;
      for (const g of groups) {
        if (!this.col(g.entity, g.field) || !this.o.meta.has(g.target)) continue;
        const { rows } = await sql<{ n: number }>`
          with r as (
            select p.id as pid, p.entity_id as row_id, t.id as target_id
            from source_records p
            join ${sql.table(g.target)} t on t.source = p.payload->>'source' and t.source_id = p.payload->>'sourceId'
            where p.source = any(${ALL_SOURCES}::text[]) and p.stream = ${PENDING_REF_STREAM}
              and p.entity = ${g.entity} and p.payload->>'field' = ${g.field}
              and p.payload->>'entity' = ${g.target}
          ), u as (
            update ${sql.table(g.entity)} e set ${sql.ref(g.field)} = r.target_id from r where e.id = r.row_id
            returning e.id
          ), d as (
            delete from source_records s using r where s.id = r.pid returning s.id
          )
          select count(*)::int as n from d`.execute(trx);
        resolved += rows[0]?.n ?? 0;
      }
      const { rows: left } = await sql<{ n: number }>`
        select count(*)::int as n from source_records
        where source = ${this.o.source} and stream = ${PENDING_REF_STREAM}`.execute(trx);
      return { refsResolved: resolved, refsUnresolved: left[0]?.n ?? 0 };
    });
  }
}

interface LandedCounts {
  violations: Map<string, number>;
}
function emptyLanded(): LandedCounts {
  return { violations: new Map() };
}
function addLanded(into: LandedCounts, from: LandedCounts): void {
  for (const [k, v] of from.violations) into.violations.set(k, (into.violations.get(k) ?? 0) + v);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pick(fields: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = fields[n] === undefined ? null : fields[n];
  return out;
}

/** The table a record landed in: its top-level row, or for child-only records (transcripts) the parent's. */
function topEntity(rows: MappedRow[]): string | null {
  const top = rows.find((r) => !r.parent);
  return top?.entity ?? rows[0]?.parent?.entity ?? null;
}
