import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import type { Database, NewRow } from '../../schema/database.js';
import type { SophiaDatabase } from '../db/database.js';
import { createLogger } from '../log/logger.js';
import { canonicalJson } from '../util/canonical-json.js';
import { compileMapper, entityColumns, MAPPED_ENTITIES, type MappingRule, PSEUDO_FIELDS } from './mapper.js';
import { parseTransformArgs } from './transforms.js';
import type { Mapper } from './types.js';
import {
  compileValidator,
  type PiiClass,
  RULE_TYPES,
  type SetRule,
  setBasedRules,
  type ValidationRule,
} from './validate.js';
import type { Validator } from './types.js';

/**
 * The data dictionary: reviewed YAML files in this folder (fields.yaml, mappings/*.yaml, rules.yaml) and the
 * tables they seed (dictionary_fields, source_mappings, validation_rules). Ingestion reads the TABLES
 * (`loadMapper`, `loadValidator`); the files are their reviewed origin, synced with `syncDictionary`.
 *
 * Who owns a row (so a later edit in the database, e.g. by the data-dictionary server, is never clobbered
 * silently):
 *  - dictionary_fields: rows with `updated_by = 'files'` belong to the files; any other updated_by means
 *    someone edited the row and sync leaves it alone.
 *  - source_mappings and validation_rules have no updated_by column: a row belongs to the files while
 *    `updated_at = created_at`: sync inserts rows with both set to now() and, when it changes a row, sets
 *    updated_at back to created_at; any other writer bumps updated_at (every writer must), and from then on
 *    sync leaves the row alone. (So for files-owned rows updated_at says nothing about when the files last
 *    changed them; the files' git history does.)
 *  - A files-owned row whose entry left the files is retired (mappings and rules: active = false; fields:
 *    status = deprecated), not deleted: violations and history keep pointing at it.
 *  - Rows edited in the database that differ from the files are reported in `SyncReport.kept`; with
 *    `{ force: true }` the files win everywhere.
 * Re-running sync on unchanged files changes nothing. Two processes syncing a new tenant at once do not
 * collide: inserts skip rows the other one inserted first.
 */

/**
 * The reviewed dictionary files: `schema/dictionary/` of the project this module belongs to, found by walking
 * up from the module (shared/ingest/ in the source tree, dist/shared/ingest/ when compiled).
 */
export const DICTIONARY_DIR = findDictionaryDir(dirname(fileURLToPath(import.meta.url)));

function findDictionaryDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'schema', 'dictionary');
    if (existsSync(join(candidate, 'fields.yaml'))) return candidate;
    if (dirname(dir) === dir)
      throw new Error(
        `the data dictionary files (schema/dictionary/fields.yaml) were not found above ${from}`,
      );
  }
}

/**
 * Brings the tenant's dictionary tables (canonical fields, source mappings, validation rules) up to date
 * with the reviewed files, as every ingest command does first; rows edited in the database are kept
 * (logged on stderr and returned).
 */
export async function syncDictionaryFiles(db: SophiaDatabase, tenant: string): Promise<string[]> {
  const report = await db.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
  for (const row of report.kept) logger.info('kept a dictionary row edited in the database', { row });
  return report.kept;
}
const logger = createLogger('dictionary');

export const FILES_AUTHOR = 'files';

export class DictionaryFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'DictionaryFileError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// File schemas

const DATA_TYPES = [
  'text',
  'email',
  'phone',
  'url',
  'domain',
  'integer',
  'number',
  'boolean',
  'timestamp',
  'date',
  'json',
  'reference',
] as const;
const PII = ['none', 'contact', 'sensitive'] as const;

const fieldEntry = z.strictObject({
  type: z.enum(DATA_TYPES),
  description: z.string().min(1),
  pii: z.enum(PII).default('none'),
  format: z.string().optional(),
  example: z.union([z.string(), z.number(), z.boolean()]).optional(),
  core: z.boolean().default(false),
  status: z.enum(['draft', 'approved', 'deprecated']).default('approved'),
});
const fieldsFile = z.strictObject({
  entities: z.record(
    z.string(),
    z.strictObject({ description: z.string().optional(), fields: z.record(z.string(), fieldEntry) }),
  ),
});

