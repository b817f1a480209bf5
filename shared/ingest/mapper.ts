import type { ColumnSpec } from '../../schema/table-spec.js';
import { unifiedModel } from '../../schema/migrations/0001-unified-model.js';
import {
  applyTransform,
  parseTransformArgs,
  REFERENCE_TRANSFORMS,
  type RefTarget,
  show,
  TRANSFORMS,
  type TransformContext,
} from './transforms.js';
import {
  ENTITY_NAMES,
  type EntityName,
  type FieldProblem,
  type IncomingRecord,
  type MapOutcome,
  type MappedRow,
  type Mapper,
  type RowRef,
  type SourceName,
} from './types.js';

/**
 * The mapper, compiled from the active rows of `source_mappings` (see schema/dictionary/mappings/*.yaml for
 * the reviewed originals). Conventions:
 *
 * Paths (`source_path`)
 *  - `metaData.started`: dotted path into the record. At the record root, a path whose first step is absent
 *    is also looked up flattened: `properties.email` finds `properties_email` (HubSpot properties and v1
 *    `associations_*` / `metadata_*`, as Airbyte and its Postgres destination flatten them).
 *  - `parties[].emailAddress`: `[]` walks into an array. The mappings of a child entity share an array
 *    context: `transcript[].sentences[].text` makes one transcript_segments row per sentence, and
 *    `transcript[].speakerId` in the same entity reads the monologue that sentence belongs to. A `[]` path
 *    of a top-level entity collects every value into a list.
 *  - `first, last`: several comma-separated paths give the transform a list (join, composite keys).
 *  - `$`: the whole record (or the current array item); `$seq`: the running index of the child row within
 *    the record (transcript segment index across monologues).
 *
 * Fields (`field`)
 *  - `source_id` of a top-level entity (a path without `[]`): the record's primary key and the row's source
 *    id. Missing -> rejected `missing_primary_key`; unusable (a Gong id that arrived as a JSON number beyond
 *    2^53, an object, ...) -> rejected `bad_primary_key`. Ids are always text.
 *  - `_id`: the primary key of a stream that makes no top-level row (callTranscripts: callId; Slack
 *    channel_members: channel_id:member_id).
 *  - `_parent`: for child rows, the source id of the parent row (calls for call_participants and
 *    transcript_segments, slack_channels for slack_channel_members); without it the parent is the record's
 *    own top-level row.
 *  - `_cursor`: the record's cursor, normalised to ISO-8601 UTC text when the transform gives a timestamp
 *    (so cursors of one stream compare as text).
 *  - A field filled by a reference transform (reference, first_reference, gong_crm_reference) becomes a
 *    `RowRef` in `refs`, not a value in `fields`: the lander resolves it to the uuid.
 *  - Several mappings to one field: the lowest `priority` that gives a value wins; the problems of the
 *    others count only when none gives a value.
 *  - Every field a stream maps is present in `fields` (null when the record has no value), so landing can
 *    merge what each stream knows (Gong `calls` and `extensiveCalls` fill the same `calls` row), except
 *    null for a NOT NULL column with a default (status, active, booleans), which is left out so the default
 *    or the stored value applies.
 *  - A NOT NULL column without default that a stream maps but the record leaves empty: the record is
 *    rejected `bad_required_value` (top-level row) or the child row is dropped with a problem.
 *  - Child rows are keyed by their key column: call_participants.source_participant_id,
 *    transcript_segments.segment_index, slack_channel_members.member_source_id.
 *  - transcript_segments.participant_id is not mapped: the lander joins it through speaker_id within the
 *    call (`parties[].speakerId`).
 */

/** One row of `source_mappings`, as the mapper needs it. */
export interface MappingRule {
  id?: string | undefined;
  source: string;
  stream: string;
  sourcePath: string;
  entity: string;
  field: string;
  transform: string;
  transformArgs: unknown;
  priority: number;
  active: boolean;
  notes?: string | null | undefined;
}

