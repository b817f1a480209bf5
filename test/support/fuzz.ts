import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';

/**
 * Schema-driven fuzzing of an MCP server's tools with fast-check: arguments are generated from each tool's
 * published input schema (tools/list), mostly valid, mixed with hostile values (wrong types, NUL bytes,
 * unpaired surrogates, huge strings and numbers, unknown keys, arguments that are not an object), and sent
 * through a real MCP client. Every answer is classified; a case fails when the server faults:
 *  - a JSON-RPC internal error (-32603) or any error that is not a JSON-RPC error (a transport failure);
 *  - a tool error saying "this is an error in Sophia", an unmapped database error (SQLSTATE ...), or an
 *    answer that broke the tool's own output schema.
 * Tool errors explaining bad input and JSON-RPC invalid-params errors are the expected outcomes.
 * Used by test/resilience/fuzz.test.ts (modest counts) and bench/fuzz.ts (larger counts, prints numbers).
 */
type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
};

export interface FuzzTool {
  name: string;
  inputSchema: JsonSchema;
}

/** Values no schema allows, and strings a database rejects. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      null,
      true,
      -1,
      0,
      1e308,
      -9007199254740991,
      1.5,
      '',
      ' ',
      'a\u0000b',
      '\u0000',
      '\ud800',
      'x\udfff',
      '😀',
      '../../../../etc/passwd',
      "'; drop table accounts; --",
      '%s%n',
      '\u202e',
      [],
      {},
      { '': null },
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'binary', minLength: 3000, maxLength: 6000 }),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    fc.integer(),
    fc.double(),
  );
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter(
          (s) =>
            s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Number.MAX_SAFE_INTEGER),
        );
    } catch {
      // a pattern fast-check cannot generate from (e.g. lookaheads): plain strings below
    }
  }
  return fc.string({
    unit: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...'abcdefghij_-./ 0123456789') },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    ),
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 40, 60),
  });
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max = Math.min(
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000),
    Number.MAX_SAFE_INTEGER,
  );
  const edges = fc.constantFrom(min, max, Math.max(min, Math.min(max, 1)));
  const any = integer
    ? fc.integer({ min: Math.max(min, -2_147_483_648), max: Math.min(max, 2_147_483_647) })
    : fc.double({ min, max, noNaN: true });
  return fc.oneof(edges, any);
}

/** Values for `schema`, mostly valid; `hostileWeight` of 0 gives valid values only (as far as the schema says). */
export function valueFor(schema: JsonSchema, hostileWeight = 1, depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, hostileWeight, depth);
  if (hostileWeight === 0) return valid;
  return fc.oneof({ weight: 15, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostileValue() });
}

function validFor(schema: JsonSchema, hostileWeight: number, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((v) => validFor(v, hostileWeight, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(
        depth > 3 ? fc.constant(null) : valueFor(schema.items ?? {}, hostileWeight, depth + 1),
        {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 4, 6),
        },
      );
    case 'object':
      return objectFor(schema, hostileWeight, depth + 1);
    default:
      return hostileValue();
  }
}

function objectFor(
  schema: JsonSchema,
  hostileWeight: number,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(props)) {
    shape[key] = depth > 4 ? fc.constant(null) : valueFor(sub, hostileWeight, depth);
  }
  const keys = Object.keys(shape);
  const base = fc.record(shape, {
    requiredKeys: keys.filter((k) => required.has(k) && hostileWeight === 0),
  });
  if (hostileWeight === 0) return base;
  // Now and then: an unknown key, or a required one dropped (the record above may drop it already).
  return fc.oneof(
    { weight: 9, arbitrary: base },
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.string({ minLength: 1, maxLength: 8 }), hostileValue())
        .map(([o, k, v]) => ({ ...o, [k]: v })),
    },
  );
}