const pathSpec = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const mappingObject = z.strictObject({
  path: pathSpec,
  transform: z.string().default('text'),
  args: z.unknown().optional(),
  priority: z.number().int().optional(),
  notes: z.string().optional(),
  active: z.boolean().default(true),
});
const mappingSpec = z.union([z.string().min(1), mappingObject]);
const mappingsFile = z.strictObject({
  source: z.enum(['gong', 'salesforce', 'hubspot', 'slack', 'sql']),
  streams: z.record(
    z.string(),
    z.strictObject({
      entity: z.string(),
      notes: z.string().optional(),
      map: z.record(z.string(), z.union([mappingSpec, z.array(mappingSpec).min(1)])),
    }),
  ),
});

const rulesFile = z.strictObject({
  rules: z.array(
    z.strictObject({
      key: z.string().regex(/^[a-z_]+\.[a-z_]+\.[a-z_]+$/, 'keys look like entity.field.kind'),
      entity: z.string(),
      field: z.string().nullable().optional(),
      type: z.enum(RULE_TYPES as [string, ...string[]]),
      params: z.record(z.string(), z.unknown()).optional(),
      severity: z.enum(['error', 'warning', 'info']).default('warning'),
      description: z.string().min(1),
      active: z.boolean().default(true),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Reading the files

export interface FieldDefinition {
  entity: string;
  field: string;
  dataType: string;
  description: string;
  piiClass: PiiClass;
  format: string | null;
  example: string | null;
  isCore: boolean;
  status: string;
}

export interface DictionaryFiles {
  fields: FieldDefinition[];
  mappings: MappingRule[];
  rules: ValidationRule[];
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: 1000 });
  } catch (err) {
    if (err instanceof YAMLParseError)
      throw new DictionaryFileError(file, [`not valid YAML: ${err.message}`]);
    throw err;
  }
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
}

function parseFile<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(readYaml(file));
  if (!parsed.success) throw new DictionaryFileError(file, zodProblems(parsed.error));
  return parsed.data;
}

/** Reads and checks the dictionary files; any problem is a DictionaryFileError naming the file and entry. */
export function readDictionary(dir: string = DICTIONARY_DIR): DictionaryFiles {
  const fieldsPath = join(dir, 'fields.yaml');
  const f = parseFile(fieldsPath, fieldsFile);
  const fields: FieldDefinition[] = [];
  const problems: string[] = [];
  for (const [entity, def] of Object.entries(f.entities)) {
    const columns = entityColumns(entity);
    if (!columns) {
      problems.push(`entities.${entity}: not an entity ingestion fills (${MAPPED_ENTITIES.join(', ')})`);
      continue;
    }
    for (const [field, e] of Object.entries(def.fields)) {
      if (!columns.has(field) && field !== 'source_id')
        problems.push(`entities.${entity}.fields.${field}: ${entity} has no column ${field}`);
      fields.push({
        entity,
        field,
        dataType: e.type,
        description: e.description.trim(),
        piiClass: e.pii,
        format: e.format ?? null,
        example: e.example === undefined ? null : String(e.example),
        isCore: e.core,
        status: e.status,
      });
    }
  }
  if (problems.length) throw new DictionaryFileError(fieldsPath, problems);
  const known = new Set(fields.map((x) => `${x.entity}.${x.field}`));

  const mappings: MappingRule[] = [];
  const mappingDir = join(dir, 'mappings');
  for (const name of readdirSync(mappingDir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const file = join(mappingDir, name);
    const m = parseFile(file, mappingsFile);
    const fileProblems: string[] = [];
    const seen = new Set<string>();
    for (const [stream, s] of Object.entries(m.streams)) {
      if (!entityColumns(s.entity))
        fileProblems.push(`streams.${stream}.entity: unknown entity '${s.entity}'`);
      for (const [target, specs] of Object.entries(s.map)) {
        const where = `streams.${stream}.map.${target}`;
        const dot = target.indexOf('.');
        const entity = dot >= 0 ? target.slice(0, dot) : s.entity;
        const field = dot >= 0 ? target.slice(dot + 1) : target;
        if (!PSEUDO_FIELDS.has(field) && !known.has(`${entity}.${field}`))
          fileProblems.push(`${where}: ${entity}.${field} is not a field of the dictionary (fields.yaml)`);
        const list = Array.isArray(specs) ? specs : [specs];
        list.forEach((spec, i) => {
          const o = typeof spec === 'string' ? { path: spec, transform: 'text', active: true } : spec;
          const sourcePath = Array.isArray(o.path) ? o.path.join(', ') : o.path;
          const args = 'args' in o ? o.args : undefined;
          const checked = parseTransformArgs(o.transform, args);
          if (!checked.ok)
            fileProblems.push(`${where}${list.length > 1 ? `[${i}]` : ''}: ${checked.message}`);
          const key = `${stream}\u0000${sourcePath}\u0000${entity}\u0000${field}`;
          if (seen.has(key))
            fileProblems.push(`${where}: the path ${sourcePath} is mapped to ${entity}.${field} twice`);
          seen.add(key);
          mappings.push({
            source: m.source,
            stream,
            sourcePath,
            entity,
            field,
            transform: o.transform,
            transformArgs: args ?? null,
            priority: ('priority' in o ? o.priority : undefined) ?? 100 * (i + 1),
            active: o.active,
            notes:
              ('notes' in o ? o.notes : undefined) ??
              (i === 0 && field === 'source_id' ? (s.notes ?? null) : null),
          });
        });
      }
    }
    if (fileProblems.length) throw new DictionaryFileError(file, fileProblems);
    // The mapper's own checks (entities, columns, array contexts, keys), per file.
    try {
      compileMapper(mappings.filter((r) => r.source === m.source));
    } catch (err) {
      throw new DictionaryFileError(file, [err instanceof Error ? err.message : String(err)]);
    }
  }

  const rulesPath = join(dir, 'rules.yaml');
  const r = parseFile(rulesPath, rulesFile);
  const rules: ValidationRule[] = r.rules.map((x) => ({
    ruleKey: x.key,
    entity: x.entity,
    field: x.field ?? null,
    ruleType: x.type,
    params: x.params ?? null,
    severity: x.severity,
    description: x.description.trim(),
    active: x.active,
  }));
  const keys = new Set<string>();
  const ruleProblems: string[] = [];
  for (const rule of rules) {
    if (keys.has(rule.ruleKey)) ruleProblems.push(`rule ${rule.ruleKey}: the key is used twice`);
    keys.add(rule.ruleKey);
    if (rule.field && !known.has(`${rule.entity}.${rule.field}`))
      ruleProblems.push(
        `rule ${rule.ruleKey}: ${rule.entity}.${rule.field} is not a field of the dictionary`,
      );
  }
  if (ruleProblems.length) throw new DictionaryFileError(rulesPath, ruleProblems);
  try {
    compileValidator(rules);
    setBasedRules(rules);
  } catch (err) {
    throw new DictionaryFileError(rulesPath, [err instanceof Error ? err.message : String(err)]);
  }
  return { fields, mappings, rules };
}

// ---------------------------------------------------------------------------------------------------------
// Syncing files -> tables

export interface SyncCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  retired: number;
}

export interface SyncReport {
  fields: SyncCounts;
  mappings: SyncCounts;
  rules: SyncCounts;
  /** Rows edited in the database that differ from the files and were left as they are. */
  kept: string[];
}

const counts = (): SyncCounts => ({ inserted: 0, updated: 0, unchanged: 0, retired: 0 });
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const parseJson = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/**
 * Upserts the dictionary files into dictionary_fields, source_mappings and validation_rules of `tenantId`.
 * `db` is a transaction from `withTenant(tenantId, ...)` (row-level security applies). Idempotent; rows edited
 * in the database are kept (see the module comment) unless `force`.
 */
export async function syncDictionary(
  db: Kysely<Database>,
  tenantId: string,
  options: { files?: DictionaryFiles; force?: boolean } = {},
): Promise<SyncReport> {
  const files = options.files ?? readDictionary();
  const force = options.force ?? false;
  const report: SyncReport = { fields: counts(), mappings: counts(), rules: counts(), kept: [] };

  // dictionary_fields
  const existingFields = await db
    .selectFrom('dictionary_fields')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .execute();
  const fieldRows = new Map(existingFields.map((r) => [`${r.entity}.${r.field}`, r]));
  const wantedFields = new Set<string>();
  const newFields: NewRow<'dictionary_fields'>[] = [];
  for (const f of files.fields) {
    const k = `${f.entity}.${f.field}`;
    wantedFields.add(k);
    const content = {
      data_type: f.dataType,
      description: f.description,
      pii_class: f.piiClass,
      format: f.format,
      example: f.example,
      is_core: f.isCore,
      status: f.status,
    };
    const row = fieldRows.get(k);
    if (!row) {
      newFields.push({
        tenant_id: tenantId,
        entity: f.entity,
        field: f.field,
        ...content,
        updated_by: FILES_AUTHOR,
      });
      report.fields.inserted++;
      continue;
    }
    const current = {
      data_type: row.data_type,
      description: row.description,
      pii_class: row.pii_class,
      format: row.format,
      example: row.example,
      is_core: row.is_core,
      status: row.status,
    };
    if (same(current, content)) {
      report.fields.unchanged++;
      continue;
    }
    if (row.updated_by !== FILES_AUTHOR && !force) {
      report.kept.push(`dictionary_fields ${k} (edited by ${row.updated_by ?? 'unknown'})`);
      continue;
    }
    await db
      .updateTable('dictionary_fields')
      .set({ ...content, version: row.version + 1, updated_by: FILES_AUTHOR, updated_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
    report.fields.updated++;
  }
  for (const chunk of chunks(newFields))
    await db
      .insertInto('dictionary_fields')
      .values(chunk)
      .onConflict((oc) => oc.columns(['tenant_id', 'entity', 'field']).doNothing())
      .execute();
  for (const [k, row] of fieldRows) {
    if (wantedFields.has(k) || row.status === 'deprecated') continue;
    if (row.updated_by !== FILES_AUTHOR && !force) continue;
    await db
      .updateTable('dictionary_fields')
      .set({
        status: 'deprecated',
        version: row.version + 1,
        updated_by: FILES_AUTHOR,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', row.id)
      .execute();
    report.fields.retired++;
  }

  // source_mappings
  const seeded = { updated_at: sql<Date>`created_at` };
  const existingMappings = await db
    .selectFrom('source_mappings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .execute();
  const mkey = (r: { source: string; stream: string; source_path: string; entity: string; field: string }) =>
    `${r.source}.${r.stream}: ${r.source_path} -> ${r.entity}.${r.field}`;
  const mappingRows = new Map(existingMappings.map((r) => [mkey(r), r]));
  const wantedMappings = new Set<string>();
  const newMappings: NewRow<'source_mappings'>[] = [];
  for (const m of files.mappings) {
    const key = mkey({
      source: m.source,
      stream: m.stream,
      source_path: m.sourcePath,
      entity: m.entity,
      field: m.field,
    });
    wantedMappings.add(key);
    const content = {
      transform: m.transform,
      transform_args: m.transformArgs ?? null,
      priority: m.priority,
      active: m.active,
      notes: m.notes ?? null,
    };
    const row = mappingRows.get(key);
    if (!row) {
      newMappings.push({
        tenant_id: tenantId,
        source: m.source,
        stream: m.stream,
        source_path: m.sourcePath,
        entity: m.entity,
        field: m.field,
        ...content,
        transform_args: json(content.transform_args),
      });
      report.mappings.inserted++;
      continue;
    }
    const current = {
      transform: row.transform,
      transform_args: parseJson(row.transform_args) ?? null,
      priority: row.priority,
      active: row.active,
      notes: row.notes,
    };
    if (same(current, content)) {
      report.mappings.unchanged++;
      continue;
    }
    if (!filesOwned(row) && !force) {
      report.kept.push(`source_mappings ${key} (edited in the database)`);
      continue;
    }
    await db
      .updateTable('source_mappings')
      .set({ ...content, transform_args: json(content.transform_args), ...seeded })
      .where('id', '=', row.id)
      .execute();
    report.mappings.updated++;
  }
  for (const chunk of chunks(newMappings))
    await db
      .insertInto('source_mappings')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'source', 'stream', 'source_path', 'entity', 'field']).doNothing(),
      )
      .execute();
  for (const [k, row] of mappingRows) {
    if (wantedMappings.has(k) || !row.active) continue;
    if (!filesOwned(row) && !force) continue;
    await db
      .updateTable('source_mappings')
      .set({ active: false, ...seeded })
      .where('id', '=', row.id)
      .execute();
    report.mappings.retired++;
  }

  // validation_rules
  const existingRules = await db
    .selectFrom('validation_rules')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .execute();
  const ruleRows = new Map(existingRules.map((r) => [r.rule_key, r]));
  const wantedRules = new Set<string>();
  const newRules: NewRow<'validation_rules'>[] = [];
  for (const r of files.rules) {
    wantedRules.add(r.ruleKey);
    const content = {
      entity: r.entity,
      field: r.field,
      rule_type: r.ruleType,
      params: r.params ?? null,
      severity: r.severity,
      description: r.description,
      active: r.active,
    };
    const row = ruleRows.get(r.ruleKey);
    if (!row) {
      newRules.push({ tenant_id: tenantId, rule_key: r.ruleKey, ...content, params: json(content.params) });
      report.rules.inserted++;
      continue;
    }
    const current = {
      entity: row.entity,
      field: row.field,
      rule_type: row.rule_type,
      params: parseJson(row.params) ?? null,
      severity: row.severity,
      description: row.description,
      active: row.active,
    };
    if (same(current, content)) {
      report.rules.unchanged++;
      continue;
    }
    if (!filesOwned(row) && !force) {
      report.kept.push(`validation_rules ${r.ruleKey} (edited in the database)`);
      continue;
    }
    await db
      .updateTable('validation_rules')
      .set({ ...content, params: json(content.params), ...seeded })
      .where('id', '=', row.id)
      .execute();
    report.rules.updated++;
  }
  for (const chunk of chunks(newRules))
    await db
      .insertInto('validation_rules')
      .values(chunk)
      .onConflict((oc) => oc.columns(['tenant_id', 'rule_key']).doNothing())
      .execute();
  for (const [k, row] of ruleRows) {
    if (wantedRules.has(k) || !row.active) continue;
    if (!filesOwned(row) && !force) continue;
    await db
      .updateTable('validation_rules')
      .set({ active: false, ...seeded })
      .where('id', '=', row.id)
      .execute();
    report.rules.retired++;
  }
  return report;
}

function chunks<T>(rows: T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function filesOwned(row: { created_at: Date | string; updated_at: Date | string }): boolean {
  return new Date(row.created_at).getTime() === new Date(row.updated_at).getTime();
}

// ---------------------------------------------------------------------------------------------------------
// Loading ingestion's view from the tables

/** The active and inactive mapping rows of the tenant, as the mapper reads them. */
export async function loadMappingRules(db: Kysely<Database>, tenantId: string): Promise<MappingRule[]> {
  const rows = await db
    .selectFrom('source_mappings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('source')
    .orderBy('stream')
    .orderBy('priority')
    .orderBy('source_path')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    stream: r.stream,
    sourcePath: r.source_path,
    entity: r.entity,
    field: r.field,
    transform: r.transform,
    transformArgs: parseJson(r.transform_args) ?? null,
    priority: r.priority,
    active: r.active,
    notes: r.notes,
  }));
}

/** The mapper built from the tenant's source_mappings table (what ingestion uses). */
export async function loadMapper(db: Kysely<Database>, tenantId: string): Promise<Mapper> {
  return compileMapper(await loadMappingRules(db, tenantId));
}

export async function loadValidationRules(db: Kysely<Database>, tenantId: string): Promise<ValidationRule[]> {
  const rows = await db
    .selectFrom('validation_rules')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('rule_key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    ruleKey: r.rule_key,
    entity: r.entity,
    field: r.field,
    ruleType: r.rule_type,
    params: parseJson(r.params) ?? null,
    severity: r.severity,
    description: r.description,
    active: r.active,
  }));
}