/** Child entities: their parent entity and key column. */
export const CHILD_ENTITIES: Partial<Record<EntityName, { parent: EntityName; key: string }>> = {
  call_participants: { parent: 'calls', key: 'source_participant_id' },
  transcript_segments: { parent: 'calls', key: 'segment_index' },
  slack_channel_members: { parent: 'slack_channels', key: 'member_source_id' },
};

export const MAPPED_ENTITIES: readonly EntityName[] = ENTITY_NAMES;

/** Pseudo fields: record-level values that are not columns. */
export const PSEUDO_FIELDS = new Set(['_id', '_parent', '_cursor']);

/** Columns the lander sets itself, never mapped. */
const SYSTEM_COLUMNS = new Set([
  'id',
  'tenant_id',
  'source',
  'created_at',
  'updated_at',
  'canonical_id',
  'tsv',
  'call_id',
  'call_started_at',
]);

type ColumnKind =
  'text' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'date' | 'json' | 'uuid' | 'text[]';

export interface ColumnInfo {
  kind: ColumnKind;
  notNull: boolean;
  hasDefault: boolean;
}

function columnInfo(spec: ColumnSpec): ColumnInfo | undefined {
  if (typeof spec.type !== 'string') return undefined;
  const t = spec.type.toLowerCase();
  if (t.includes('generated always')) return undefined;
  const base = t.split(/\s+/)[0] ?? '';
  const kind: ColumnKind | undefined = t.startsWith('text[]')
    ? 'text[]'
    : base === 'text'
      ? 'text'
      : base === 'integer' || base === 'bigint'
        ? 'integer'
        : base === 'numeric' || base === 'real'
          ? 'number'
          : base === 'boolean'
            ? 'boolean'
            : base === 'timestamptz'
              ? 'timestamp'
              : base === 'date'
                ? 'date'
                : base === 'jsonb'
                  ? 'json'
                  : base === 'uuid'
                    ? 'uuid'
                    : undefined;
  if (!kind) return undefined;
  return {
    kind,
    notNull: t.includes('not null') || t.includes('primary key'),
    hasDefault: t.includes('default'),
  };
}

/** Column name -> info for each mapped entity, from the migration's table specification. */
export function entityColumns(entity: string): Map<string, ColumnInfo> | undefined {
  const spec = (unifiedModel as Record<string, { columns: Record<string, ColumnSpec> } | undefined>)[entity];
  if (!spec || !(MAPPED_ENTITIES as readonly string[]).includes(entity)) return undefined;
  const out = new Map<string, ColumnInfo>();
  for (const [name, col] of Object.entries(spec.columns)) {
    const info = columnInfo(col);
    if (info) out.set(name, info);
  }
  return out;
}

export class MappingConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the source mappings are not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MappingConfigError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Paths

interface Step {
  key: string;
  array: boolean;
  /** The array prefix up to and including this step, e.g. `transcript[].sentences[]`. */
  prefix: string;
}
type Path = { kind: 'root' } | { kind: 'seq' } | { kind: 'steps'; steps: Step[] };

function parsePath(text: string): Path | string {
  const p = text.trim();
  if (p === '$') return { kind: 'root' };
  if (p === '$seq') return { kind: 'seq' };
  if (p === '') return 'empty path';
  const steps: Step[] = [];
  let prefix = '';
  for (const raw of p.split('.')) {
    const array = raw.endsWith('[]');
    const key = array ? raw.slice(0, -2) : raw;
    if (key === '' || /[[\]\s]/.test(key)) return `bad step '${raw}' in path '${text}'`;
    prefix = prefix ? `${prefix}.${raw}` : raw;
    steps.push({ key, array, prefix });
  }
  return { kind: 'steps', steps };
}

/** The deepest array prefix of a path ('' when none). */
function arrayPrefix(path: Path): string {
  if (path.kind !== 'steps') return '';
  let last = '';
  for (const s of path.steps) if (s.array) last = s.prefix;
  return last;
}

type Bindings = Map<string, unknown>;

function child(value: unknown, key: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return (value as Record<string, unknown>)[key];
  return undefined;
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  return [value];
}

/**
 * At the record root, a path whose first step is absent may be flattened (`properties.email` stored as
 * `properties_email`): the first two steps become one, keeping the array prefix of the second.
 */
