import { VectorStoreError } from './errors.js';
import type { Metadata, MetadataValue } from './metadata.js';

/**
 * Metadata filters, in the MongoDB-like form Pinecone documents (a common subset every backend can run):
 *   { collection: 'knowledge_base' }                       equality (for a list field: contains)
 *   { year: { $gte: 2024 } }   $eq $ne $gt $gte $lt $lte $in $nin
 *   { $and: [f1, f2] }  { $or: [f1, f2] }                   several keys in one object = $and
 * A missing field matches $ne and $nin and nothing else. Range operators compare numbers only.
 */
export type Scalar = string | number | boolean;
export type Operator = '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte' | '$in' | '$nin';
export type Filter = { [field: string]: Scalar | Partial<Record<Operator, Scalar | Scalar[]>> | Filter[] };

export type FilterNode =
  | { kind: 'and' | 'or'; children: FilterNode[] }
  | { kind: 'cmp'; field: string; op: Operator; value: Scalar | Scalar[] };

const FIELD = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const OPS = new Set<Operator>(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Validates a filter and turns it into a tree; throws VectorStoreError with the exact problem. */
export function parseFilter(filter: unknown, depth = 0): FilterNode {
  if (depth > 8) throw new VectorStoreError('filter is nested too deeply (at most 8 levels)');
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    throw new VectorStoreError('a filter must be an object such as { "field": "value" }');
  const children: FilterNode[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0)
        throw new VectorStoreError(`${key} needs a non-empty list of filters`);
      children.push({
        kind: key === '$and' ? 'and' : 'or',
        children: value.map((f) => parseFilter(f, depth + 1)),
      });
      continue;
    }
    if (!FIELD.test(key)) throw new VectorStoreError(`invalid filter field '${key}'`);
    if (isScalar(value)) {
      children.push({ kind: 'cmp', field: key, op: '$eq', value });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new VectorStoreError(`filter on '${key}' must be a value or an object of operators`);
    const entries = Object.entries(value);
    if (entries.length === 0) throw new VectorStoreError(`filter on '${key}' has no operator`);
    for (const [op, v] of entries) {
      if (!OPS.has(op as Operator)) throw new VectorStoreError(`unknown filter operator '${op}' on '${key}'`);
      if (op === '$in' || op === '$nin') {
        if (!Array.isArray(v) || v.length === 0 || !v.every(isScalar))
          throw new VectorStoreError(`${op} on '${key}' needs a non-empty list of values`);
      } else if (op === '$eq' || op === '$ne') {
        if (!isScalar(v)) throw new VectorStoreError(`${op} on '${key}' needs a string, number or boolean`);
      } else if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new VectorStoreError(`${op} on '${key}' needs a number`);
      }
      children.push({ kind: 'cmp', field: key, op: op as Operator, value: v as Scalar | Scalar[] });
    }
  }
  if (children.length === 0) throw new VectorStoreError('a filter must have at least one condition');
  return children.length === 1 ? children[0]! : { kind: 'and', children };
}

function eq(field: MetadataValue | undefined, v: Scalar): boolean {
  if (field === undefined) return false;
  if (Array.isArray(field)) return field.includes(v as string);
  return field === v;
}

/** Evaluates a filter against metadata (the reference semantics all backends must match). */
export function matches(node: FilterNode, metadata: Metadata): boolean {
  if (node.kind !== 'cmp')
    return node.kind === 'and'
      ? node.children.every((c) => matches(c, metadata))
      : node.children.some((c) => matches(c, metadata));
  const field = metadata[node.field];
  const v = node.value;
  switch (node.op) {
    case '$eq':
      return eq(field, v as Scalar);
    case '$ne':
      return !eq(field, v as Scalar);
    case '$in':
      return (v as Scalar[]).some((x) => eq(field, x));
    case '$nin':
      return !(v as Scalar[]).some((x) => eq(field, x));
    default: {
      if (typeof field !== 'number') return false;
      const n = v as number;
      return node.op === '$gt'
        ? field > n
        : node.op === '$gte'
          ? field >= n
          : node.op === '$lt'
            ? field < n
            : field <= n;
    }
  }
}
