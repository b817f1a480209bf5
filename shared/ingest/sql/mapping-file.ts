import { sql } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { SophiaDatabase } from '../../db/database.js';
import {
  CHILD_ENTITIES,
  compileMapper,
  entityColumns,
  MAPPED_ENTITIES,
  type MappingRule,
} from '../mapper.js';
import { TRANSFORMS } from '../transforms.js';
import type { EntityName } from '../types.js';

/**
 * The mapping file of `sophia ingest sql`: which query column fills which canonical field of the entity,
 * through which named transform (shared/ingest/transforms.ts). It is turned into `source_mappings` rows for
 * source `sql`, stream `<entity>`, so the one Mapper lands SQL rows like any other source's records.
 *
 *   # contacts.yaml
 *   id: contact_id                  # the primary key column -> source_id (required)
 *   cursor: updated_at              # optional: the record cursor (newest wins); --cursor names the column
 *   columns:
 *     email: { field: email, transform: email }
 *     phone: { field: phone, transform: e164, args: { region: US } }
 *     name: full_name               # shorthand: column -> field, transform chosen by the column's type
 *     account_key: { field: account_id, transform: reference, args: { entity: accounts } }
 *     first: [ { field: first_name }, { field: full_name, priority: 200 } ]   # one column, several fields
 *
 * `entity` may repeat --entity; it must agree. A shorthand (or a spec without `transform`) picks the
 * transform from the target column's type: timestamp -> timestamp, boolean -> boolean, integer -> integer,
 * number -> number, date -> date, json -> json, and email/phone/domain columns -> email/e164/domain.
 */

const fieldSpec = z.strictObject({
  field: z.string().min(1),
  transform: z.string().min(1).optional(),
  args: z.unknown().optional(),
  priority: z.number().int().optional(),
  notes: z.string().optional(),
});
const columnSpec = z.union([
  z.string().min(1),
  fieldSpec,
  z.array(z.union([z.string().min(1), fieldSpec])).min(1),
]);

const fileSchema = z.strictObject({
  entity: z.string().optional(),
  id: z.string().min(1),
  cursor: z
    .union([z.string().min(1), fieldSpec.omit({ field: true }).extend({ column: z.string().min(1) })])
    .optional(),
  columns: z.record(z.string().min(1), columnSpec).default({}),
  notes: z.string().optional(),
});

export type SqlMappingFile = z.infer<typeof fileSchema>;

export class SqlMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlMappingError';
  }
}

/** Entities a SQL query can fill: the top-level unified entities (child rows need a parent record). */
export function sqlEntities(): string[] {
  return MAPPED_ENTITIES.filter((e) => !CHILD_ENTITIES[e]);
}

export function checkSqlEntity(entity: string): EntityName {
  if (!sqlEntities().includes(entity))
    throw new SqlMappingError(
      `--entity '${entity}' is not an entity SQL rows can fill: use one of ${sqlEntities().join(', ')}`,
    );
  return entity as EntityName;
}

/** The transform a column gets when the mapping does not name one. */
export function defaultTransform(entity: string, field: string): string {
  if (field === 'source_id') return 'id';
  if (field === 'email') return 'email';
  if (field === 'phone') return 'e164';
  if (field === 'domain') return 'domain';
  const info = entityColumns(entity)?.get(field);
  switch (info?.kind) {
    case 'timestamp':
      return 'timestamp';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'json':
      return 'json';
    default:
      return 'text';
  }
}

/** The transform of the `_cursor` mapping for a cursor column of a PostgreSQL type (by type oid). */
export function cursorTransformForType(oid: number | undefined): string {
  if (oid === 1114 || oid === 1184) return 'timestamp';
  if (oid === 1082) return 'date';
  // integers as text would compare "9" > "10"; integer keeps them numbers, normalised to text by the mapper
  if (oid === 20 || oid === 21 || oid === 23) return 'integer';
  if (oid === 1700 || oid === 700 || oid === 701) return 'number';
  return 'text';
}

