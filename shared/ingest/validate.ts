import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../schema/database.js';
import { entityColumns, MAPPED_ENTITIES } from './mapper.js';
import { show, toDomain, toE164, toEmail } from './transforms.js';
import type { EntityName, MappedRow, RowViolation, Validator } from './types.js';

/**
 * Data-quality rules (the active rows of `validation_rules`; reviewed originals in
 * schema/dictionary/rules.yaml).
 *
 * Row-level rules, checked by `Validator.check` on each mapped row before it lands:
 *  - required {}: the field is null or empty. Only fields the row carries are checked (a stream that does
 *    not know a field leaves it out and landing keeps what another stream stored), and a reference the row
 *    carries (`refs`) satisfies it.
 *  - format {format: email | e164 | domain | url | iso4217 | iana_time_zone | slack_ts | regex, pattern?}
 *  - enum {values: [...], caseInsensitive?}
 *  - range {min?, max?} for numbers; for timestamps and dates min/max are ISO dates and
 *    `maxFutureDays` bounds how far in the future a value may lie.
 * Set-based rules, checked after a batch has landed, with SQL over the landed rows (`setViolationQuery`):
 *  - reference {entity}: the row's reference column is null: it names no row of `entity`, or the row it
 *    names has not landed (yet).
 *  - uniqueness {fields?: [...], perSource?: true}: another row of the tenant has the same value(s)
 *    (within the same source when perSource).
 * Values in violations are masked when the field's PII class is contact or sensitive.
 */

export type RuleType = 'required' | 'format' | 'enum' | 'range' | 'reference' | 'uniqueness';
export const RULE_TYPES: readonly RuleType[] = [
  'required',
  'format',
  'enum',
  'range',
  'reference',
  'uniqueness',
];
export type Severity = 'error' | 'warning' | 'info';
export type PiiClass = 'none' | 'contact' | 'sensitive';

/** One row of `validation_rules`, as the validator needs it. */
export interface ValidationRule {
  id?: string | null | undefined;
  ruleKey: string;
  entity: string;
  field: string | null;
  ruleType: string;
  params: unknown;
  severity: string;
  description: string;
  active: boolean;
}

export class ValidationConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the validation rules are not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ValidationConfigError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Masking

/**
 * A value safe to store in a violation: `contact` values keep a hint of their shape (d***@acme.com,
 * +1***00, D***), `sensitive` values are hidden entirely; `none` values are kept (cut at 200 characters).
 */
export function maskValue(value: string | null, pii: PiiClass | undefined): string | null {
  if (value === null) return null;
  if (pii === 'sensitive') return '***';
  if (pii === 'contact') {
    const at = value.indexOf('@');
    if (at > 0) return `${value[0]}***${value.slice(at)}`;
    if (/^\+?[\d\s().-]{6,}$/.test(value)) return `${value.slice(0, 2)}***${value.slice(-2)}`;
    return value.length <= 1 ? '***' : `${value[0]}***`;
  }
  return value.length > 200 ? `${value.slice(0, 197)}...` : value;
}

/** A message with every spelling of a PII value replaced by its mask. */
function hideValue(message: string, value: unknown, text: string | null, pii: PiiClass): string {
  if (text === null) return message;
  const masked = maskValue(text, pii) ?? '***';
  return message.split(show(value)).join(masked).split(text).join(masked);
}

// ---------------------------------------------------------------------------------------------------------
// Row-level rules

const FORMATS: Record<string, (v: unknown) => boolean> = {
  email: (v) => {
    const r = toEmail(v);
    return r.ok && r.value === v;
  },
  e164: (v) => typeof v === 'string' && /^\+[1-9]\d{6,14}$/.test(v) && toE164(v).ok,
  domain: (v) => {
    const r = toDomain(v);
    return r.ok && r.value === v;
  },
  url: (v) => {
    if (typeof v !== 'string') return false;
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  },
  iso4217: (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v),
  iana_time_zone: (v) => {
    if (typeof v !== 'string') return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
      return v.includes('/') || v === 'UTC';
    } catch {
      return false;
    }
  },
  slack_ts: (v) => typeof v === 'string' && /^\d{9,11}\.\d{6}$/.test(v),
};
export const FORMAT_NAMES = [...Object.keys(FORMATS), 'regex'];

interface CompiledCheck {
  rule: ValidationRule;
  field: string;
  test: (value: unknown, row: MappedRow) => string | undefined;
}