function flattened(root: unknown, steps: Step[]): Step[] {
  const [a, b] = steps;
  if (!a || !b || a.array || child(root, a.key) !== undefined) return steps;
  const flatKey = `${a.key}_${b.key}`;
  if (child(root, flatKey) === undefined) return steps;
  return [{ key: flatKey, array: b.array, prefix: b.prefix }, ...steps.slice(2)];
}

/** Reads a path; bound array steps use their bound item, unbound ones collect every item into a list. */
function readSteps(root: unknown, steps: Step[], bindings: Bindings): unknown {
  return readFrom(root, flattened(root, steps), bindings);
}

function readFrom(current: unknown, steps: Step[], bindings: Bindings): unknown {
  let value = current;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.array && bindings.has(step.prefix)) {
      value = bindings.get(step.prefix);
      continue;
    }
    value = child(value, step.key);
    if (step.array) {
      const rest = steps.slice(i + 1);
      const items = asList(value);
      if (rest.length === 0) return items;
      return items.flatMap((item) => asList(readFrom(item, rest, bindings)));
    }
  }
  return value;
}

/** Every array context of `prefix` (one Bindings per innermost item, in document order). */
function contexts(root: unknown, prefix: string): Bindings[] {
  if (prefix === '') return [new Map()];
  const path = parsePath(prefix);
  if (typeof path === 'string' || path.kind !== 'steps') return [];
  const steps = flattened(root, path.steps);
  const out: Bindings[] = [];
  const walk = (value: unknown, i: number, bindings: Bindings): void => {
    if (i >= steps.length) {
      out.push(bindings);
      return;
    }
    const step = steps[i]!;
    const v = child(value, step.key);
    if (!step.array) return walk(v, i + 1, bindings);
    for (const item of asList(v)) {
      const b = new Map(bindings);
      b.set(step.prefix, item);
      walk(item, i + 1, b);
    }
  };
  walk(root, 0, new Map());
  return out;
}

function isMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string' && value.trim() === '') return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Compilation

interface CompiledRule {
  rule: MappingRule;
  paths: Path[];
  args: unknown;
  isRef: boolean;
  acceptsMissing: boolean;
}

interface EntityPlan {
  entity: EntityName;
  columns: Map<string, ColumnInfo>;
  /** field -> rules by priority. */
  fields: Map<string, CompiledRule[]>;
  /** For child entities: the array context ('' = one row per record) and the parent/key. */
  child?: { prefix: string; parent: EntityName; key: string; parentRules?: CompiledRule[] | undefined };
}

interface StreamPlan {
  source: SourceName;
  stream: string;
  top?: EntityPlan | undefined;
  keyRules: CompiledRule[];
  cursorRules: CompiledRule[];
  children: EntityPlan[];
}

const SOURCES = new Set(['gong', 'salesforce', 'hubspot', 'slack', 'sql']);

function describeRule(r: MappingRule): string {
  return `${r.source}.${r.stream}: ${r.sourcePath} -> ${r.entity}.${r.field}`;
}

function byPriority(a: CompiledRule, b: CompiledRule): number {
  const d = a.rule.priority - b.rule.priority;
  if (d !== 0) return d;
  return a.rule.sourcePath < b.rule.sourcePath ? -1 : a.rule.sourcePath > b.rule.sourcePath ? 1 : 0;
}

