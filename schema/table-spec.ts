import { type Kysely, sql } from 'kysely';

/**
 * A small, declarative table specification: column definitions with their comments, constraints, indexes,
 * partitioning and whether the table is tenant-scoped. Migrations declare tables with it, and it renders
 * the DDL (CREATE TABLE / COMMENT ON / row-level security) identically on PGlite and PostgreSQL.
 */
export interface EngineFeatures {
  /** pgvector is installed: vectors are `vector`, otherwise `real[]`. */
  pgvector: boolean;
  /** pg_trgm is installed: trigram indexes for fuzzy name search. */
  pgTrgm: boolean;
}

export interface ColumnSpec {
  /** SQL type and modifiers, e.g. `text not null`; or a function of the engine's features. */
  type: string | ((f: EngineFeatures) => string);
  comment: string;
}

export interface TableSpec<C extends string = string> {
  comment: string;
  columns: Record<C, ColumnSpec>;
  /** Table constraints, e.g. `primary key (...)`, `unique (...)`. */
  constraints?: string[];
  /** Index definitions after `on <table>`, e.g. `(tenant_id, started_at)` or `using gin (tsv)`. */
  indexes?: Array<string | ((f: EngineFeatures) => string | undefined)>;
  /** `partition by range (column)`; a default partition is created too. */
  partitionBy?: string;
  /** Tenant-scoped tables get row-level security keyed on tenant_id. Default true. */
  tenant?: boolean;
}

/** Any Kysely instance, whatever its table types (migrations and admin helpers work on all). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

export const APP_ROLE = 'sophia_app';
export const TENANT_SETTING = 'sophia.tenant';

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

function indexName(table: string, def: string, i: number): string {
  const cols = def
    .replace(/using \w+/i, '')
    .replace(/where .*/i, '')
    .replace(/[^a-z0-9_]+/gi, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return `${table}_${cols || 'idx'}_${i}_idx`.slice(0, 63);
}

export function renderCreate(name: string, spec: TableSpec, features: EngineFeatures): string[] {
  const cols = Object.entries<ColumnSpec>(spec.columns).map(([col, c]) => {
    const type = typeof c.type === 'function' ? c.type(features) : c.type;
    return `  ${col} ${type}`;
  });
  const body = [...cols, ...(spec.constraints ?? []).map((c) => `  ${c}`)].join(',\n');
  const out = [
    `create table if not exists ${name} (\n${body}\n)${spec.partitionBy ? ` partition by ${spec.partitionBy}` : ''}`,
  ];
  if (spec.partitionBy) {
    out.push(`create table if not exists ${name}_default partition of ${name} default`);
  }
  out.push(`comment on table ${name} is ${q(spec.comment)}`);
  for (const [col, c] of Object.entries<ColumnSpec>(spec.columns)) {
    out.push(`comment on column ${name}.${col} is ${q(c.comment)}`);
  }
  (spec.indexes ?? []).forEach((idx, i) => {
    const def = typeof idx === 'function' ? idx(features) : idx;
    if (!def) return;
    const using = /^using /i.test(def) ? def : `(${def.replace(/^\((.*)\)$/, '$1')})`;
    out.push(`create index if not exists ${indexName(name, def, i)} on ${name} ${using}`);
  });
  if (spec.tenant !== false) {
    out.push(
      `alter table ${name} enable row level security`,
      `alter table ${name} force row level security`,
      `drop policy if exists tenant_isolation on ${name}`,
      `create policy tenant_isolation on ${name} using (tenant_id = current_setting('${TENANT_SETTING}', true)) ` +
        `with check (tenant_id = current_setting('${TENANT_SETTING}', true))`,
    );
  }
  out.push(`grant select, insert, update, delete on ${name} to ${APP_ROLE}`);
  return out;
}

export async function createTables(
  db: AnyDb,
  specs: Record<string, TableSpec>,
  features: EngineFeatures,
): Promise<void> {
  for (const [name, spec] of Object.entries(specs)) {
    for (const stmt of renderCreate(name, spec, features)) {
      await sql.raw(stmt).execute(db);
    }
  }
}

export async function dropTables(db: AnyDb, specs: Record<string, TableSpec>): Promise<void> {
  for (const name of Object.keys(specs).reverse()) {
    await sql.raw(`drop table if exists ${name} cascade`).execute(db);
  }
}

/**
 * Creates the extensions Sophia can use when the server has them and we are allowed to (best effort,
 * outside any transaction). Debian's PostgreSQL 15 has no pgvector package: Sophia works without it.
 */
export async function ensureExtensions(db: AnyDb): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select name from pg_available_extensions
    where name in ('vector', 'pg_trgm') and installed_version is null`.execute(db);
  for (const row of rows) {
    try {
      await sql.raw(`create extension if not exists ${row.name}`).execute(db);
    } catch {
      // no privilege: the feature stays off and detectFeatures says so
    }
  }
}

/** The extensions installed in this database. */
export async function detectFeatures(db: AnyDb): Promise<EngineFeatures> {
  const { rows } = await sql<{ extname: string }>`
    select extname from pg_extension where extname in ('vector', 'pg_trgm')`.execute(db);
  const names = new Set(rows.map((r) => r.extname));
  return { pgvector: names.has('vector'), pgTrgm: names.has('pg_trgm') };
}