function asParams(p: unknown): Record<string, unknown> {
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

function toTime(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function compileCheck(rule: ValidationRule, problems: string[]): CompiledCheck | undefined {
  const where = `rule ${rule.ruleKey}`;
  const field = rule.field;
  if (!field) {
    problems.push(`${where}: a ${rule.ruleType} rule needs a field`);
    return undefined;
  }
  const params = asParams(rule.params);
  switch (rule.ruleType) {
    case 'required':
      return {
        rule,
        field,
        test: (v) =>
          v === null || (typeof v === 'string' && v.trim() === '')
            ? `${field} is required but empty`
            : undefined,
      };
    case 'format': {
      const format = String(params.format ?? '');
      let test: ((v: unknown) => boolean) | undefined = FORMATS[format];
      if (format === 'regex') {
        try {
          const re = new RegExp(
            String(params.pattern ?? ''),
            params.flags ? String(params.flags) : undefined,
          );
          test = (v) => re.test(typeof v === 'string' ? v : String(v));
        } catch (err) {
          problems.push(`${where}: bad pattern: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      }
      if (!test) {
        problems.push(`${where}: unknown format '${format}' (known: ${FORMAT_NAMES.join(', ')})`);
        return undefined;
      }
      const t = test;
      return {
        rule,
        field,
        test: (v) =>
          v === null || t(v)
            ? undefined
            : `${field} is not a valid ${format === 'regex' ? `value (pattern ${String(params.pattern)})` : format}`,
      };
    }
    case 'enum': {
      const values = params.values;
      if (!Array.isArray(values) || values.length === 0) {
        problems.push(`${where}: an enum rule needs params.values (a non-empty list)`);
        return undefined;
      }
      const ci = params.caseInsensitive === true;
      const allowed = new Set(values.map((x) => (ci ? String(x).toLowerCase() : String(x))));
      return {
        rule,
        field,
        test: (v) => {
          if (v === null) return undefined;
          const s = ci ? String(v).toLowerCase() : String(v);
          return allowed.has(s) ? undefined : `${field} ${show(v)} is not one of ${values.join(', ')}`;
        },
      };
    }
    case 'range': {
      const { min, max, maxFutureDays } = params as { min?: unknown; max?: unknown; maxFutureDays?: unknown };
      if (min === undefined && max === undefined && maxFutureDays === undefined) {
        problems.push(`${where}: a range rule needs params.min, params.max or params.maxFutureDays`);
        return undefined;
      }
      return {
        rule,
        field,
        test: (v) => {
          if (v === null) return undefined;
          if (typeof v === 'number') {
            if (typeof min === 'number' && v < min) return `${field} ${v} is below ${min}`;
            if (typeof max === 'number' && v > max) return `${field} ${v} is above ${max}`;
            return undefined;
          }
          const t = toTime(v);
          if (t === undefined) return undefined;
          const lo = toTime(min);
          const hi = toTime(max);
          if (lo !== undefined && t < lo) return `${field} ${show(v)} is before ${String(min)}`;
          if (hi !== undefined && t > hi) return `${field} ${show(v)} is after ${String(max)}`;
          if (typeof maxFutureDays === 'number' && t > Date.now() + maxFutureDays * 86_400_000)
            return `${field} ${show(v)} is more than ${maxFutureDays} days in the future`;
          return undefined;
        },
      };
    }
    default:
      return undefined;
  }
}

function checkEntityField(rule: ValidationRule, problems: string[]): boolean {
  const columns = entityColumns(rule.entity);
  if (!columns) {
    problems.push(`rule ${rule.ruleKey}: '${rule.entity}' is not an entity ingestion fills`);
    return false;
  }
  if (rule.field !== null && rule.field !== 'source_id' && !columns.has(rule.field)) {
    problems.push(`rule ${rule.ruleKey}: ${rule.entity} has no column '${rule.field}'`);
    return false;
  }
  if (!RULE_TYPES.includes(rule.ruleType as RuleType)) {
    problems.push(
      `rule ${rule.ruleKey}: unknown rule type '${rule.ruleType}' (known: ${RULE_TYPES.join(', ')})`,
    );
    return false;
  }
  if (!['error', 'warning', 'info'].includes(rule.severity)) {
    problems.push(`rule ${rule.ruleKey}: severity must be error, warning or info, not '${rule.severity}'`);
    return false;
  }
  return true;
}

/**
 * Builds the row-level validator from rules (inactive ones ignored) and the PII class of each
 * `entity.field` (from dictionary_fields). Set-based rules are not checked here (see `setBasedRules`).
 */
export function compileValidator(
  rules: readonly ValidationRule[],
  pii: ReadonlyMap<string, PiiClass> = new Map(),
): Validator {
  const problems: string[] = [];
  const byEntity = new Map<string, CompiledCheck[]>();
  for (const rule of rules) {
    if (!rule.active) continue;
    if (!checkEntityField(rule, problems)) continue;
    if (rule.ruleType === 'reference' || rule.ruleType === 'uniqueness') {
      compileSetRule(rule, problems);
      continue;
    }
    const c = compileCheck(rule, problems);
    if (!c) continue;
    const list = byEntity.get(rule.entity) ?? [];
    list.push(c);
    byEntity.set(rule.entity, list);
  }
  if (problems.length) throw new ValidationConfigError(problems);
  return {
    check(row: MappedRow): RowViolation[] {
      const checks = byEntity.get(row.entity);
      if (!checks) return [];
      const out: RowViolation[] = [];
      for (const c of checks) {
        if (!(c.field in row.fields)) continue;
        if (c.rule.ruleType === 'required' && row.refs.some((r) => r.field === c.field)) continue;
        const value = row.fields[c.field] ?? null;
        const message = c.test(value, row);
        if (!message) continue;
        const text =
          value === null
            ? null
            : value instanceof Date
              ? value.toISOString()
              : typeof value === 'string'
                ? value
                : show(value);
        const cls = pii.get(`${row.entity}.${c.field}`);
        out.push({
          ruleKey: c.rule.ruleKey,
          ruleId: c.rule.id ?? null,
          entity: row.entity,
          field: c.field,
          value: maskValue(text, cls),
          message: cls === 'contact' || cls === 'sensitive' ? hideValue(message, value, text, cls) : message,
          severity: c.rule.severity as RowViolation['severity'],
        });
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Set-based rules

/** A compiled reference or uniqueness rule, checked with SQL after a batch has landed. */
export interface SetRule {
  ruleKey: string;
  ruleId: string | null;
  ruleType: 'reference' | 'uniqueness';
  entity: EntityName;
  field: string;
  /** uniqueness: the columns compared (default [field]); perSource: compare within one source only. */
  fields: string[];
  perSource: boolean;
  /** reference: the entity the column points at. */
  target?: EntityName | undefined;
  /** reference: rows exempt from the rule, by column value (e.g. leads need no account yet). */
  unless?: Record<string, string[]> | undefined;
  severity: Severity;
  description: string;
}

/** Entities whose rows have an `id` (set-based rules report rows by id). */
const ROW_ID_ENTITIES = new Set<string>(MAPPED_ENTITIES.filter((e) => entityColumns(e)?.has('id')));

function compileSetRule(rule: ValidationRule, problems: string[]): SetRule | undefined {
  const where = `rule ${rule.ruleKey}`;
  const params = asParams(rule.params);
  const columns = entityColumns(rule.entity);
  if (!columns || !ROW_ID_ENTITIES.has(rule.entity)) {
    problems.push(`${where}: set-based rules apply to entities with row ids, not ${rule.entity}`);
    return undefined;
  }
  if (!rule.field) {
    problems.push(`${where}: a ${rule.ruleType} rule needs a field`);
    return undefined;
  }
  if (rule.ruleType === 'reference') {
    const target = String(params.entity ?? '');
    if (!(MAPPED_ENTITIES as readonly string[]).includes(target)) {
      problems.push(`${where}: params.entity must name the entity the reference points at`);
      return undefined;
    }
    if (columns.get(rule.field)?.kind !== 'uuid') {
      problems.push(`${where}: ${rule.entity}.${rule.field} is not a reference column`);
      return undefined;
    }
    let unless: Record<string, string[]> | undefined;
    if (params.unless !== undefined) {
      const u = params.unless;
      if (typeof u !== 'object' || u === null || Array.isArray(u)) {
        problems.push(`${where}: params.unless must map columns to the values that exempt a row`);
        return undefined;
      }
      unless = {};
      for (const [column, values] of Object.entries(u)) {
        if (!columns.has(column)) {
          problems.push(`${where}: params.unless names ${column}, which ${rule.entity} does not have`);
          return undefined;
        }
        unless[column] = (Array.isArray(values) ? values : [values]).map(String);
      }
    }
    return {
      ruleKey: rule.ruleKey,
      ruleId: rule.id ?? null,
      ruleType: 'reference',
      entity: rule.entity as EntityName,
      field: rule.field,
      fields: [rule.field],
      perSource: false,
      target: target as EntityName,
      unless,
      severity: rule.severity as Severity,
      description: rule.description,
    };
  }
  const fields = Array.isArray(params.fields) ? params.fields.map(String) : [rule.field];
  for (const f of fields)
    if (f !== 'source_id' && !columns.has(f)) {
      problems.push(`${where}: ${rule.entity} has no column '${f}'`);
      return undefined;
    }
  return {
    ruleKey: rule.ruleKey,
    ruleId: rule.id ?? null,
    ruleType: 'uniqueness',
    entity: rule.entity as EntityName,
    field: rule.field,
    fields,
    perSource: params.perSource === true,
    severity: rule.severity as Severity,
    description: rule.description,
  };
}

/** The active reference and uniqueness rules, compiled (a bad rule is a ValidationConfigError). */
export function setBasedRules(rules: readonly ValidationRule[]): SetRule[] {
  const problems: string[] = [];
  const out: SetRule[] = [];
  for (const rule of rules) {
    if (!rule.active || (rule.ruleType !== 'reference' && rule.ruleType !== 'uniqueness')) continue;
    if (!checkEntityField(rule, problems)) continue;
    const c = compileSetRule(rule, problems);
    if (c) out.push(c);
  }
  if (problems.length) throw new ValidationConfigError(problems);
  return out;
}

/** What `setViolationQuery` returns per offending row. */
export interface SetViolationRow {
  record_id: string;
  source: string;
  source_id: string;
  value: string | null;
}

/**
 * SQL finding the rows among `rowIds` (ids of `rule.entity` rows just landed) that break `rule`; run it inside
 * the tenant's transaction (row-level security scopes it to the tenant). Identifiers come from a compiled
 * rule, whose entity and columns were checked against the schema.
 */
export function setViolationQuery(rule: SetRule, rowIds: readonly string[]): RawBuilder<SetViolationRow> {
  const table = sql.table(rule.entity);
  const ids = sql`${sql.val([...rowIds])}::uuid[]`;
  const col = (alias: string, c: string) => sql.ref(`${alias}.${c}`);
  if (rule.ruleType === 'reference') {
    return sql<SetViolationRow>`select t.id as record_id, t.source, t.source_id, null::text as value
      from ${table} as t
      where t.id = any(${ids}) and ${col('t', rule.field)} is null${exemptions(rule.unless, col)}`;
  }
  const same = sql.join(
    rule.fields.map((f) => sql`${col('o', f)} = ${col('t', f)}`),
    sql` and `,
  );
  const notNull = sql.join(
    rule.fields.map((f) => sql`${col('t', f)} is not null`),
    sql` and `,
  );
  const value =
    rule.fields.length === 1
      ? sql`${col('t', rule.fields[0]!)}::text`
      : sql`concat_ws(' | ', ${sql.join(rule.fields.map((f) => sql`${col('t', f)}::text`))})`;
  const scope = rule.perSource ? sql` and o.source = t.source` : sql``;
  return sql<SetViolationRow>`select t.id as record_id, t.source, t.source_id, ${value} as value
    from ${table} as t
    where t.id = any(${ids}) and ${notNull}
      and exists (select 1 from ${table} as o
                  where o.tenant_id = t.tenant_id and o.id <> t.id and ${same}${scope})`;
}

function exemptions(
  unless: Record<string, string[]> | undefined,
  col: (alias: string, c: string) => ReturnType<typeof sql.ref>,
) {
  if (!unless) return sql``;
  return sql.join(
    Object.entries(unless).map(
      ([c, values]) => sql` and coalesce(${col('t', c)}::text, '') <> all(${sql.val(values)}::text[])`,
    ),
    sql``,
  );
}

/** A set-based violation ready for quality_violations (value masked by the field's PII class). */
export interface SetViolation {
  ruleKey: string;
  ruleId: string | null;
  entity: EntityName;
  recordId: string;
  source: string;
  sourceId: string;
  field: string;
  value: string | null;
  message: string;
  severity: Severity;
}

/**
 * Runs every set-based rule of `entity` over the rows `rowIds` (call it after each landed batch, inside the
 * batch's tenant transaction) and returns the violations found.
 */
export async function findSetViolations(
  db: Kysely<Database>,
  rules: readonly SetRule[],
  entity: EntityName,
  rowIds: readonly string[],
  pii: ReadonlyMap<string, PiiClass> = new Map(),
): Promise<SetViolation[]> {
  if (rowIds.length === 0) return [];
  const out: SetViolation[] = [];
  for (const rule of rules) {
    if (rule.entity !== entity) continue;
    const { rows } = await setViolationQuery(rule, rowIds).execute(db);
    for (const r of rows) {
      out.push({
        ruleKey: rule.ruleKey,
        ruleId: rule.ruleId,
        entity,
        recordId: r.record_id,
        source: r.source,
        sourceId: r.source_id,
        field: rule.field,
        value: maskValue(r.value, pii.get(`${entity}.${rule.field}`)),
        message:
          rule.ruleType === 'reference'
            ? `${entity} ${r.source_id} is linked to no ${rule.target} row (${rule.field} is empty): ${rule.description}`
            : `another ${entity} row has the same ${rule.fields.join(' + ')}${rule.perSource ? ` in ${r.source}` : ''}: ${rule.description}`,
        severity: rule.severity,
      });
    }
  }
  return out;
}
