import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** The tables of migration 0004 (schema/migrations/0004-customer.ts): customer 360, health and churn. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, T | string, T | string>;

export interface InteractionSignalsTable {
  tenant_id: string;
  kind: string;
  item_id: string;
  account_id: string;
  occurred_at: Timestamp;
  sentiment: number | null;
  negative: Generated<boolean>;
  escalation: Generated<boolean>;
  evidence: string | null;
  computed_at: Generated<Date>;
}

export interface ChurnModelsTable {
  id: Generated<string>;
  tenant_id: string;
  model_version: string;
  learner: string;
  trained_at: Generated<Date>;
  as_of: Timestamp;
  horizon_days: number;
  features: Json;
  model: Json;
  metrics: Json | null;
  threshold: number;
}

export interface CustomerTables {
  interaction_signals: InteractionSignalsTable;
  churn_models: ChurnModelsTable;
}