/** Parses and checks a mapping file; returns the source_mappings rules for source sql, stream <entity>. */
export function parseSqlMapping(
  text: string,
  options: {
    entity: string;
    file?: string | undefined;
    cursorColumn?: string | undefined;
    /** The transform of the `_cursor` mapping when the file names none: fixed, or by the cursor column. */
    cursorTransform?: string | ((column: string) => string);
  },
): MappingRule[] {
  const where = options.file ?? 'the mapping file';
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new SqlMappingError(
      `${where} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success)
    throw new SqlMappingError(
      `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`,
    );
  const file = parsed.data;
  const entity = checkSqlEntity(options.entity);
  if (file.entity && file.entity !== entity)
    throw new SqlMappingError(`${where} is for entity '${file.entity}', but --entity is '${entity}'`);
  const rules: MappingRule[] = [];
  const rule = (
    column: string,
    field: string,
    spec: {
      transform?: string | undefined;
      args?: unknown;
      priority?: number | undefined;
      notes?: string | undefined;
    },
  ) =>
    rules.push({
      source: 'sql',
      stream: entity,
      sourcePath: column,
      entity,
      field,
      transform: spec.transform ?? defaultTransform(entity, field),
      transformArgs: spec.args ?? null,
      priority: spec.priority ?? 100,
      active: true,
      notes: spec.notes ?? `from ${where}`,
    });
  rule(file.id, 'source_id', {});
  const cursorColumn =
    options.cursorColumn ?? (typeof file.cursor === 'string' ? file.cursor : file.cursor?.column);
  if (cursorColumn) {
    const spec: { transform?: string | undefined; args?: unknown } =
      typeof file.cursor === 'object' ? file.cursor : {};
    rule(cursorColumn, '_cursor', {
      ...spec,
      transform:
        spec.transform ??
        (typeof options.cursorTransform === 'function'
          ? options.cursorTransform(cursorColumn)
          : options.cursorTransform) ??
        'text',
    });
  }
  const columns = entityColumns(entity)!;
  for (const [column, specs] of Object.entries(file.columns)) {
    for (const s of Array.isArray(specs) ? specs : [specs]) {
      const spec = typeof s === 'string' ? { field: s } : s;
      if (!columns.has(spec.field) || spec.field === 'source_id')
        throw new SqlMappingError(
          `${where}: column '${column}' maps to '${spec.field}', which is not a field of ${entity} ` +
            `(fields: ${[...columns.keys()].filter((c) => !['id', 'tenant_id', 'source', 'source_id', 'created_at', 'updated_at', 'canonical_id'].includes(c)).join(', ')})`,
        );
      if (spec.transform && !TRANSFORMS[spec.transform])
        throw new SqlMappingError(
          `${where}: column '${column}': unknown transform '${spec.transform}' (known: ${Object.keys(TRANSFORMS).join(', ')})`,
        );
      rule(column, spec.field, spec);
    }
  }
  // the mapper's own checks: transform arguments, required fields, references
  try {
    compileMapper(rules);
  } catch (err) {
    throw new SqlMappingError(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return rules;
}

/**
 * Rules from the query's own column names, for a run without a mapping file: a column named like a field
 * of the entity fills it (transform by type), `source_id` is the key.
 */
export function mappingFromColumns(
  columns: string[],
  options: {
    entity: string;
    cursorColumn?: string | undefined;
    cursorTransform?: string | ((column: string) => string);
  },
): MappingRule[] {
  const entity = checkSqlEntity(options.entity);
  if (!columns.includes('source_id'))
    throw new SqlMappingError(
      `the query has no source_id column: alias the primary key "as source_id" or pass --mapping FILE`,
    );
  const fields = entityColumns(entity)!;
  const mapped = columns.filter(
    (c) =>
      c !== 'source_id' &&
      fields.has(c) &&
      !['id', 'tenant_id', 'source', 'created_at', 'updated_at', 'canonical_id'].includes(c),
  );
  const doc = {
    id: 'source_id',
    ...(options.cursorColumn ? { cursor: options.cursorColumn } : {}),
    columns: Object.fromEntries(mapped.map((c) => [c, c])),
  };
  return parseSqlMapping(JSON.stringify(doc), { ...options, file: 'the query columns' });
}

/**
 * Replaces the `source_mappings` rows of source sql, stream <entity> with `rules` (one transaction,
 * tenant-scoped), so the mapper loaded for the run reads them. Returns how many rows were written.
 *
 * Ownership (shared/ingest/dictionary.ts): a row with `updated_at = created_at` belongs to the reviewed
 * dictionary files, and the dictionary sync retires such rows when the files do not list them. These rows
 * belong to the mapping file of `sophia ingest sql`, not to the dictionary files, so they are written with
 * `updated_at` at least a millisecond after `created_at` (ownership is compared in milliseconds): the dictionary
 * sync leaves them alone, and the data-dictionary server can still edit them.
 */
export async function syncSqlMappings(
  db: SophiaDatabase,
  tenant: string,
  entity: string,
  rules: MappingRule[],
): Promise<number> {
  return db.withTenant(tenant, async (trx) => {
    await sql`delete from source_mappings where source = 'sql' and stream = ${entity}`.execute(trx);
    for (const r of rules)
      await sql`insert into source_mappings
          (tenant_id, source, stream, source_path, entity, field, transform, transform_args, priority, active, notes,
           created_at, updated_at)
        values (${tenant}, 'sql', ${entity}, ${r.sourcePath}, ${r.entity}, ${r.field}, ${r.transform},
          ${r.transformArgs === null || r.transformArgs === undefined ? null : JSON.stringify(r.transformArgs)}::jsonb,
          ${r.priority}, true, ${r.notes ?? null}, now(), greatest(clock_timestamp(), now() + interval '1 millisecond'))`.execute(
        trx,
      );
    return rules.length;
  });
}

/**
 * The stored mapping of source sql, stream <entity> (what a run without --mapping uses): how many active
 * rows, and the column of its `_cursor` mapping.
 */
export async function storedSqlMapping(
  db: SophiaDatabase,
  tenant: string,
  entity: string,
): Promise<{ active: number; cursorColumn: string | null }> {
  return db.withTenant(
    tenant,
    async (trx) => {
      const { rows } = await sql<{ n: string; cursor: string | null }>`
        select count(*)::text as n,
               (array_agg(source_path order by priority) filter (where field = '_cursor'))[1] as cursor
          from source_mappings where source = 'sql' and stream = ${entity} and active`.execute(trx);
      return { active: Number(rows[0]?.n ?? 0), cursorColumn: rows[0]?.cursor ?? null };
    },
    { readOnly: true },
  );
}
