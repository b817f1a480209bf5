import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import type { SophiaDatabase } from './database.js';

/**
 * The live schema, read from the PostgreSQL catalog: tables (not partitions, not the migration bookkeeping),
 * their columns, types, nullability, defaults and comments, and row counts as the tenant sees them.
 */
export interface LiveColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
}

export interface LiveTable {
  name: string;
  comment: string | null;
  partitioned: boolean;
  rowSecurity: boolean;
  columns: LiveColumn[];
}

export async function readLiveSchema(sophia: SophiaDatabase): Promise<LiveTable[]> {
  const { rows } = await sql<{
    table_name: string;
    table_comment: string | null;
    partitioned: boolean;
    rls: boolean;
    column_name: string;
    data_type: string;
    not_null: boolean;
    column_default: string | null;
    column_comment: string | null;
  }>`
    select c.relname as table_name,
           obj_description(c.oid, 'pg_class') as table_comment,
           c.relkind = 'p' as partitioned,
           c.relrowsecurity as rls,
           a.attname as column_name,
           format_type(a.atttypid, a.atttypmod) as data_type,
           a.attnotnull as not_null,
           pg_get_expr(d.adbin, d.adrelid) as column_default,
           col_description(c.oid, a.attnum) as column_comment
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname not like 'kysely\\_%'
    order by c.relname, a.attnum`.execute(sophia.db);
  const tables = new Map<string, LiveTable>();
  for (const r of rows) {
    let t = tables.get(r.table_name);
    if (!t) {
      t = {
        name: r.table_name,
        comment: r.table_comment,
        partitioned: r.partitioned,
        rowSecurity: r.rls,
        columns: [],
      };
      tables.set(r.table_name, t);
    }
    t.columns.push({
      name: r.column_name,
      type: r.data_type,
      nullable: !r.not_null,
      default: r.column_default,
      comment: r.column_comment,
    });
  }
  return [...tables.values()];
}

export interface RowCount {
  count: number;
  exact: boolean;
}

/**
 * Row counts of `tables` as `tenant` sees them (row-level security applies). Exact counts are bounded by a
 * statement timeout; a table too big to count in time gets the planner's estimate, flagged as such.
 */
export async function countRows(
  sophia: SophiaDatabase,
  tenant: string,
  tables: string[],
  timeoutMs = 3000,
): Promise<Map<string, RowCount>> {
  const counts = new Map<string, RowCount>();
  for (const table of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) continue;
    try {
      const n = await sophia.withTenant(
        tenant,
        async (trx: Transaction<Database>) => {
          await sql.raw(`set local statement_timeout = ${Math.max(100, Math.floor(timeoutMs))}`).execute(trx);
          const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(
            trx,
          );
          return Number(rows[0]?.n ?? 0);
        },
        { readOnly: true },
      );
      counts.set(table, { count: n, exact: true });
    } catch (err) {
      if ((err as { code?: string }).code !== '57014') throw err;
      const { rows } = await sql<{ n: number }>`
        select greatest(c.reltuples, 0)::bigint as n from pg_class c
        join pg_namespace ns on ns.oid = c.relnamespace
        where ns.nspname = 'public' and c.relname = ${table}`.execute(sophia.db);
      counts.set(table, { count: Number(rows[0]?.n ?? 0), exact: false });
    }
  }
  return counts;
}
