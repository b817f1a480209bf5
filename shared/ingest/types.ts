import type { Database } from '../../schema/database.js';

/**
 * The contracts between the parts of ingestion. Connectors (Airbyte JSON lines, Airbyte Postgres tables,
 * the Gong API, internal SQL, the demo world) produce `IncomingRecord`s and `Checkpoint`s; the mapper
 * (driven by the `source_mappings` table) turns a record into `MappedRow`s; the lander
 * (shared/ingest/landing.ts) writes source records, unified rows, references, violations, dead letters
 * and sync state, one transaction per checkpoint.
 */

/** Source systems whose records land in the unified model. */
export type SourceName = 'gong' | 'salesforce' | 'hubspot' | 'slack' | 'sql';
export const SOURCE_NAMES: readonly SourceName[] = ['gong', 'salesforce', 'hubspot', 'slack', 'sql'];

/** How records arrived; recorded in sync_runs.connector and sync_state.connector. */
export type ConnectorName = 'airbyte' | 'airbyte-postgres' | 'gong-api' | 'sql';

/** Unified tables a record can be mapped to. */
export const ENTITY_NAMES = [
  'users',
  'accounts',
  'contacts',
  'opportunities',
  'activities',
  'calls',
  'call_participants',
  'transcript_segments',
  'slack_channels',
  'slack_channel_members',
  'slack_messages',
] as const satisfies readonly (keyof Database)[];
export type EntityName = (typeof ENTITY_NAMES)[number];

/** One source record on its way in, whatever connector read it. */
export interface IncomingRecord {
  source: SourceName;
  /** Airbyte stream name (or the equivalent API object), e.g. `extensiveCalls`, `Account`, `contacts`. */
  stream: string;
  /** The record as the source sent it (Airbyte `record.data`). */
  data: Record<string, unknown>;
  /** Airbyte `emitted_at` (ms), when known. */
  emittedAt?: number;
  /** The raw input (JSON line or JSON of the row), kept in dead letters when the record cannot land. */
  raw: string;
}

/** A state checkpoint: persisted to sync_state in the same transaction as the records before it. */
export interface Checkpoint {
  /** Stream the state is for, or `_global` for Airbyte GLOBAL / LEGACY state. */
  stream: string;
  /** The state exactly as sent (Airbyte stream_state / global / data), or the connector's own cursor object. */
  state: unknown;
  /** The cursor value reached, when the connector knows it (for display and resume). */
  cursor?: string | null;
}

/** A reference from a mapped row to another row, resolved by source id (possibly arriving later). */
export interface RowRef {
  /** Column of the mapped row that holds the reference, e.g. `account_id`. */
  field: string;
  entity: EntityName;
  source: SourceName;
  sourceId: string;
}

/** One row of a unified table produced from a record. */
export interface MappedRow {
  entity: EntityName;
  /**
   * Identity of the row within its entity: for top-level entities the source id; for child entities
   * (call_participants, transcript_segments, slack_channel_members) the key within the parent
   * (participant id, segment index as text, member id).
   */
  key: string;
  /** For child rows: the top-level row they belong to. */
  parent?: { entity: EntityName; source: SourceName; sourceId: string };
  /** Canonical column -> value, already transformed (E.164, lowercased email, Date for timestamps, ...). */
  fields: Record<string, unknown>;
  refs: RowRef[];
}

export type MapOutcome =
  | {
      kind: 'mapped';
      /** The record's primary key (source id) and cursor, for source_records. */
      sourceId: string;
      cursor: string | null;
      /** The top-level row first, then child rows. */
      rows: MappedRow[];
      /** Values a mapping could not convert; the record still lands, each becomes a violation. */
      problems: FieldProblem[];
    }
  | { kind: 'unknown-stream'; reason: string }
  | { kind: 'rejected'; code: RejectCode; reason: string; sourceId?: string };

export type RejectCode =
  | 'malformed_json'
  | 'not_an_object'
  | 'unknown_message_type'
  | 'missing_primary_key'
  | 'bad_primary_key'
  | 'bad_required_value'
  | 'unknown_stream'
  | 'parent_missing'
  | 'database_rejected'
  /** The mapper failed unexpectedly on this record (a bug, reported instead of crashing the run). */
  | 'mapping_failed';

export interface FieldProblem {
  entity: EntityName;
  field: string;
  value: string;
  message: string;
}

/** Per-stream counts of one run; stored in sync_runs.stats and printed at the end. */
export interface StreamStats {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deadLettered: number;
  violations: number;
}

export function emptyStats(): StreamStats {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, deadLettered: 0, violations: 0 };
}

/** Turns records into unified rows; built from the active rows of the `source_mappings` table. */
export interface Mapper {
  map(record: IncomingRecord): MapOutcome;
  /** True when some active mapping covers this stream. */
  knows(source: SourceName, stream: string): boolean;
}

/** A failed row-level rule (required, format, enum, range), found by the validator. */
export interface RowViolation {
  ruleKey: string;
  ruleId: string | null;
  entity: EntityName;
  field: string | null;
  /** The offending value, masked when the field's PII class is contact or sensitive. */
  value: string | null;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

/** Checks mapped rows against the active rows of `validation_rules`. */
export interface Validator {
  check(row: MappedRow): RowViolation[];
}

/** Input that is not a record at all, as handed to `RecordSink.reject`. */
export interface RejectedInput {
  source: SourceName;
  stream?: string;
  raw: string;
  code: RejectCode;
  reason: string;
}

/** Where connectors write what they read. Implemented by the ingest run (shared/ingest/run.ts). */
export interface RecordSink {
  /**
   * Lands `records` and then persists `checkpoints`, all in one transaction: after a crash the run
   * resumes from the last checkpoint that committed. Bad records are dead-lettered, never thrown.
   */
  write(records: IncomingRecord[], checkpoints?: Checkpoint[]): Promise<void>;
  /** A line of input that is not a record at all (malformed JSON, unknown message type): dead-lettered. */
  reject(input: RejectedInput): Promise<void>;
  /** Non-fatal notes (unknown stream skipped, Airbyte LOG/TRACE): shown in the summary, logged on stderr. */
  note(message: string): void;
  /** The last committed state of a stream (for resuming), or undefined. */
  lastState(stream: string): Promise<{ state: unknown; cursor: string | null } | undefined>;
}
