import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { AnalysisTables } from './tables/analysis.js';
import type { CustomerTables } from './tables/customer.js';
import type { IdentityTables } from './tables/identity.js';

/**
 * The unified model: the typed Kysely `Database` interface. The tables of migration 0001 are
 * `UnifiedModelTables` below; a later migration that adds tables declares them in its own interface in
 * `schema/tables/<area>.ts` and `Database` extends it. Migrations themselves are frozen (typed against their
 * own snapshot, or untyped), so changing this file never forces an edit to an old migration.
 *
 * Conventions: every customer-data table has `tenant_id` (row-level security keys on it); ids from sources
 * are text (Gong ids are 19-20 digit numbers that fit neither a JS number nor a BIGINT); timestamps are
 * timestamptz and come back as Date; numeric and bigint come back as strings (node-postgres defaults).
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Numeric = ColumnType<string, string | number, string | number>;
type DateOnly = ColumnType<Date, Date | string, Date | string>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, T | string, T | string>;
type GeneratedTsv = ColumnType<string, never, never>;
type Id = Generated<string>;
/** A vector: pgvector `vector` where the extension exists, `real[]` otherwise; both read as number[]. */
type Vector = ColumnType<number[], number[] | string, number[] | string>;

interface Provenance {
  /** Source system: gong, salesforce, hubspot, slack, sql, sophia. */
  source: string;
  /** The record's id in that system (always text). */
  source_id: string;
}

