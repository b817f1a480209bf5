import { type RawBuilder, sql } from 'kysely';
import type { FilterNode, Scalar } from './filter.js';

/** Compiles a filter tree to SQL over the jsonb `metadata` column (same semantics as `matches`). */
export function filterToSql(node: FilterNode, column = sql.ref('metadata')): RawBuilder<boolean> {
  if (node.kind !== 'cmp') {
    const parts = node.children.map((c) => filterToSql(c, column));
    return sql<boolean>`(${sql.join(parts, node.kind === 'and' ? sql` and ` : sql` or `)})`;
  }
  const field = sql`(${column} -> ${node.field})`;
  const has = (v: Scalar) => sql<boolean>`coalesce(${field} @> ${JSON.stringify(v)}::jsonb, false)`;
  switch (node.op) {
    case '$eq':
      return has(node.value as Scalar);
    case '$ne':
      return sql<boolean>`not ${has(node.value as Scalar)}`;
    case '$in':
      return sql<boolean>`(${sql.join((node.value as Scalar[]).map(has), sql` or `)})`;
    case '$nin':
      return sql<boolean>`not (${sql.join((node.value as Scalar[]).map(has), sql` or `)})`;
    default: {
      const op = sql.raw(
        ({ $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as Record<string, string>)[node.op]!,
      );
      return sql<boolean>`(case when jsonb_typeof(${field}) = 'number' then (${column} ->> ${node.field})::float8 ${op} ${node.value as number} else false end)`;
    }
  }
}