/** Compiles mapping rules (inactive ones ignored) into a Mapper; a rule that cannot work is a MappingConfigError. */
export function compileMapper(
  rules: readonly MappingRule[],
): Mapper & { streams(): Array<[SourceName, string]> } {
  const problems: string[] = [];
  const grouped = new Map<string, MappingRule[]>();
  for (const rule of rules) {
    if (!rule.active) continue;
    const k = `${rule.source}\u0000${rule.stream}`;
    const list = grouped.get(k) ?? [];
    list.push(rule);
    grouped.set(k, list);
  }
  const plans = new Map<string, StreamPlan>();
  for (const [k, list] of grouped) {
    const plan = compileStream(list, problems);
    if (plan) plans.set(k, plan);
  }
  if (problems.length) throw new MappingConfigError(problems);
  return {
    knows: (source, stream) => plans.has(`${source}\u0000${stream}`),
    map: (record) => {
      const plan = plans.get(`${record.source}\u0000${record.stream}`);
      if (!plan)
        return {
          kind: 'unknown-stream',
          reason: `no active source mapping for ${record.source} stream '${record.stream}'`,
        };
      try {
        return mapRecord(plan, record);
      } catch (err) {
        return {
          kind: 'rejected',
          code: 'mapping_failed',
          reason: `mapping ${record.source} ${record.stream} failed: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },
    streams: () => [...plans.values()].map((p) => [p.source, p.stream]),
  };
}

function compileStream(list: MappingRule[], problems: string[]): StreamPlan | undefined {
  const first = list[0]!;
  const before = problems.length;
  if (!SOURCES.has(first.source)) problems.push(`${describeRule(first)}: unknown source '${first.source}'`);
  const byEntity = new Map<string, CompiledRule[]>();
  const keyRules: CompiledRule[] = [];
  const cursorRules: CompiledRule[] = [];
  for (const rule of list) {
    const where = describeRule(rule);
    const columns = entityColumns(rule.entity);
    if (!columns) {
      problems.push(`${where}: '${rule.entity}' is not an entity ingestion can fill`);
      continue;
    }
    const transform = TRANSFORMS[rule.transform];
    const parsedArgs = parseTransformArgs(rule.transform, rule.transformArgs);
    if (!parsedArgs.ok) {
      problems.push(`${where}: ${parsedArgs.message}`);
      continue;
    }
    const paths: Path[] = [];
    for (const text of rule.sourcePath.split(',')) {
      const p = parsePath(text);
      if (typeof p === 'string') problems.push(`${where}: ${p}`);
      else paths.push(p);
    }
    const isRef = REFERENCE_TRANSFORMS.has(rule.transform);
    const compiled: CompiledRule = {
      rule,
      paths,
      args: parsedArgs.args,
      isRef,
      acceptsMissing: transform?.acceptsMissing ?? false,
    };
    if (PSEUDO_FIELDS.has(rule.field)) {
      if (isRef) problems.push(`${where}: ${rule.field} cannot use a reference transform`);
      if (rule.field === '_cursor') cursorRules.push(compiled);
      if (rule.field === '_id') keyRules.push(compiled);
    } else {
      const col = columns.get(rule.field);
      if (rule.field !== 'source_id' && (!col || SYSTEM_COLUMNS.has(rule.field))) {
        problems.push(`${where}: ${rule.entity} has no mappable column '${rule.field}'`);
        continue;
      }
      if (col?.kind === 'uuid' && !isRef)
        problems.push(`${where}: ${rule.field} holds a row id; map it with a reference transform`);
      if (col && col.kind !== 'uuid' && isRef)
        problems.push(`${where}: ${rule.field} is not a reference column (transform ${rule.transform})`);
    }
    const l = byEntity.get(rule.entity) ?? [];
    l.push(compiled);
    byEntity.set(rule.entity, l);
  }

  let top: EntityPlan | undefined;
  const children: EntityPlan[] = [];
  for (const [entity, compiled] of byEntity) {
    const columns = entityColumns(entity)!;
    const fields = new Map<string, CompiledRule[]>();
    for (const c of compiled) {
      if (c.rule.field === '_cursor' || c.rule.field === '_id') continue;
      const l = fields.get(c.rule.field) ?? [];
      l.push(c);
      fields.set(c.rule.field, l);
    }
    for (const l of fields.values()) l.sort(byPriority);
    // Fields in name order: the same mappings give the same rows whatever order the table returns them in.
    const sortedFields = new Map([...fields.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    fields.clear();
    for (const [k, v] of sortedFields) fields.set(k, v);
    const childSpec = CHILD_ENTITIES[entity as EntityName];
    const plan: EntityPlan = { entity: entity as EntityName, columns, fields };
    if (!childSpec) {
      const idRules = fields.get('source_id');
      if (!idRules) {
        if (compiled.every((c) => PSEUDO_FIELDS.has(c.rule.field))) continue;
        problems.push(
          `${first.source}.${first.stream}: ${entity} is mapped but no mapping gives its source_id`,
        );
        continue;
      }
      if (idRules.some((c) => c.paths.some((p) => arrayPrefix(p) !== '')))
        problems.push(
          `${first.source}.${first.stream}: ${entity}.source_id must not come from inside an array`,
        );
      if (top) {
        problems.push(
          `${first.source}.${first.stream}: two top-level entities (${top.entity}, ${entity}); a stream fills one`,
        );
        continue;
      }
      fields.delete('source_id');
      top = plan;
      keyRules.unshift(...idRules);
    } else {
      const parentRules = fields.get('_parent');
      fields.delete('_parent');
      // The array context: the deepest array prefix; every other prefix of the entity must lie on it.
      let prefix = '';
      for (const c of compiled)
        for (const p of c.paths) {
          const ap = arrayPrefix(p);
          if (ap.length > prefix.length) prefix = ap;
        }
      for (const c of compiled)
        for (const p of c.paths) {
          const ap = arrayPrefix(p);
          if (ap && !(prefix === ap || prefix.startsWith(`${ap}.`)))
            problems.push(
              `${describeRule(c.rule)}: array path is not on the row's array context '${prefix}'`,
            );
        }
      if (!fields.has(childSpec.key) && !(childSpec.key === 'segment_index'))
        problems.push(
          `${first.source}.${first.stream}: ${entity} needs a mapping for its key ${childSpec.key}`,
        );
      plan.child = { prefix, parent: childSpec.parent, key: childSpec.key, parentRules };
      children.push(plan);
    }
  }
  keyRules.sort(byPriority);
  if (!top && children.length === 0)
    problems.push(`${first.source}.${first.stream}: the mappings fill no row (only _id/_cursor)`);
  for (const c of children) {
    if (!c.child!.parentRules && top?.entity !== c.child!.parent)
      problems.push(
        `${first.source}.${first.stream}: ${c.entity} rows need a parent ${c.child!.parent}: map _parent or the ${c.child!.parent} source_id`,
      );
  }
  if (keyRules.length === 0)
    problems.push(
      `${first.source}.${first.stream}: no primary key (a top-level source_id or an _id mapping)`,
    );
  if (problems.length > before) return undefined;
  return {
    source: first.source as SourceName,
    stream: first.stream,
    top,
    keyRules,
    cursorRules: cursorRules.sort(byPriority),
    children,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Mapping a record

interface Evaluated {
  value: unknown;
  ref?: RefTarget | undefined;
  problem?: string | undefined;
  missing: boolean;
}

function evaluate(
  c: CompiledRule,
  root: Record<string, unknown>,
  bindings: Bindings,
  seq: number,
  ctx: TransformContext,
): Evaluated {
  const values = c.paths.map((p) => {
    if (p.kind === 'root') return root;
    if (p.kind === 'seq') return seq;
    return readSteps(root, p.steps, bindings);
  });
  const single = c.paths.length === 1;
  const input = single ? values[0] : values;
  const missing = single ? isMissing(input) : values.every(isMissing);
  if (missing && !c.acceptsMissing) return { value: null, missing: true };
  const r = applyTransform(c.rule.transform, input, c.args, ctx);
  if (!r.ok) return { value: null, missing: false, problem: `${r.message} (at ${c.rule.sourcePath})` };
  return { value: r.value, ref: r.ref, missing: r.value === null && !r.ref };
}

/** The value a column can take, or a problem (a transform that produced the wrong type for the column). */
function fitColumn(info: ColumnInfo, value: unknown): { value: unknown } | { problem: string } {
  if (value === null || value === undefined) return { value: null };
  switch (info.kind) {
    case 'text':
      if (typeof value === 'string') return { value };
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
      if (value instanceof Date) return { value: value.toISOString() };
      return {
        problem: `expected text, got ${Array.isArray(value) ? 'array' : typeof value} ${show(value)}`,
      };
    case 'integer':
      // Scaled values (talk time 128.8 s * 1000) carry floating-point noise: rounded, as the integer transform does.
      if (typeof value === 'number' && Number.isFinite(value)) return { value: Math.round(value) };
      return { problem: `expected an integer, got ${show(value)}` };
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return { value };
      return { problem: `expected a number, got ${show(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      return { problem: `expected a boolean, got ${show(value)}` };
    case 'timestamp':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return { value };
      return { problem: `expected a timestamp (use the timestamp transform), got ${show(value)}` };
    case 'date':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return { value };
      return { problem: `expected a date YYYY-MM-DD, got ${show(value)}` };
    case 'text[]':
      if (Array.isArray(value)) return { value: value.map(String) };
      return { problem: `expected a list, got ${show(value)}` };
    default:
      return { value };
  }
}

interface BuiltRow {
  fields: Record<string, unknown>;
  refs: RowRef[];
  problems: FieldProblem[];
  /** NOT NULL columns without default that stayed null: "field (path)". */
  missingRequired: string[];
}

function buildRow(
  plan: EntityPlan,
  root: Record<string, unknown>,
  bindings: Bindings,
  seq: number,
  ctx: TransformContext,
): BuiltRow {
  const fields: Record<string, unknown> = {};
  const refs: RowRef[] = [];
  const problems: FieldProblem[] = [];
  const missingRequired: string[] = [];
  for (const [field, rules] of plan.fields) {
    const info = plan.columns.get(field)!;
    let produced = false;
    const pending: FieldProblem[] = [];
    let firstProblemValue: string | undefined;
    for (const c of rules) {
      const e = evaluate(c, root, bindings, seq, ctx);
      if (e.problem) {
        const raw = c.paths.length === 1 ? readRaw(c, root, bindings, seq) : undefined;
        firstProblemValue ??= raw;
        pending.push({ entity: plan.entity, field, value: raw ?? '', message: e.problem });
        continue;
      }
      if (c.isRef) {
        if (e.ref) {
          refs.push({ field, ...e.ref });
          produced = true;
          break;
        }
        continue;
      }
      if (e.value === null || e.value === undefined) continue;
      const fitted = fitColumn(info, e.value);
      if ('problem' in fitted) {
        pending.push({
          entity: plan.entity,
          field,
          value: show(e.value),
          message: `${fitted.problem} (at ${c.rule.sourcePath}, transform ${c.rule.transform})`,
        });
        continue;
      }
      fields[field] = fitted.value;
      produced = true;
      break;
    }
    if (produced) continue;
    problems.push(...pending);
    if (rules.every((c) => c.isRef)) continue;
    if (info.notNull && info.hasDefault) continue; // leave it to the default / the stored value
    fields[field] = null;
    if (info.notNull && !info.hasDefault)
      missingRequired.push(`${field} (${rules.map((c) => c.rule.sourcePath).join(' | ')})`);
  }
  return { fields, refs, problems, missingRequired };
}

function readRaw(c: CompiledRule, root: Record<string, unknown>, bindings: Bindings, seq: number): string {
  const p = c.paths[0]!;
  const v = p.kind === 'root' ? root : p.kind === 'seq' ? seq : readSteps(root, p.steps, bindings);
  return typeof v === 'string' ? v : show(v);
}

function keyText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

function resolveKey(
  rules: CompiledRule[],
  root: Record<string, unknown>,
  bindings: Bindings,
  ctx: TransformContext,
): { id: string } | { missing: string } | { bad: string } {
  let bad: string | undefined;
  for (const c of rules) {
    const e = evaluate(c, root, bindings, 0, ctx);
    if (e.problem) {
      bad ??= e.problem;
      continue;
    }
    if (e.value === null || e.value === undefined) continue;
    const id = keyText(e.value);
    if (id === null) {
      bad ??= `the key at ${c.rule.sourcePath} is ${show(e.value)}, not an id`;
      continue;
    }
    return { id };
  }
  if (bad) return { bad };
  return { missing: rules.map((c) => c.rule.sourcePath).join(' | ') };
}

function mapRecord(plan: StreamPlan, record: IncomingRecord): MapOutcome {
  const root = record.data;
  if (!root || typeof root !== 'object' || Array.isArray(root))
    return {
      kind: 'rejected',
      code: 'not_an_object',
      reason: `${record.source} ${record.stream} record data is ${Array.isArray(root) ? 'an array' : typeof root}, not an object`,
    };
  const ctx: TransformContext = { source: plan.source, record: root };
  const key = resolveKey(plan.keyRules, root, new Map(), ctx);
  if ('missing' in key)
    return {
      kind: 'rejected',
      code: 'missing_primary_key',
      reason: `${record.source} ${record.stream} record has no primary key (${key.missing} is missing or empty)`,
    };
  if ('bad' in key)
    return {
      kind: 'rejected',
      code: 'bad_primary_key',
      reason: `${record.source} ${record.stream} record has an unusable primary key: ${key.bad}`,
    };
  const sourceId = key.id;
  const problems: FieldProblem[] = [];

  let cursor: string | null = null;
  for (const c of plan.cursorRules) {
    const e = evaluate(c, root, new Map(), 0, ctx);
    if (e.problem) {
      problems.push({
        entity: (plan.top ?? plan.children[0])!.entity,
        field: '_cursor',
        value: readRaw(c, root, new Map(), 0),
        message: e.problem,
      });
      continue;
    }
    if (e.value === null || e.value === undefined) continue;
    cursor = e.value instanceof Date ? e.value.toISOString() : String(e.value);
    break;
  }

  const rows: MappedRow[] = [];
  if (plan.top) {
    const built = buildRow(plan.top, root, new Map(), 0, ctx);
    if (built.missingRequired.length)
      return {
        kind: 'rejected',
        code: 'bad_required_value',
        sourceId,
        reason: `${record.source} ${record.stream} ${sourceId}: required ${plan.top.entity} ${built.missingRequired.length > 1 ? 'fields' : 'field'} ${built.missingRequired.join(', ')} missing or not convertible${built.problems.length ? `: ${built.problems.map((p) => p.message).join('; ')}` : ''}`,
      };
    problems.push(...built.problems);
    rows.push({ entity: plan.top.entity, key: sourceId, fields: built.fields, refs: built.refs });
  }

  for (const childPlan of plan.children) {
    const spec = childPlan.child!;
    let parentId: string | undefined;
    if (spec.parentRules) {
      const p = resolveKey(spec.parentRules, root, new Map(), ctx);
      if (!('id' in p))
        return {
          kind: 'rejected',
          code: 'missing_primary_key',
          sourceId,
          reason: `${record.source} ${record.stream} ${sourceId}: no ${spec.parent} id for its ${childPlan.entity} rows (${'missing' in p ? `${p.missing} is missing` : p.bad})`,
        };
      parentId = p.id;
    } else parentId = sourceId;
    const seen = new Set<string>();
    contexts(root, spec.prefix).forEach((bindings, seq) => {
      const built = buildRow(childPlan, root, bindings, seq, ctx);
      if (spec.key === 'segment_index' && !childPlan.fields.has('segment_index'))
        built.fields.segment_index = seq;
      const k =
        keyText(built.fields[spec.key] ?? null) ??
        (typeof built.fields[spec.key] === 'number' ? String(built.fields[spec.key]) : null);
      if (k === null || built.missingRequired.length) {
        problems.push(...built.problems);
        problems.push({
          entity: childPlan.entity,
          field: k === null ? spec.key : (built.missingRequired[0]?.split(' ')[0] ?? spec.key),
          value: '',
          message: `${childPlan.entity} row ${seq} of ${record.stream} ${sourceId} dropped: ${k === null ? `no ${spec.key}` : `required ${built.missingRequired.join(', ')} missing`}`,
        });
        return;
      }
      if (seen.has(k)) return; // the same participant / member twice in one record
      seen.add(k);
      problems.push(...built.problems);
      rows.push({
        entity: childPlan.entity,
        key: k,
        parent: { entity: spec.parent, source: plan.source, sourceId: parentId! },
        fields: built.fields,
        refs: built.refs,
      });
    });
  }
  return { kind: 'mapped', sourceId, cursor, rows, problems };
}
