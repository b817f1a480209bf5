import {
  type AnyDb,
  type ColumnSpec,
  createTables,
  detectFeatures,
  dropTables,
  type TableSpec,
} from '../table-spec.js';

/**
 * Migration 0004: customer 360 (issue 10, parts 2-4). Health score history and churn predictions already
 * live in 0001's `health_scores` and `predictions`; this adds what they need beside them:
 *  - `interaction_signals`: per-interaction signals attributed to an account (a call's customer-side
 *    sentiment, a Slack message that names the account, a support case), derived after ingestion by the
 *    `health` stage, incrementally (an interaction already scored is not scored again);
 *  - `churn_models`: each trained churn model (learner, features, standardisation, weights or trees) with its
 *    time-split evaluation, so predictions cite the model that made them and `sophia churn eval` is repeatable.
 *
 * Frozen: typed against its own snapshot of the columns it creates.
 */
interface Columns0004 {
  interaction_signals:
    | 'tenant_id'
    | 'kind'
    | 'item_id'
    | 'account_id'
    | 'occurred_at'
    | 'sentiment'
    | 'negative'
    | 'escalation'
    | 'evidence'
    | 'computed_at';
  churn_models:
    | 'id'
    | 'tenant_id'
    | 'model_version'
    | 'learner'
    | 'trained_at'
    | 'as_of'
    | 'horizon_days'
    | 'features'
    | 'model'
    | 'metrics'
    | 'threshold';
}
type Spec = { [T in keyof Columns0004]: TableSpec<Columns0004[T]> };

const c = (type: ColumnSpec['type'], comment: string): ColumnSpec => ({ type, comment });
const tenant = c(
  'text not null references tenants(id)',
  'Tenant (customer organisation) that owns the row; row-level security keys on it.',
);

const customerTables: Spec = {
  interaction_signals: {
    comment:
      'Signals derived from one interaction and attributed to an account (customer-side call sentiment, Slack messages naming the account, support cases), computed after ingestion by the health stage.',
    columns: {
      tenant_id: tenant,
      kind: c('text not null', 'call, slack or case: which table item_id points into.'),
      item_id: c('uuid not null', 'The calls, slack_messages or activities row.'),
      account_id: c(
        'uuid not null references accounts(id) on delete cascade',
        'The resolved account (its canonical accounts row).',
      ),
      occurred_at: c('timestamptz not null', 'When the interaction happened.'),
      sentiment: c(
        'real',
        'AFINN sentiment of the customer side, per word (-5..5; about -0.5 is clearly negative); null when there is no text.',
      ),
      negative: c(
        'boolean not null default false',
        'The interaction reads as negative (sentiment below the cut).',
      ),
      escalation: c(
        'boolean not null default false',
        'An escalation: a high-priority or escalated case, or a Slack message in an escalation channel or with risk words.',
      ),
      evidence: c('text', 'A short quote or subject that shows the signal.'),
      computed_at: c('timestamptz not null default now()', 'When the signal was derived.'),
    },
    constraints: ['primary key (tenant_id, kind, item_id, account_id)'],
    indexes: ['(tenant_id, account_id, occurred_at)'],
  },
  churn_models: {
    comment:
      'Trained churn models: learner, feature standardisation and weights, and the time-split evaluation (AUC, precision, recall, calibration).',
    columns: {
      id: c('uuid primary key default gen_random_uuid()', 'Sophia identifier of the row.'),
      tenant_id: tenant,
      model_version: c('text not null', 'Version label, cited by predictions.model_version.'),
      learner: c('text not null', 'Learner, e.g. logistic-regression (ml-logistic-regression).'),
      trained_at: c('timestamptz not null default now()', 'When the model was trained.'),
      as_of: c(
        'timestamptz not null',
        'The latest data the model was trained on (features as of this time).',
      ),
      horizon_days: c('integer not null', 'Churn within this many days after the snapshot is the label.'),
      features: c(
        'jsonb not null',
        'Feature names with mean and standard deviation used to standardise them.',
      ),
      model: c('jsonb not null', 'The serialised learner (weights or trees).'),
      metrics: c(
        'jsonb',
        'Time-split evaluation: cut-off, sizes, AUC, accuracy, precision, recall, calibration.',
      ),
      threshold: c('real not null', 'Probability at or above which an account is called at risk.'),
    },
    indexes: ['(tenant_id, trained_at)'],
  },
};

/** What this migration creates (see `SophiaMigration`). */
export const tables: Record<string, TableSpec> = customerTables;

export async function up(db: AnyDb): Promise<void> {
  await createTables(db, customerTables, await detectFeatures(db));
}

export async function down(db: AnyDb): Promise<void> {
  await dropTables(db, customerTables);
}
