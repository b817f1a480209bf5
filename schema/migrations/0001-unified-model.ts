import { sql } from 'kysely';
import {
  type AnyDb,
  APP_ROLE,
  type ColumnSpec,
  createTables,
  detectFeatures,
  dropTables,
  type TableSpec,
} from '../table-spec.js';

/**
 * Migration 0001: the unified model. Comments on tables and columns are the data dictionary's descriptions
 * of the live schema.
 *
 * Frozen: a migration is typed against its own snapshot of the tables and columns it creates, never against
 * the current `Database` interface, so a later migration that adds a table or a column does not force an
 * edit here. The compiler checks the specification below against this snapshot column for column.
 */
interface Columns0001 {
  tenants: 'id' | 'name' | 'created_at';
  users:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'email'
    | 'full_name'
    | 'first_name'
    | 'last_name'
    | 'title'
    | 'role'
    | 'team'
    | 'manager_id'
    | 'phone'
    | 'time_zone'
    | 'active'
    | 'canonical_id'
    | 'created_at'
    | 'updated_at';
  accounts:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'name'
    | 'domain'
    | 'website'
    | 'industry'
    | 'phone'
    | 'city'
    | 'state'
    | 'country'
    | 'region'
    | 'portfolio_units'
    | 'property_count'
    | 'pms_platform'
    | 'segment'
    | 'status'
    | 'owner_user_id'
    | 'annual_revenue'
    | 'arr'
    | 'customer_since'
    | 'churned_at'
    | 'canonical_id'
    | 'created_at'
    | 'updated_at';
  contacts:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'account_id'
    | 'first_name'
    | 'last_name'
    | 'full_name'
    | 'email'
    | 'phone'
    | 'title'
    | 'department'
    | 'lifecycle_stage'
    | 'owner_user_id'
    | 'time_zone'
    | 'do_not_call'
    | 'canonical_id'
    | 'created_at'
    | 'updated_at';
  opportunities:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'account_id'
    | 'owner_user_id'
    | 'primary_contact_id'
    | 'name'
    | 'stage'
    | 'amount'
    | 'currency'
    | 'probability'
    | 'close_date'
    | 'is_closed'
    | 'is_won'
    | 'type'
    | 'lead_source'
    | 'forecast_category'
    | 'next_step'
    | 'loss_reason'
    | 'competitor'
    | 'created_at'
    | 'updated_at';
  activities:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'kind'
    | 'subject'
    | 'body'
    | 'occurred_at'
    | 'due_at'
    | 'status'
    | 'priority'
    | 'direction'
    | 'duration_seconds'
    | 'account_id'
    | 'contact_id'
    | 'opportunity_id'
    | 'user_id'
    | 'created_at'
    | 'updated_at';
  calls:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'title'
    | 'started_at'
    | 'scheduled_at'
    | 'duration_seconds'
    | 'direction'
    | 'scope'
    | 'system'
    | 'media'
    | 'language'
    | 'url'
    | 'purpose'
    | 'is_private'
    | 'account_id'
    | 'opportunity_id'
    | 'primary_user_id'
    | 'brief'
    | 'key_points'
    | 'outline'
    | 'crm_context'
    | 'interaction_stats'
    | 'created_at'
    | 'updated_at';
  call_participants:
    | 'id'
    | 'tenant_id'
    | 'call_id'
    | 'source_participant_id'
    | 'speaker_id'
    | 'user_id'
    | 'contact_id'
    | 'name'
    | 'email'
    | 'title'
    | 'company'
    | 'phone'
    | 'affiliation'
    | 'talk_time_ms'
    | 'created_at';
  transcript_segments:
    | 'tenant_id'
    | 'call_id'
    | 'call_started_at'
    | 'segment_index'
    | 'speaker_id'
    | 'participant_id'
    | 'topic'
    | 'start_ms'
    | 'end_ms'
    | 'text'
    | 'tsv';
  tracker_hits:
    | 'id'
    | 'tenant_id'
    | 'call_id'
    | 'tracker'
    | 'category'
    | 'phrase'
    | 'speaker_id'
    | 'participant_id'
    | 'segment_index'
    | 'start_ms'
    | 'said_as_question'
    | 'detector'
    | 'confidence'
    | 'created_at';
  slack_channels:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'name'
    | 'is_private'
    | 'is_archived'
    | 'topic'
    | 'purpose'
    | 'member_count'
    | 'account_id'
    | 'created_at_source'
    | 'created_at'
    | 'updated_at';
  slack_channel_members: 'tenant_id' | 'channel_id' | 'member_source_id' | 'user_id' | 'created_at';
  slack_messages:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'source_id'
    | 'channel_id'
    | 'ts'
    | 'thread_ts'
    | 'user_source_id'
    | 'user_id'
    | 'text'
    | 'subtype'
    | 'posted_at'
    | 'reply_count'
    | 'reactions'
    | 'tsv'
    | 'created_at'
    | 'updated_at';
  source_records:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'stream'
    | 'source_id'
    | 'cursor'
    | 'hash'
    | 'payload'
    | 'emitted_at'
    | 'entity'
    | 'entity_id'
    | 'first_seen_at'
    | 'last_seen_at';
  identity_links:
    | 'id'
    | 'tenant_id'
    | 'entity_type'
    | 'left_id'
    | 'right_id'
    | 'rule'
    | 'confidence'
    | 'evidence'
    | 'created_at';
  dictionary_fields:
    | 'id'
    | 'tenant_id'
    | 'entity'
    | 'field'
    | 'data_type'
    | 'description'
    | 'pii_class'
    | 'format'
    | 'example'
    | 'is_core'
    | 'status'
    | 'version'
    | 'updated_by'
    | 'created_at'
    | 'updated_at';
  source_mappings:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'stream'
    | 'source_path'
    | 'entity'
    | 'field'
    | 'transform'
    | 'transform_args'
    | 'priority'
    | 'active'
    | 'notes'
    | 'created_at'
    | 'updated_at';
  validation_rules:
    | 'id'
    | 'tenant_id'
    | 'rule_key'
    | 'entity'
    | 'field'
    | 'rule_type'
    | 'params'
    | 'severity'
    | 'description'
    | 'active'
    | 'created_at'
    | 'updated_at';
  quality_violations:
    | 'id'
    | 'tenant_id'
    | 'rule_id'
    | 'rule_key'
    | 'entity'
    | 'record_id'
    | 'source'
    | 'stream'
    | 'source_id'
    | 'field'
    | 'value'
    | 'message'
    | 'severity'
    | 'detected_at'
    | 'resolved_at';
  sync_runs:
    | 'id'
    | 'tenant_id'
    | 'connector'
    | 'source'
    | 'input'
    | 'status'
    | 'stats'
    | 'error'
    | 'started_at'
    | 'finished_at';
  dead_letters:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'stream'
    | 'source_id'
    | 'reason'
    | 'error_code'
    | 'raw'
    | 'run_id'
    | 'received_at'
    | 'retried_at'
    | 'resolved_at';
  sync_state: 'id' | 'tenant_id' | 'connector' | 'source' | 'stream' | 'state' | 'cursor' | 'updated_at';
  kb_documents:
    | 'id'
    | 'tenant_id'
    | 'collection'
    | 'path'
    | 'title'
    | 'source_uri'
    | 'mime'
    | 'content_hash'
    | 'size_bytes'
    | 'tags'
    | 'metadata'
    | 'created_at'
    | 'updated_at'
    | 'indexed_at';
  kb_chunks:
    | 'id'
    | 'tenant_id'
    | 'document_id'
    | 'chunk_index'
    | 'heading_path'
    | 'start_line'
    | 'end_line'
    | 'content'
    | 'context'
    | 'token_count'
    | 'tsv'
    | 'created_at';
  kb_terms: 'tenant_id' | 'collection' | 'lexeme' | 'chunk_id' | 'tf' | 'dl';
  embeddings:
    | 'id'
    | 'tenant_id'
    | 'collection'
    | 'item_id'
    | 'model'
    | 'dims'
    | 'embedding'
    | 'content_hash'
    | 'metadata'
    | 'created_at'
    | 'updated_at';
  embedding_versions: 'tenant_id' | 'collection' | 'model' | 'version' | 'updated_at';
  health_scores:
    'id' | 'tenant_id' | 'account_id' | 'scored_at' | 'score' | 'band' | 'components' | 'model_version';
  predictions:
    | 'id'
    | 'tenant_id'
    | 'kind'
    | 'subject_type'
    | 'subject_id'
    | 'predicted_at'
    | 'horizon_days'
    | 'value'
    | 'label'
    | 'explanation'
    | 'model_version'
    | 'outcome'
    | 'outcome_at';
  audit_log:
    | 'id'
    | 'tenant_id'
    | 'at'
    | 'server'
    | 'tool'
    | 'caller'
    | 'transport'
    | 'session_id'
    | 'argument_digest'
    | 'outcome'
    | 'error'
    | 'latency_ms';
}
type Spec = { [T in keyof Columns0001]: TableSpec<Columns0001[T]> };

