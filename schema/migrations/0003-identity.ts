import {
  type AnyDb,
  type ColumnSpec,
  createTables,
  detectFeatures,
  dropTables,
  type TableSpec,
} from '../table-spec.js';

/**
 * Migration 0003: probabilistic identity resolution (shared/identity). Frozen: typed against its own
 * snapshot of the tables it creates. Probabilistic links themselves live in identity_links (rule
 * 'probabilistic', confidence = match probability, evidence = the per-field explanation); this adds the
 * manual overrides that survive re-runs, the trained model parameters, and cluster membership across tables
 * (a Slack user who is a customer contact and that contact's CRM rows are one person).
 */
interface Columns0003 {
  identity_overrides:
    'id' | 'tenant_id' | 'kind' | 'left_id' | 'right_id' | 'action' | 'reason' | 'actor' | 'created_at';
  identity_models: 'tenant_id' | 'kind' | 'params' | 'summary' | 'trained_at';
  identity_clusters: 'tenant_id' | 'row_id' | 'entity_table' | 'kind' | 'cluster_id' | 'updated_at';
}
type Spec = { [T in keyof Columns0003]: TableSpec<Columns0003[T]> };

const c = (type: ColumnSpec['type'], comment: string): ColumnSpec => ({ type, comment });
const tenant = c(
  'text not null references tenants(id)',
  'Tenant (customer organisation) that owns the row; row-level security keys on it.',
);

const identity: Spec = {
  identity_overrides: {
    comment:
      'Manual identity decisions (merge_identities / split_identities): applied on every identity run, so they survive re-runs.',
    columns: {
      id: c('uuid primary key default gen_random_uuid()', 'Sophia identifier of the row.'),
      tenant_id: tenant,
      kind: c(
        "text not null check (kind in ('person', 'account'))",
        'person (users and contacts) or account.',
      ),
      left_id: c('uuid not null', 'One row (the smaller id of the pair).'),
      right_id: c('uuid not null', 'The other row (the larger id of the pair).'),
      action: c(
        "text not null check (action in ('merge', 'split'))",
        'merge: always the same entity; split: never in the same cluster.',
      ),
      reason: c('text', 'Why, in the words of whoever decided.'),
      actor: c('text not null', 'Who decided (the MCP caller).'),
      created_at: c('timestamptz not null default now()', 'When the decision was made.'),
    },
    constraints: ['unique (tenant_id, left_id, right_id)', 'check (left_id < right_id)'],
  },
  identity_models: {
    comment:
      'The trained Fellegi-Sunter model per kind: m and u per comparison level, prior, blocking statistics.',
    columns: {
      tenant_id: tenant,
      kind: c('text not null', 'person or account.'),
      params: c('jsonb not null', 'Model parameters (fields, levels, m, u, prior, rules).'),
      summary: c('jsonb not null', 'What the last run did: pairs compared, links, clusters, timings.'),
      trained_at: c('timestamptz not null default now()', 'When the model was trained.'),
    },
    constraints: ['primary key (tenant_id, kind)'],
  },
  identity_clusters: {
    comment:
      'Cluster membership across tables: every user, contact and account row and the cluster (real-world entity) it belongs to.',
    columns: {
      tenant_id: tenant,
      row_id: c('uuid not null', 'The users, contacts or accounts row.'),
      entity_table: c(
        "text not null check (entity_table in ('users', 'contacts', 'accounts'))",
        'Table of the row.',
      ),
      kind: c('text not null', 'person or account.'),
      cluster_id: c(
        'uuid not null',
        'The cluster: the id of its first member (contacts before users, then by source and source id).',
      ),
      updated_at: c('timestamptz not null default now()', 'When the membership last changed.'),
    },
    constraints: ['primary key (tenant_id, row_id)'],
    indexes: ['(tenant_id, cluster_id)'],
  },
};

/** What this migration creates (see `SophiaMigration`). */
export const tables: Record<string, TableSpec> = identity;

export async function up(db: AnyDb): Promise<void> {
  await createTables(db, identity, await detectFeatures(db));
}

export async function down(db: AnyDb): Promise<void> {
  await dropTables(db, identity);
}