interface Tenanted {
  tenant_id: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable extends Tenanted, Provenance {
  id: Id;
  email: string | null;
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
  role: string | null;
  team: string | null;
  manager_id: string | null;
  phone: string | null;
  time_zone: string | null;
  active: Generated<boolean>;
  canonical_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AccountsTable extends Tenanted, Provenance {
  id: Id;
  name: string;
  domain: string | null;
  website: string | null;
  industry: string | null;
  phone: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  region: string | null;
  portfolio_units: number | null;
  property_count: number | null;
  pms_platform: string | null;
  segment: string | null;
  status: Generated<string>;
  owner_user_id: string | null;
  annual_revenue: Numeric | null;
  arr: Numeric | null;
  customer_since: DateOnly | null;
  churned_at: Timestamp | null;
  canonical_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ContactsTable extends Tenanted, Provenance {
  id: Id;
  account_id: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  department: string | null;
  lifecycle_stage: string | null;
  owner_user_id: string | null;
  time_zone: string | null;
  do_not_call: Generated<boolean>;
  canonical_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OpportunitiesTable extends Tenanted, Provenance {
  id: Id;
  account_id: string | null;
  owner_user_id: string | null;
  primary_contact_id: string | null;
  name: string;
  stage: string | null;
  amount: Numeric | null;
  currency: string | null;
  probability: number | null;
  close_date: DateOnly | null;
  is_closed: Generated<boolean>;
  is_won: Generated<boolean>;
  type: string | null;
  lead_source: string | null;
  forecast_category: string | null;
  next_step: string | null;
  loss_reason: string | null;
  competitor: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ActivitiesTable extends Tenanted, Provenance {
  id: Id;
  kind: string;
  subject: string | null;
  body: string | null;
  occurred_at: Timestamp | null;
  due_at: Timestamp | null;
  status: string | null;
  priority: string | null;
  direction: string | null;
  duration_seconds: number | null;
  account_id: string | null;
  contact_id: string | null;
  opportunity_id: string | null;
  user_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CallsTable extends Tenanted, Provenance {
  id: Id;
  title: string | null;
  started_at: Timestamp;
  scheduled_at: Timestamp | null;
  duration_seconds: number | null;
  direction: string | null;
  scope: string | null;
  system: string | null;
  media: string | null;
  language: string | null;
  url: string | null;
  purpose: string | null;
  is_private: Generated<boolean>;
  account_id: string | null;
  opportunity_id: string | null;
  primary_user_id: string | null;
  brief: string | null;
  key_points: Json<unknown[]> | null;
  outline: Json<unknown[]> | null;
  crm_context: Json<unknown[]> | null;
  interaction_stats: Json | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CallParticipantsTable extends Tenanted {
  id: Id;
  call_id: string;
  source_participant_id: string;
  speaker_id: string | null;
  user_id: string | null;
  contact_id: string | null;
  name: string | null;
  email: string | null;
  title: string | null;
  company: string | null;
  phone: string | null;
  affiliation: Generated<string>;
  talk_time_ms: number | null;
  created_at: CreatedAt;
}

export interface TranscriptSegmentsTable extends Tenanted {
  call_id: string;
  call_started_at: Timestamp;
  segment_index: number;
  speaker_id: string | null;
  participant_id: string | null;
  topic: string | null;
  start_ms: number;
  end_ms: number;
  text: string;
  tsv: GeneratedTsv;
}

export interface TrackerHitsTable extends Tenanted {
  id: Id;
  call_id: string;
  tracker: string;
  category: string | null;
  phrase: string | null;
  speaker_id: string | null;
  participant_id: string | null;
  segment_index: number | null;
  start_ms: number | null;
  said_as_question: Generated<boolean>;
  detector: string;
  confidence: number | null;
  created_at: CreatedAt;
}

export interface SlackChannelsTable extends Tenanted, Provenance {
  id: Id;
  name: string;
  is_private: Generated<boolean>;
  is_archived: Generated<boolean>;
  topic: string | null;
  purpose: string | null;
  member_count: number | null;
  account_id: string | null;
  created_at_source: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SlackChannelMembersTable extends Tenanted {
  channel_id: string;
  member_source_id: string;
  user_id: string | null;
  created_at: CreatedAt;
}

export interface SlackMessagesTable extends Tenanted, Provenance {
  id: Id;
  channel_id: string;
  ts: string;
  thread_ts: string | null;
  user_source_id: string | null;
  user_id: string | null;
  text: string | null;
  subtype: string | null;
  posted_at: Timestamp;
  reply_count: number | null;
  reactions: Json<unknown[]> | null;
  tsv: GeneratedTsv;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SourceRecordsTable extends Tenanted {
  id: Id;
  source: string;
  stream: string;
  source_id: string;
  cursor: string | null;
  hash: string;
  payload: Json;
  emitted_at: Timestamp | null;
  entity: string | null;
  entity_id: string | null;
  first_seen_at: CreatedAt;
  last_seen_at: UpdatedAt;
}

export interface IdentityLinksTable extends Tenanted {
  id: Id;
  entity_type: string;
  left_id: string;
  right_id: string;
  rule: string;
  confidence: number;
  evidence: Json | null;
  created_at: CreatedAt;
}

export interface DictionaryFieldsTable extends Tenanted {
  id: Id;
  entity: string;
  field: string;
  data_type: string;
  description: string;
  pii_class: Generated<string>;
  format: string | null;
  example: string | null;
  is_core: Generated<boolean>;
  status: Generated<string>;
  version: Generated<number>;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SourceMappingsTable extends Tenanted {
  id: Id;
  source: string;
  stream: string;
  source_path: string;
  entity: string;
  field: string;
  transform: Generated<string>;
  transform_args: Json | null;
  priority: Generated<number>;
  active: Generated<boolean>;
  notes: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ValidationRulesTable extends Tenanted {
  id: Id;
  rule_key: string;
  entity: string;
  field: string | null;
  rule_type: string;
  params: Json | null;
  severity: Generated<string>;
  description: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface QualityViolationsTable extends Tenanted {
  id: Id;
  rule_id: string | null;
  rule_key: string;
  entity: string;
  record_id: string | null;
  source: string | null;
  stream: string | null;
  source_id: string | null;
  field: string | null;
  value: string | null;
  message: string;
  severity: string;
  detected_at: CreatedAt;
  resolved_at: Timestamp | null;
}

export interface DeadLettersTable extends Tenanted {
  id: Id;
  source: string;
  stream: string | null;
  source_id: string | null;
  reason: string;
  error_code: string;
  raw: string;
  run_id: string | null;
  received_at: CreatedAt;
  retried_at: Timestamp | null;
  resolved_at: Timestamp | null;
}

export interface SyncStateTable extends Tenanted {
  id: Id;
  connector: string;
  source: string;
  stream: string;
  state: Json | null;
  cursor: string | null;
  updated_at: UpdatedAt;
}

export interface SyncRunsTable extends Tenanted {
  id: Id;
  connector: string;
  source: string;
  input: string | null;
  status: string;
  stats: Json | null;
  error: string | null;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface KbDocumentsTable extends Tenanted {
  id: Id;
  collection: string;
  path: string;
  title: string | null;
  source_uri: string | null;
  mime: string | null;
  content_hash: string;
  size_bytes: number;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  metadata: Json | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  indexed_at: Timestamp | null;
}

export interface KbChunksTable extends Tenanted {
  id: Id;
  document_id: string;
  chunk_index: number;
  heading_path: string | null;
  start_line: number;
  end_line: number;
  content: string;
  context: string | null;
  token_count: number | null;
  tsv: GeneratedTsv;
  created_at: CreatedAt;
}

export interface KbTermsTable extends Tenanted {
  collection: string;
  lexeme: string;
  chunk_id: string;
  tf: number;
  dl: number;
}

export interface EmbeddingsTable extends Tenanted {
  id: Id;
  collection: string;
  item_id: string;
  model: string;
  dims: number;
  embedding: Vector;
  content_hash: string | null;
  metadata: Json | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface EmbeddingVersionsTable extends Tenanted {
  collection: string;
  model: string;
  version: ColumnType<string, string | number | undefined, string | number>;
  updated_at: UpdatedAt;
}

export interface HealthScoresTable extends Tenanted {
  id: Id;
  account_id: string;
  scored_at: CreatedAt;
  score: number;
  band: string;
  components: Json | null;
  model_version: string;
}

export interface PredictionsTable extends Tenanted {
  id: Id;
  kind: string;
  subject_type: string;
  subject_id: string;
  predicted_at: CreatedAt;
  horizon_days: number | null;
  value: number;
  label: string | null;
  explanation: Json | null;
  model_version: string;
  outcome: string | null;
  outcome_at: Timestamp | null;
}

export interface AuditLogTable extends Tenanted {
  id: Generated<string>;
  at: CreatedAt;
  server: string;
  tool: string;
  caller: string;
  transport: string;
  session_id: string | null;
  argument_digest: string;
  outcome: string;
  error: string | null;
  latency_ms: number;
}

/** The tables created by migration 0001 (schema/migrations/0001-unified-model.ts). */
export interface UnifiedModelTables {
  tenants: TenantsTable;
  users: UsersTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  opportunities: OpportunitiesTable;
  activities: ActivitiesTable;
  calls: CallsTable;
  call_participants: CallParticipantsTable;
  transcript_segments: TranscriptSegmentsTable;
  tracker_hits: TrackerHitsTable;
  slack_channels: SlackChannelsTable;
  slack_channel_members: SlackChannelMembersTable;
  slack_messages: SlackMessagesTable;
  source_records: SourceRecordsTable;
  identity_links: IdentityLinksTable;
  dictionary_fields: DictionaryFieldsTable;
  source_mappings: SourceMappingsTable;
  validation_rules: ValidationRulesTable;
  quality_violations: QualityViolationsTable;
  dead_letters: DeadLettersTable;
  sync_state: SyncStateTable;
  sync_runs: SyncRunsTable;
  kb_documents: KbDocumentsTable;
  kb_chunks: KbChunksTable;
  kb_terms: KbTermsTable;
  embeddings: EmbeddingsTable;
  embedding_versions: EmbeddingVersionsTable;
  health_scores: HealthScoresTable;
  predictions: PredictionsTable;
  audit_log: AuditLogTable;
}

/** Every table of the unified model: 0001's, plus the interfaces of later migrations (one line each). */
export interface Database extends UnifiedModelTables, AnalysisTables, IdentityTables, CustomerTables {}

export type TableName = keyof Database;
export type Row<T extends TableName> = Selectable<Database[T]>;
export type NewRow<T extends TableName> = Insertable<Database[T]>;
export type RowUpdate<T extends TableName> = Updateable<Database[T]>;