const c = (type: ColumnSpec['type'], comment: string): ColumnSpec => ({ type, comment });

const id = c('uuid primary key default gen_random_uuid()', 'Sophia identifier of the row.');
const tenant = c(
  'text not null references tenants(id)',
  'Tenant (customer organisation) that owns the row; row-level security keys on it.',
);
const source = c(
  'text not null',
  'Source system the row came from: gong, salesforce, hubspot, slack, sql or sophia.',
);
const sourceId = c(
  'text not null',
  'Identifier of the record in its source system (text; Gong ids are 19-20 digits).',
);
const createdAt = c('timestamptz not null default now()', 'When Sophia first stored the row.');
const updatedAt = c('timestamptz not null default now()', 'When Sophia last changed the row.');
const canonical = c(
  'uuid',
  'Identity-resolution cluster: rows from different sources that are the same real-world entity share it.',
);
const ref = (table: string, what: string, onDelete = 'set null') =>
  c(`uuid references ${table}(id) on delete ${onDelete}`, what);

export const unifiedModel: Spec = {
  tenants: {
    comment:
      'Customer organisations served by this Sophia installation; every customer-data row belongs to one.',
    columns: {
      id: c('text primary key', 'Tenant id (lowercase letters, digits, _ and -), e.g. payready.'),
      name: c('text not null', 'Display name of the tenant.'),
      created_at: createdAt,
    },
    tenant: false,
  },
  users: {
    comment:
      'Internal people of the tenant: sales reps, account managers, managers, sales engineers, support.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      email: c('text', 'Work email, lowercased.'),
      full_name: c('text', 'Full name as the source shows it.'),
      first_name: c('text', 'Given name.'),
      last_name: c('text', 'Family name.'),
      title: c('text', 'Job title.'),
      role: c('text', 'Sales role: rep, account_manager, manager, sales_engineer, support or other.'),
      team: c('text', 'Team or territory.'),
      manager_id: ref('users', 'The user this user reports to.'),
      phone: c('text', 'Phone in E.164 form.'),
      time_zone: c('text', 'IANA time zone, e.g. America/Chicago.'),
      active: c('boolean not null default true', 'False when the user is deactivated in the source.'),
      canonical_id: canonical,
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: ['(tenant_id, email)', '(tenant_id, canonical_id)'],
  },
  accounts: {
    comment:
      'Customer and prospect companies (property-management companies for Pay Ready): portfolio, region, PMS platform.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      name: c('text not null', 'Company name.'),
      domain: c(
        'text',
        'Registrable web domain (example.com), the main cross-source join key for companies.',
      ),
      website: c('text', 'Website URL as the source gives it.'),
      industry: c('text', 'Industry as the source gives it.'),
      phone: c('text', 'Main phone in E.164 form.'),
      city: c('text', 'Billing or headquarters city.'),
      state: c('text', 'Billing or headquarters state or region code.'),
      country: c('text', 'Country.'),
      region: c('text', 'Sales region: West, Southwest, Midwest, Southeast, Northeast.'),
      portfolio_units: c('integer', 'Apartment units under management (portfolio size).'),
      property_count: c('integer', 'Number of properties (communities) managed.'),
      pms_platform: c('text', 'Property-management system in use: Yardi, RealPage, AppFolio, Entrata, ...'),
      segment: c('text', 'Customer segment, e.g. enterprise, mid-market, smb.'),
      status: c("text not null default 'prospect'", 'Lifecycle: prospect, customer, churned or lost.'),
      owner_user_id: ref('users', 'Account owner (rep or account manager).'),
      annual_revenue: c('numeric', 'Annual revenue of the company (source currency).'),
      arr: c('numeric', 'Annual recurring revenue the tenant earns from this account.'),
      customer_since: c('date', 'Date the account became a customer.'),
      churned_at: c('timestamptz', 'When the account churned, if it did.'),
      canonical_id: canonical,
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: [
      '(tenant_id, domain)',
      '(tenant_id, canonical_id)',
      '(tenant_id, status)',
      (f) => (f.pgTrgm ? 'using gin (name gin_trgm_ops)' : undefined),
    ],
  },
  contacts: {
    comment: 'People at customer and prospect companies (including Salesforce leads and HubSpot contacts).',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      account_id: ref('accounts', 'Company the contact works for.'),
      first_name: c('text', 'Given name.'),
      last_name: c('text', 'Family name.'),
      full_name: c('text', 'Full name.'),
      email: c('text', 'Email, lowercased.'),
      phone: c('text', 'Phone in E.164 form.'),
      title: c('text', 'Job title, e.g. VP of Operations, Regional Property Manager.'),
      department: c('text', 'Department.'),
      lifecycle_stage: c(
        'text',
        'lead, marketingqualifiedlead, opportunity, customer, ... as the source names it.',
      ),
      owner_user_id: ref('users', 'Owning rep.'),
      time_zone: c('text', 'IANA time zone of the contact (used for call-hour compliance).'),
      do_not_call: c('boolean not null default false', 'True when the contact opted out of calls.'),
      canonical_id: canonical,
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: [
      '(tenant_id, email)',
      '(tenant_id, account_id)',
      '(tenant_id, canonical_id)',
      (f) => (f.pgTrgm ? 'using gin (full_name gin_trgm_ops)' : undefined),
    ],
  },
  opportunities: {
    comment: 'Deals: Salesforce opportunities and HubSpot deals, with stage, amount and outcome.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      account_id: ref('accounts', 'Account the deal is with.'),
      owner_user_id: ref('users', 'Deal owner.'),
      primary_contact_id: ref('contacts', 'Main contact on the deal.'),
      name: c('text not null', 'Deal name.'),
      stage: c('text', 'Sales stage as the source names it.'),
      amount: c('numeric', 'Deal amount.'),
      currency: c('text', 'ISO 4217 currency code.'),
      probability: c('real', 'Win probability, 0-100.'),
      close_date: c('date', 'Expected or actual close date.'),
      is_closed: c('boolean not null default false', 'True when the deal is closed (won or lost).'),
      is_won: c('boolean not null default false', 'True when the deal was won.'),
      type: c('text', 'New business, renewal, expansion, ...'),
      lead_source: c('text', 'Where the deal came from.'),
      forecast_category: c('text', 'Forecast category.'),
      next_step: c('text', 'Next step as the rep wrote it.'),
      loss_reason: c('text', 'Why the deal was lost.'),
      competitor: c('text', 'Main competitor on the deal.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: ['(tenant_id, account_id)', '(tenant_id, owner_user_id)', '(tenant_id, close_date)'],
  },
  activities: {
    comment: 'Emails, meetings, notes, tasks, logged calls and support cases from the CRMs.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      kind: c('text not null', 'email, meeting, note, task, call or case.'),
      subject: c('text', 'Subject or title.'),
      body: c('text', 'Body text (HTML stripped).'),
      occurred_at: c('timestamptz', 'When it happened (or was logged).'),
      due_at: c('timestamptz', 'Due date of a task.'),
      status: c('text', 'Status, e.g. Completed, Open, Escalated.'),
      priority: c('text', 'Priority, e.g. High.'),
      direction: c('text', 'inbound or outbound, for emails and calls.'),
      duration_seconds: c('integer', 'Duration of a meeting or call.'),
      account_id: ref('accounts', 'Related account.'),
      contact_id: ref('contacts', 'Related contact.'),
      opportunity_id: ref('opportunities', 'Related opportunity.'),
      user_id: ref('users', 'Internal user who did or owns it.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: ['(tenant_id, account_id, occurred_at)', '(tenant_id, kind, occurred_at)'],
  },
  calls: {
    comment: 'Recorded conversations (Gong calls) with their CRM context and interaction statistics.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      title: c('text', 'Call title.'),
      started_at: c('timestamptz not null', 'Actual start time.'),
      scheduled_at: c('timestamptz', 'Scheduled start time.'),
      duration_seconds: c('integer', 'Duration in seconds.'),
      direction: c('text', 'Inbound, Outbound, Conference or Unknown.'),
      scope: c('text', 'Internal, External or Unknown.'),
      system: c('text', 'Conferencing or telephony system, e.g. Zoom.'),
      media: c('text', 'Video or Audio.'),
      language: c('text', 'Spoken language code, e.g. eng.'),
      url: c('text', 'Link to the call in the source (Gong).'),
      purpose: c('text', 'Purpose: discovery, demo, negotiation, renewal, support, collections, ...'),
      is_private: c('boolean not null default false', 'True for calls marked private in Gong.'),
      account_id: ref('accounts', 'Account discussed (from CRM context or participants).'),
      opportunity_id: ref('opportunities', 'Opportunity discussed (from CRM context).'),
      primary_user_id: ref('users', 'Host / owning rep of the call.'),
      brief: c('text', 'Short summary of the call (Gong content.brief).'),
      key_points: c('jsonb', 'Key points (Gong content.keyPoints).'),
      outline: c('jsonb', 'Outline sections (Gong content.outline).'),
      crm_context: c('jsonb', 'CRM objects the call is linked to (Gong context[]), kept as sent.'),
      interaction_stats: c(
        'jsonb',
        'Interaction statistics: talk ratio, longest monologue, interactivity, patience, question rate.',
      ),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: [
      '(tenant_id, started_at)',
      '(tenant_id, account_id, started_at)',
      '(tenant_id, primary_user_id, started_at)',
    ],
  },
  call_participants: {
    comment:
      'People on a call (Gong parties), joined to users and contacts; speaker_id joins transcript segments.',
    columns: {
      id,
      tenant_id: tenant,
      call_id: ref('calls', 'The call.', 'cascade'),
      source_participant_id: c('text not null', 'Gong parties[].id.'),
      speaker_id: c('text', 'Gong parties[].speakerId: what transcript sentences name as speakerId.'),
      user_id: ref('users', 'Internal user, when the participant is one.'),
      contact_id: ref('contacts', 'External contact, when known.'),
      name: c('text', 'Name as shown on the call.'),
      email: c('text', 'Email, lowercased.'),
      title: c('text', 'Title.'),
      company: c('text', 'Company name as shown.'),
      phone: c('text', 'Phone in E.164 form.'),
      affiliation: c("text not null default 'unknown'", 'Internal, External or Unknown.'),
      talk_time_ms: c('integer', 'Total talk time of this participant in milliseconds.'),
      created_at: createdAt,
    },
    constraints: ['unique (tenant_id, call_id, source_participant_id)'],
    indexes: ['(tenant_id, call_id)', '(tenant_id, user_id)', '(tenant_id, email)'],
  },
  transcript_segments: {
    comment:
      'Transcript sentences: speaker, start/end in ms, text and a full-text vector. Partitioned by month of the call.',
    columns: {
      tenant_id: tenant,
      call_id: c('uuid not null references calls(id) on delete cascade', 'The call.'),
      call_started_at: c('timestamptz not null', 'Start of the call (the partition key).'),
      segment_index: c('integer not null', 'Position of the sentence in the call, from 0.'),
      speaker_id: c('text', 'Gong speakerId; joins call_participants.speaker_id.'),
      participant_id: ref('call_participants', 'The participant who spoke.'),
      topic: c('text', 'Topic of the monologue the sentence belongs to.'),
      start_ms: c('integer not null', 'Start offset from the beginning of the call, in milliseconds.'),
      end_ms: c('integer not null', 'End offset from the beginning of the call, in milliseconds.'),
      text: c('text not null', 'What was said.'),
      tsv: c(
        "tsvector generated always as (to_tsvector('english', text)) stored",
        'Full-text vector of the text (English).',
      ),
    },
    constraints: ['primary key (tenant_id, call_started_at, call_id, segment_index)'],
    indexes: ['(tenant_id, call_id, segment_index)', 'using gin (tsv)'],
    partitionBy: 'range (call_started_at)',
  },
  tracker_hits: {
    comment: 'Tracker matches in calls: keywords and concepts (objections, competitors, compliance phrases).',
    columns: {
      id,
      tenant_id: tenant,
      call_id: ref('calls', 'The call.', 'cascade'),
      tracker: c('text not null', 'Tracker name, e.g. pricing_objection, competitor:RentRedi.'),
      category: c('text', 'competitor, objection, feature, playbook, value or compliance.'),
      phrase: c('text', 'The words that matched.'),
      speaker_id: c('text', 'Who said it (Gong speakerId).'),
      participant_id: ref('call_participants', 'Who said it.'),
      segment_index: c('integer', 'Transcript segment of the match.'),
      start_ms: c('integer', 'Offset of the match in the call, in milliseconds.'),
      said_as_question: c('boolean not null default false', 'True when the phrase was asked as a question.'),
      detector: c('text not null', 'What found it: gong (Gong trackers) or the Sophia detector name.'),
      confidence: c('real', 'Detector confidence 0-1 (1 for keyword matches).'),
      created_at: createdAt,
    },
    indexes: ['(tenant_id, call_id)', '(tenant_id, tracker)', '(tenant_id, category)'],
  },
  slack_channels: {
    comment: 'Slack channels, optionally linked to the customer account they are about.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: sourceId,
      name: c('text not null', 'Channel name without #.'),
      is_private: c('boolean not null default false', 'Private channel.'),
      is_archived: c('boolean not null default false', 'Archived channel.'),
      topic: c('text', 'Channel topic.'),
      purpose: c('text', 'Channel purpose.'),
      member_count: c('integer', 'Number of members.'),
      account_id: ref('accounts', 'Customer account the channel is about, when known.'),
      created_at_source: c('timestamptz', 'When the channel was created in Slack.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
  },
  slack_channel_members: {
    comment: 'Membership of Slack users in channels.',
    columns: {
      tenant_id: tenant,
      channel_id: c('uuid not null references slack_channels(id) on delete cascade', 'The channel.'),
      member_source_id: c('text not null', 'Slack user id of the member.'),
      user_id: ref('users', 'The member as a Sophia user, when resolved.'),
      created_at: createdAt,
    },
    constraints: ['primary key (tenant_id, channel_id, member_source_id)'],
  },
  slack_messages: {
    comment: 'Slack messages and thread replies, with a full-text vector.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      source_id: c('text not null', 'channel id and ts joined by a colon (the Slack primary key).'),
      channel_id: c('uuid not null references slack_channels(id) on delete cascade', 'The channel.'),
      ts: c('text not null', 'Slack ts (seconds.microseconds as text), the message id within its channel.'),
      thread_ts: c('text', 'ts of the thread parent, for replies.'),
      user_source_id: c('text', 'Slack user id of the author.'),
      user_id: ref('users', 'Author as a Sophia user, when resolved.'),
      text: c('text', 'Message text.'),
      subtype: c('text', 'Slack subtype, e.g. channel_join, bot_message; null for ordinary messages.'),
      posted_at: c('timestamptz not null', 'When it was posted (from ts).'),
      reply_count: c('integer', 'Replies in the thread.'),
      reactions: c('jsonb', 'Reactions as Slack sends them.'),
      tsv: c(
        "tsvector generated always as (to_tsvector('english', coalesce(text, ''))) stored",
        'Full-text vector of the text.',
      ),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, source_id)'],
    indexes: ['(tenant_id, channel_id, posted_at)', 'using gin (tsv)'],
  },
  source_records: {
    comment:
      'Every record as the source sent it (raw payload and hash), keyed by source, stream and source id.',
    columns: {
      id,
      tenant_id: tenant,
      source,
      stream: c('text not null', 'Stream (Airbyte stream or API object), e.g. calls, Account, contacts.'),
      source_id: sourceId,
      cursor: c('text', 'Cursor value of the record (e.g. SystemModstamp); the newest wins on upsert.'),
      hash: c('text not null', 'SHA-256 of the canonical JSON payload; an unchanged record skips work.'),
      payload: c('jsonb not null', 'The record exactly as received.'),
      emitted_at: c('timestamptz', 'When the source emitted it (Airbyte emitted_at).'),
      entity: c('text', 'Unified table the record was mapped to.'),
      entity_id: c('uuid', 'Row in that table.'),
      first_seen_at: createdAt,
      last_seen_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, stream, source_id)'],
    indexes: ['(tenant_id, entity, entity_id)'],
  },
  identity_links: {
    comment: 'Evidence that two rows (possibly from different sources) are the same real-world entity.',
    columns: {
      id,
      tenant_id: tenant,
      entity_type: c('text not null', 'account, contact or user.'),
      left_id: c('uuid not null', 'One row.'),
      right_id: c('uuid not null', 'The other row.'),
      rule: c(
        'text not null',
        'Rule that made the link: same_email, same_domain, gong_crm_context, probabilistic, ...',
      ),
      confidence: c('real not null', 'Confidence 0-1 (1 for deterministic rules).'),
      evidence: c('jsonb', 'The values that matched.'),
      created_at: createdAt,
    },
    constraints: ['unique (tenant_id, entity_type, left_id, right_id, rule)'],
    indexes: ['(tenant_id, entity_type, right_id)'],
  },
  dictionary_fields: {
    comment: 'Canonical fields of the unified entities: type, description, PII class, format.',
    columns: {
      id,
      tenant_id: tenant,
      entity: c('text not null', 'Unified entity (table), e.g. contacts.'),
      field: c('text not null', 'Canonical field name.'),
      data_type: c(
        'text not null',
        'Type: text, email, phone, url, domain, integer, number, boolean, timestamp, date, json.',
      ),
      description: c('text not null', 'What the field means.'),
      pii_class: c("text not null default 'none'", 'none, contact (names, emails, phones) or sensitive.'),
      format: c('text', 'Expected format, e.g. E.164, lowercase email.'),
      example: c('text', 'An example value.'),
      is_core: c('boolean not null default false', 'One of the core fields standardised across sources.'),
      status: c("text not null default 'approved'", 'draft, approved or deprecated.'),
      version: c('integer not null default 1', 'Incremented on each change.'),
      updated_by: c('text', 'Who last changed it.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, entity, field)'],
  },
  source_mappings: {
    comment:
      'How a source field becomes a canonical field: source path, target, transform. Drives ingestion.',
    columns: {
      id,
      tenant_id: tenant,
      source: c('text not null', 'Source system.'),
      stream: c('text not null', 'Stream.'),
      source_path: c(
        'text not null',
        'Path of the field in the record, e.g. metaData.started or properties.email.',
      ),
      entity: c('text not null', 'Unified entity.'),
      field: c('text not null', 'Canonical field.'),
      transform: c(
        "text not null default 'identity'",
        'Named transform: identity, e164, email, domain, timestamp, ...',
      ),
      transform_args: c('jsonb', 'Arguments of the transform.'),
      priority: c(
        'integer not null default 100',
        'When several mappings fill one field, the lowest priority wins.',
      ),
      active: c('boolean not null default true', 'Inactive mappings are ignored.'),
      notes: c('text', 'Why the mapping is as it is.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, source, stream, source_path, entity, field)'],
  },
  validation_rules: {
    comment: 'Data-quality rules on canonical fields: required, format, enum, range, reference, uniqueness.',
    columns: {
      id,
      tenant_id: tenant,
      rule_key: c('text not null', 'Stable rule identifier, e.g. contacts.email.format.'),
      entity: c('text not null', 'Unified entity.'),
      field: c('text', 'Canonical field (null for record-level rules).'),
      rule_type: c('text not null', 'required, format, enum, range, reference or uniqueness.'),
      params: c('jsonb', 'Parameters, e.g. {"values": [...]} or {"min": 0}.'),
      severity: c("text not null default 'warning'", 'error, warning or info.'),
      description: c('text not null', 'What the rule checks and why.'),
      active: c('boolean not null default true', 'Inactive rules are not checked.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, rule_key)'],
  },
  quality_violations: {
    comment: 'Rule violations found in landed records, with the record they came from.',
    columns: {
      id,
      tenant_id: tenant,
      rule_id: ref('validation_rules', 'The rule.'),
      rule_key: c('text not null', 'The rule key (kept if the rule is deleted).'),
      entity: c('text not null', 'Unified entity.'),
      record_id: c('uuid', 'Row in the unified table.'),
      source: c('text', 'Source of the record.'),
      stream: c('text', 'Stream of the record.'),
      source_id: c('text', 'Source id of the record.'),
      field: c('text', 'Field that failed.'),
      value: c('text', 'The offending value (masked for PII fields).'),
      message: c('text not null', 'What is wrong.'),
      severity: c('text not null', 'error, warning or info.'),
      detected_at: createdAt,
      resolved_at: c('timestamptz', 'When the violation stopped applying.'),
    },
    indexes: ['(tenant_id, rule_key)', '(tenant_id, entity, record_id)'],
  },
  sync_runs: {
    comment: 'One row per ingestion run: what was read, inserted, updated, unchanged, dead-lettered.',
    columns: {
      id,
      tenant_id: tenant,
      connector: c('text not null', 'airbyte, airbyte-postgres, gong-api or sql.'),
      source: c('text not null', 'Source system.'),
      input: c('text', 'File, URL or query the run read (secrets removed).'),
      status: c('text not null', 'running, succeeded, failed or partial.'),
      stats: c('jsonb', 'Per-stream counts.'),
      error: c('text', 'Error that ended the run.'),
      started_at: createdAt,
      finished_at: c('timestamptz', 'When the run ended.'),
    },
  },
  dead_letters: {
    comment: 'Input that could not be landed, with the reason and the raw line; nothing is silently dropped.',
    columns: {
      id,
      tenant_id: tenant,
      source: c('text not null', 'Source or connector.'),
      stream: c('text', 'Stream, when known.'),
      source_id: c('text', 'Source id, when known.'),
      reason: c('text not null', 'Why it was rejected, in words.'),
      error_code: c(
        'text not null',
        'Machine-readable reason: malformed_json, missing_primary_key, wrong_type, ...',
      ),
      raw: c('text not null', 'The raw input line or record.'),
      run_id: ref('sync_runs', 'Ingestion run that rejected it.'),
      received_at: createdAt,
      retried_at: c('timestamptz', 'Last retry.'),
      resolved_at: c('timestamptz', 'When it was fixed or dismissed.'),
    },
    indexes: ['(tenant_id, source, stream)'],
  },
  sync_state: {
    comment:
      'Checkpoints of incremental ingestion per connector, source and stream (Airbyte STATE, cursors).',
    columns: {
      id,
      tenant_id: tenant,
      connector: c('text not null', 'airbyte, airbyte-postgres, gong-api or sql.'),
      source: c('text not null', 'Source system.'),
      stream: c('text not null', 'Stream, or _global for global state.'),
      state: c('jsonb', 'State exactly as the source sent it.'),
      cursor: c('text', 'Cursor value reached.'),
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, connector, source, stream)'],
  },
  kb_documents: {
    comment: 'Knowledge-base documents (markdown, text, PDF) from folders or repositories, per collection.',
    columns: {
      id,
      tenant_id: tenant,
      collection: c(
        'text not null',
        'Collection: knowledge_base, sales_techniques, competitive_intelligence, ...',
      ),
      path: c('text not null', 'Path of the document within its collection.'),
      title: c('text', 'Title (first heading or file name).'),
      source_uri: c('text', 'Where it came from: file path or repository URL.'),
      mime: c('text', 'Media type.'),
      content_hash: c('text not null', 'SHA-256 of the content; unchanged documents are not re-indexed.'),
      size_bytes: c('integer not null', 'Size of the source file.'),
      tags: c("text[] not null default '{}'", 'Tags for filtering.'),
      metadata: c('jsonb', 'Front matter and other metadata.'),
      created_at: createdAt,
      updated_at: updatedAt,
      indexed_at: c('timestamptz', 'When it was last indexed.'),
    },
    constraints: ['unique (tenant_id, collection, path)'],
  },
  kb_chunks: {
    comment: 'Heading-aware chunks of knowledge-base documents with line ranges and a full-text vector.',
    columns: {
      id,
      tenant_id: tenant,
      document_id: c('uuid not null references kb_documents(id) on delete cascade', 'The document.'),
      chunk_index: c('integer not null', 'Position of the chunk in the document, from 0.'),
      heading_path: c('text', 'Headings above the chunk, joined by " > ".'),
      start_line: c('integer not null', 'First line (1-based) of the chunk in the document.'),
      end_line: c('integer not null', 'Last line of the chunk.'),
      content: c('text not null', 'Chunk text.'),
      context: c('text', 'Short model-written context situating the chunk (contextual retrieval), if any.'),
      token_count: c('integer', 'Estimated tokens.'),
      tsv: c(
        "tsvector generated always as (to_tsvector('english', coalesce(heading_path, '') || ' ' || coalesce(context, '') || ' ' || content)) stored",
        'Full-text vector of headings, context and content.',
      ),
      created_at: createdAt,
    },
    constraints: ['unique (document_id, chunk_index)'],
    indexes: ['(tenant_id, document_id)', 'using gin (tsv)'],
  },
  kb_terms: {
    comment:
      'Full-text postings of kb_chunks (one row per chunk and stemmed word) for BM25 ranking: under row-level security PostgreSQL cannot use the GIN index for @@, but it can use this btree.',
    columns: {
      tenant_id: tenant,
      collection: c('text not null', 'Collection of the chunk (copied from its document).'),
      lexeme: c('text not null', "Stemmed word, as in the chunk's tsvector (english configuration)."),
      chunk_id: c(
        'uuid not null references kb_chunks(id) on delete cascade',
        'The chunk containing the word.',
      ),
      tf: c('integer not null', 'How many times the word occurs in the chunk.'),
      dl: c('integer not null', 'Length of the chunk (its token_count), for BM25 length normalisation.'),
    },
    constraints: ['primary key (tenant_id, collection, lexeme, chunk_id)'],
    indexes: ['(chunk_id)'],
  },
  embeddings: {
    comment: 'Vectors for search, per collection and model (pgvector where installed, real[] otherwise).',
    columns: {
      id,
      tenant_id: tenant,
      collection: c('text not null', 'Collection (namespace) the vector belongs to.'),
      item_id: c('text not null', 'Id of the embedded item within its collection (e.g. a kb_chunks id).'),
      model: c('text not null', 'Embedding model that produced it.'),
      dims: c('integer not null', 'Number of dimensions.'),
      embedding: c((f) => (f.pgvector ? 'vector not null' : 'real[] not null'), 'The vector.'),
      content_hash: c('text', 'Hash of the embedded text, to skip re-embedding unchanged content.'),
      metadata: c('jsonb', 'Filterable metadata.'),
      created_at: createdAt,
      updated_at: updatedAt,
    },
    constraints: ['unique (tenant_id, collection, model, item_id)'],
    indexes: ['(tenant_id, collection, model)'],
  },
  embedding_versions: {
    comment:
      'A counter per tenant, collection and model, bumped in the same transaction as every change to its embeddings: lets a process that keeps vectors in memory (exact search without pgvector) know cheaply whether they changed.',
    columns: {
      tenant_id: tenant,
      collection: c('text not null', 'Collection (namespace).'),
      model: c('text not null', 'Embedding model.'),
      version: c('bigint not null default 1', 'Increases with every write to these embeddings.'),
      updated_at: updatedAt,
    },
    constraints: ['primary key (tenant_id, collection, model)'],
  },
  health_scores: {
    comment: 'Account health scores over time, with the components that produced them.',
    columns: {
      id,
      tenant_id: tenant,
      account_id: ref('accounts', 'The account.', 'cascade'),
      scored_at: createdAt,
      score: c('real not null', 'Score 0-100 (higher is healthier).'),
      band: c('text not null', 'healthy, watch or at_risk.'),
      components: c('jsonb', 'Signals and their contributions.'),
      model_version: c('text not null', 'Scoring model version.'),
    },
    indexes: ['(tenant_id, account_id, scored_at)'],
  },
  predictions: {
    comment: 'Model predictions (churn, expansion, win) with explanation, and the outcome once known.',
    columns: {
      id,
      tenant_id: tenant,
      kind: c('text not null', 'churn, expansion or win.'),
      subject_type: c('text not null', 'account or opportunity.'),
      subject_id: c('uuid not null', 'The account or opportunity.'),
      predicted_at: createdAt,
      horizon_days: c('integer', 'Prediction horizon in days.'),
      value: c('real not null', 'Probability 0-1.'),
      label: c('text', 'Predicted class.'),
      explanation: c('jsonb', 'Top factors.'),
      model_version: c('text not null', 'Model version.'),
      outcome: c('text', 'What actually happened.'),
      outcome_at: c('timestamptz', 'When the outcome was recorded.'),
    },
    indexes: ['(tenant_id, kind, subject_id)'],
  },
  audit_log: {
    comment: 'Every MCP tool call: who, which tool, a digest of the arguments, outcome and latency.',
    columns: {
      id: c('bigint generated always as identity primary key', 'Sequence number.'),
      tenant_id: tenant,
      at: createdAt,
      server: c('text not null', 'MCP server name.'),
      tool: c('text not null', 'Tool name.'),
      caller: c('text not null', 'Authenticated subject, or local:<user> for stdio.'),
      transport: c('text not null', 'stdio, http or memory.'),
      session_id: c('text', 'MCP session id (HTTP).'),
      argument_digest: c(
        'text not null',
        'SHA-256 of the canonical JSON arguments (arguments are not stored).',
      ),
      outcome: c('text not null', 'ok, error or denied.'),
      error: c('text', 'Error message returned to the caller.'),
      latency_ms: c('integer not null', 'Handler time in milliseconds.'),
    },
    indexes: ['(tenant_id, at)', '(tenant_id, tool, at)'],
  },
};

/** What this migration creates (see `SophiaMigration`). */
export const tables: Record<string, TableSpec> = unifiedModel;

export async function up(db: AnyDb): Promise<void> {
  await sql
    .raw(
      `do $$ begin
         if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           create role ${APP_ROLE} nologin;
         end if;
       exception when duplicate_object or unique_violation then null;
       end $$`,
    )
    .execute(db);
  // Lets a non-superuser owner (managed PostgreSQL) switch to the role with SET LOCAL ROLE.
  await sql
    .raw(
      `do $$ begin
         if not exists (select 1 from pg_roles where rolname = current_user and rolsuper) then
           execute format('grant ${APP_ROLE} to %I', current_user);
         end if;
       end $$`,
    )
    .execute(db);
  await sql.raw(`grant usage on schema public to ${APP_ROLE}`).execute(db);
  const features = await detectFeatures(db);
  await createTables(db, unifiedModel, features);
  await sql.raw(`grant usage on all sequences in schema public to ${APP_ROLE}`).execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await dropTables(db, unifiedModel);
}