/** Arguments for a tool call: an object from the schema, or (1 in 25) something that is not an object. */
export function argumentsFor(
  tool: FuzzTool,
  overrides: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const schema = tool.inputSchema;
  const objects = objectFor(schema, 1, 0).chain((o) => {
    const keys = Object.keys(overrides).filter((k) => k in o);
    if (keys.length === 0) return fc.constant(o);
    return fc.record(Object.fromEntries(keys.map((k) => [k, overrides[k]!]))).map((v) => ({ ...o, ...v }));
  });
  return fc.oneof(
    { weight: 24, arbitrary: objects },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constant([]),
        fc.string(),
        fc.integer(),
        fc.constant(true),
        fc.array(fc.string()),
      ),
    },
  );
}

export type Outcome = 'ok' | 'tool-error' | 'rpc-error' | 'fault';

export interface FuzzStats {
  cases: number;
  outcomes: Record<Outcome, number>;
  rpcCodes: Record<string, number>;
  faults: Array<{ tool: string; args: unknown; what: string }>;
  ms: number;
}

const FAULT_TEXT =
  /error in Sophia|SQLSTATE|does not match its declared schema|TypeError|ReferenceError|Cannot read propert|is not a function|\[object Object\]/;

/** One call, classified. */
export async function callClassified(
  client: Client,
  tool: string,
  args: unknown,
  timeoutMs: number,
): Promise<{ outcome: Outcome; what: string; code?: number }> {
  try {
    const r = await client.request(
      { method: 'tools/call', params: { name: tool, arguments: args as Record<string, unknown> } },
      CallToolResultSchema,
      { timeout: timeoutMs },
    );
    const text = (r.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
    if (!r.isError) return { outcome: 'ok', what: '' };
    if (FAULT_TEXT.test(text)) return { outcome: 'fault', what: text.slice(0, 400) };
    return { outcome: 'tool-error', what: text.slice(0, 200) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const what = err instanceof Error ? err.message : String(err);
    if (typeof code === 'number' && code !== -32603 && code !== -32001)
      return { outcome: 'rpc-error', what, code };
    return {
      outcome: 'fault',
      what: `${String(code)} ${what}`.slice(0, 400),
      ...(typeof code === 'number' ? { code } : {}),
    };
  }
}

/**
 * Fuzzes `tools` through `client` for `numRuns` cases (spread over the tools). Throws (with fast-check's
 * shrunk counterexample and seed) on the first fault; returns the counts otherwise.
 */
export async function fuzzTools(
  client: Client,
  tools: FuzzTool[],
  options: {
    numRuns: number;
    seed?: number;
    timeoutMs?: number;
    overrides?: Record<string, Record<string, fc.Arbitrary<unknown>>>;
  },
): Promise<FuzzStats> {
  const stats: FuzzStats = {
    cases: 0,
    outcomes: { ok: 0, 'tool-error': 0, 'rpc-error': 0, fault: 0 },
    rpcCodes: {},
    faults: [],
    ms: 0,
  };
  const started = Date.now();
  const cases = fc.oneof(
    ...tools.map((t) =>
      argumentsFor(t, options.overrides?.[t.name] ?? options.overrides?.['*'] ?? {}).map((args) => ({
        tool: t.name,
        args,
      })),
    ),
  );
  await fc.assert(
    fc.asyncProperty(cases, async ({ tool, args }) => {
      stats.cases++;
      const r = await callClassified(client, tool, args, options.timeoutMs ?? 30_000);
      stats.outcomes[r.outcome]++;
      if (r.code !== undefined) stats.rpcCodes[r.code] = (stats.rpcCodes[r.code] ?? 0) + 1;
      if (r.outcome === 'fault') {
        stats.faults.push({ tool, args, what: r.what });
        throw new Error(`${tool} faulted: ${r.what}`);
      }
    }),
    {
      numRuns: options.numRuns,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      endOnFailure: false,
    },
  );
  stats.ms = Date.now() - started;
  return stats;
}