/** PII class of every `entity.field` in the tenant's dictionary_fields. */
export async function loadPiiClasses(db: Kysely<Database>, tenantId: string): Promise<Map<string, PiiClass>> {
  const rows = await db
    .selectFrom('dictionary_fields')
    .select(['entity', 'field', 'pii_class'])
    .where('tenant_id', '=', tenantId)
    .execute();
  return new Map(rows.map((r) => [`${r.entity}.${r.field}`, r.pii_class as PiiClass]));
}

export interface LoadedValidator extends Validator {
  /** Reference and uniqueness rules, for `findSetViolations` after each landed batch. */
  setRules: SetRule[];
  /** PII class per `entity.field`, for masking set-based violations. */
  pii: Map<string, PiiClass>;
}

/** The validator built from the tenant's validation_rules and dictionary_fields tables. */
export async function loadValidator(db: Kysely<Database>, tenantId: string): Promise<LoadedValidator> {
  const rules = await loadValidationRules(db, tenantId);
  const pii = await loadPiiClasses(db, tenantId);
  const validator = compileValidator(rules, pii);
  return { check: (row) => validator.check(row), setRules: setBasedRules(rules), pii };
}

/** The file name of a dictionary path, for messages. */
export function dictionaryFileName(path: string): string {
  return basename(path);
}
