import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Tables of migration 0003-identity (probabilistic identity resolution). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = JSONColumnType<
  Record<string, unknown>,
  Record<string, unknown> | string,
  Record<string, unknown> | string
>;

export interface IdentityOverridesTable {
  id: Generated<string>;
  tenant_id: string;
  kind: 'person' | 'account';
  left_id: string;
  right_id: string;
  action: 'merge' | 'split';
  reason: string | null;
  actor: string;
  created_at: CreatedAt;
}

export interface IdentityModelsTable {
  tenant_id: string;
  kind: string;
  params: Json;
  summary: Json;
  trained_at: UpdatedAt;
}

export interface IdentityClustersTable {
  tenant_id: string;
  row_id: string;
  entity_table: 'users' | 'contacts' | 'accounts';
  kind: string;
  cluster_id: string;
  updated_at: UpdatedAt;
}

export interface IdentityTables {
  identity_overrides: IdentityOverridesTable;
  identity_models: IdentityModelsTable;
  identity_clusters: IdentityClustersTable;
}
