import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import type { z } from 'zod';

/**
 * The JSON schemas tools/list hands a host (and, for input schemas, the host's model on every turn). zod's
 * rendering carries validation detail the model does not need to call a tool well: the server validates every
 * call against the full zod schema and answers a wrong argument with a message saying how to fix it. A lean
 * schema keeps what tells the model what to send (types, enums, required, defaults, short descriptions, small
 * limits and short format patterns) and drops:
 *   - `$schema` (every schema repeats it),
 *   - `additionalProperties: false` (unknown arguments are refused by the server with the list of valid ones),
 *   - `maximum`/`minimum` of ±2^53-1 (zod's `.int()` bounds; they say nothing),
 *   - `maxLength` of 100 or more (abuse limits, not a format),
 *   - `pattern`s longer than 24 characters (validation rules such as GitHub's name rules; the description
 *     says the format and the server's error names the rule),
 * and writes a nullable `anyOf: [{type: X}, {type: 'null'}]` as `type: [X, 'null']`.
 *
 * Leaning only relaxes a schema: anything valid before is valid after, so a client that validates
 * `structuredContent` against the listed output schema accepts every answer it accepted before.
 */
export const LEAN_MAX_PATTERN_CHARS = 24;
export const LEAN_MAX_LENGTH_KEPT = 100;

/** Keywords whose values are data (an argument's default, allowed values), never schemas to lean. */
const DATA_KEYWORDS = new Set(['default', 'enum', 'const', 'examples', 'required']);

export function leanJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(leanJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'maximum' || key === 'minimum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER)
      continue;
    if (key === 'maxLength' && typeof value === 'number' && value >= LEAN_MAX_LENGTH_KEPT) continue;
    if (key === 'pattern' && typeof value === 'string' && value.length > LEAN_MAX_PATTERN_CHARS) continue;
    if (DATA_KEYWORDS.has(key)) {
      out[key] = value;
      continue;
    }
    if (key === 'properties' && value && typeof value === 'object') {
      // Property names are data, not keywords: lean each property's schema, keep every name.
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leanJsonSchema(v)]));
      continue;
    }
    out[key] = leanJsonSchema(value);
  }
  return collapseNullable(out);
}

/** `anyOf: [{type: X, ...}, {type: 'null'}]` with no other keywords in the way becomes `type: [X, 'null']`. */
function collapseNullable(schema: Record<string, unknown>): Record<string, unknown> {
  const anyOf = schema.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2 || 'type' in schema) return schema;
  const isNull = (s: unknown) =>
    typeof s === 'object' &&
    s !== null &&
    Object.keys(s).length === 1 &&
    (s as { type?: unknown }).type === 'null';
  const other = anyOf.find((s) => !isNull(s)) as Record<string, unknown> | undefined;
  if (!other || !anyOf.some(isNull) || typeof other.type !== 'string') return schema;
  // enum/const would have to list null too; nested anyOf/allOf/not are left as they are.
  if (['enum', 'const', 'anyOf', 'allOf', 'oneOf', 'not'].some((k) => k in other)) return schema;
  if (Object.keys(other).some((k) => k in schema && k !== 'anyOf')) return schema;
  const { anyOf: _drop, ...rest } = schema;
  return { ...rest, ...other, type: [other.type, 'null'] };
}

/** A tool's input schema as tools/list lists it. */
export function listedInputSchema(input: z.ZodObject): Record<string, unknown> {
  return leanJsonSchema(toJsonSchemaCompat(input, { strictUnions: true, pipeStrategy: 'input' })) as Record<
    string,
    unknown
  >;
}

/** A tool's output schema as tools/list lists it. */
export function listedOutputSchema(output: z.ZodObject): Record<string, unknown> {
  return leanJsonSchema(toJsonSchemaCompat(output, { strictUnions: true, pipeStrategy: 'output' })) as Record<
    string,
    unknown
  >;
}
