import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { getDomain } from 'tldts';
import { z } from 'zod';
import { ENTITY_NAMES, type EntityName, type SourceName } from './types.js';

/**
 * Named, pure transforms that turn a source value into a canonical value. `source_mappings.transform` names
 * one of them and `source_mappings.transform_args` holds its arguments (checked by the transform's zod
 * schema when the dictionary is loaded). A value a transform cannot convert is a problem, never a throw:
 * the record still lands, the field is null and the problem becomes a quality violation.
 *
 * The mapper never calls a transform with a missing value (undefined, null, or a string that is empty after
 * trimming: HubSpot sends `""` next to nulls); those map to null, except for transforms with
 * `acceptsMissing` (constant).
 */

/** Another row a value names: becomes a `RowRef` (resolved to a uuid by the lander, possibly later). */
export interface RefTarget {
  entity: EntityName;
  source: SourceName;
  sourceId: string;
}

export type TransformResult =
  { ok: true; value: unknown; ref?: RefTarget | undefined } | { ok: false; message: string };

export interface TransformContext {
  /** Source of the record; the default source of references. */
  source: SourceName;
  /** The whole record (`IncomingRecord.data`), for transforms that look elsewhere in it (lookup). */
  record: Record<string, unknown>;
}

export interface TransformDef<A = unknown> {
  name: string;
  description: string;
  args: z.ZodType<A>;
  /** Called even when the value is missing. */
  acceptsMissing?: boolean;
  apply(value: unknown, args: A, ctx: TransformContext): TransformResult;
}

const ok = (value: unknown, ref?: RefTarget): TransformResult =>
  ref ? { ok: true, value, ref } : { ok: true, value };
const fail = (message: string): TransformResult => ({ ok: false, message });

/** How a value is quoted in problem messages (short, JSON-ish). */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value instanceof Date) s = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// ---------------------------------------------------------------------------------------------------------
// Text, ids, emails, phones, domains

/** Text: trims strings; numbers and booleans become their text; objects and arrays are a problem. */
export function toText(value: unknown, maxLength?: number): TransformResult {
  let s: string;
  if (typeof value === 'string') s = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) s = String(value);
  else if (typeof value === 'boolean' || typeof value === 'bigint') s = String(value);
  else return fail(`expected text, got ${kindOf(value)} ${show(value)}`);
  if (s === '') return ok(null);
  if (maxLength !== undefined && s.length > maxLength) s = s.slice(0, maxLength);
  return ok(s);
}

/**
 * A source identifier, always text. Strings stay exact (trimmed). A JSON number is accepted only when it is a
 * safe integer (HubSpot v1 ids such as 11257289597, owner ids 52550153): beyond 2^53 the JSON parser has
 * already rounded it (a 19-20 digit Gong id sent as a number), so it cannot be trusted and is a problem.
 */
export function toId(value: unknown): TransformResult {
  if (typeof value === 'string') {
    const s = value.trim();
    return s === '' ? ok(null) : ok(s);
  }
  if (typeof value === 'bigint') return ok(value.toString());
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return ok(String(value));
    if (Number.isInteger(value))
      return fail(
        `id ${show(value)} arrived as a JSON number beyond 2^53: its digits were already rounded when the JSON was parsed, so it cannot be trusted (ids must be sent as strings)`,
      );
    return fail(`id must be text or an integer, got the number ${show(value)}`);
  }
  return fail(`id must be text, got ${kindOf(value)} ${show(value)}`);
}

const EMAIL_SHAPE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** Lowercased, trimmed email. Accepts `mailto:x` and `Name <x>`; anything not shaped like an email is a problem. */
export function toEmail(value: unknown): TransformResult {
  if (typeof value !== 'string')
    return fail(`expected an email address, got ${kindOf(value)} ${show(value)}`);
  let s = value.trim();
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle?.[1]) s = angle[1].trim();
  s = s.replace(/^mailto:/i, '').toLowerCase();
  if (s === '') return ok(null);
  if (!EMAIL_SHAPE.test(s) || s.includes('..')) return fail(`${show(value)} is not an email address`);
  return ok(s);
}

/** A phone number in E.164 form (+15034217800); numbers without a country code use `region` (default US). */
export function toE164(value: unknown, region = 'US'): TransformResult {
  let s: string;
  if (typeof value === 'string') s = value.trim();
  else if (typeof value === 'number' && Number.isSafeInteger(value)) s = String(value);
  else return fail(`expected a phone number, got ${kindOf(value)} ${show(value)}`);
  if (s === '') return ok(null);
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(s, region as CountryCode);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !parsed.isValid())
    return fail(`${show(value)} is not a valid phone number (default region ${region})`);
  return ok(parsed.format('E.164'));
}

/**
 * The registrable domain (example.co.uk) of a URL, an email address or a bare host name: scheme, path, port,
 * `www.` and other subdomains dropped, lowercased. IP addresses and names without a public suffix are problems.
 */
export function toDomain(value: unknown): TransformResult {
  if (typeof value !== 'string')
    return fail(`expected a URL, email or host name, got ${kindOf(value)} ${show(value)}`);
  let s = value.trim().toLowerCase();
  if (s === '') return ok(null);
  const at = s.lastIndexOf('@');
  if (at >= 0 && !s.includes('://')) s = s.slice(at + 1);
  const domain = getDomain(s, { allowPrivateDomains: false });
  if (!domain) return fail(`no registrable domain in ${show(value)}`);
  return ok(domain);
}

// ---------------------------------------------------------------------------------------------------------
// Time

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

function plausible(date: Date, original: unknown): TransformResult {
  const t = date.getTime();
  if (Number.isNaN(t)) return fail(`${show(original)} is not a timestamp`);
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR)
    return fail(`${show(original)} gives the year ${year}, outside ${MIN_YEAR}-${MAX_YEAR}`);
  return ok(date);
}

/** Epoch number to Date: 12 or more integer digits are milliseconds, fewer are seconds (fractions allowed). */
function fromEpoch(n: number, original: unknown, unit?: 'ms' | 's'): TransformResult {
  if (!Number.isFinite(n)) return fail(`${show(original)} is not a timestamp`);
  const digits = String(Math.trunc(Math.abs(n))).length;
  const ms = (unit ?? (digits >= 12 ? 'ms' : 's')) === 'ms' ? n : n * 1000;
  return plausible(new Date(Math.round(ms)), original);
}

/**
 * A timestamp from any format the sources send, as a Date (UTC instant):
 * ISO 8601 with `Z`, `+00:00`, `+0000`, `-04:00` or `+05` (Salesforce `2020-10-22T21:03:23.000+0000`, HubSpot
 * `2021-02-22T14:01:11.762000+00:00`, Gong `2024-05-02T11:00:00-04:00`), with or without seconds and with any
 * number of fraction digits (beyond milliseconds truncated); `YYYY-MM-DD HH:MM:SS` and ISO without a zone
 * (taken as UTC); a date alone (midnight UTC); epoch milliseconds or seconds as a number or numeric string
 * (12+ integer digits = ms); Slack `ts` "1700000000.123456" (seconds with microseconds).
 */
export function toTimestamp(value: unknown): TransformResult {
  if (value instanceof Date) return plausible(new Date(value.getTime()), value);
  if (typeof value === 'number') return fromEpoch(value, value);
  if (typeof value !== 'string') return fail(`expected a timestamp, got ${kindOf(value)} ${show(value)}`);
  const s = value.trim();
  if (s === '') return ok(null);
  if (NUMERIC.test(s)) return fromEpoch(Number(s), value);
  const m = ISO_LIKE.exec(s);
  if (!m) return fail(`${show(value)} is not a timestamp in a known format`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = sec ? Number(sec) : 0;
  const millis = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60)
    return fail(`${show(value)} is not a valid date and time`);
  let t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  const check = new Date(t);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1)
    return fail(`${show(value)} is not a valid date (no such day)`);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 14 || om > 59) return fail(`${show(value)} has an invalid UTC offset ${zone}`);
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return plausible(new Date(t), value);
}

/** A calendar date 'YYYY-MM-DD' (the UTC date of a timestamp in any format above). */
export function toDate(value: unknown): TransformResult {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    const r = toTimestamp(value);
    return r.ok ? ok(value.trim()) : r;
  }
  const r = toTimestamp(value);
  if (!r.ok || r.value === null) return r;
  return ok((r.value as Date).toISOString().slice(0, 10));
}

function numberish(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Epoch milliseconds (number or numeric string) to Date. */
export function fromEpochMs(value: unknown): TransformResult {
  const n = numberish(value);
  if (n === undefined) return fail(`expected epoch milliseconds, got ${show(value)}`);
  return fromEpoch(n, value, 'ms');
}

/** Epoch seconds (number or numeric string, fractions allowed) to Date. */
export function fromEpochSeconds(value: unknown): TransformResult {
  const n = numberish(value);
  if (n === undefined) return fail(`expected epoch seconds, got ${show(value)}`);
  return fromEpoch(n, value, 's');
}

const SLACK_TS = /^\d{9,11}\.\d{1,6}$/;

/** Slack `ts` ("1700000000.123456", seconds.microseconds) to Date (millisecond precision). */
export function fromSlackTs(value: unknown): TransformResult {
  const s =
    typeof value === 'number' ? value.toFixed(6) : typeof value === 'string' ? value.trim() : undefined;
  if (s === undefined || !SLACK_TS.test(s))
    return fail(`${show(value)} is not a Slack ts (seconds.microseconds)`);
  return fromEpoch(Number(s), value, 's');
}

/**
 * Slack `ts` kept as its exact text (it is the message id within a channel). A float (Airbyte `float_ts`) is
 * formatted back with 6 decimals; the string form is preferred because a double cannot hold every ts exactly.
 */
export function slackTsText(value: unknown): TransformResult {
  const s =
    typeof value === 'number' ? value.toFixed(6) : typeof value === 'string' ? value.trim() : undefined;
  if (s === undefined || !SLACK_TS.test(s))
    return fail(`${show(value)} is not a Slack ts (seconds.microseconds)`);
  return ok(s);
}

/**
 * An IANA time zone (America/Los_Angeles), canonicalised by the runtime's zone database. Accepts any case and
 * HubSpot's option values (`america_slash_los_angeles`); anything the runtime does not know is a problem.
 */
export function toTimeZone(value: unknown): TransformResult {
  if (typeof value !== 'string')
    return fail(`expected a time zone name, got ${kindOf(value)} ${show(value)}`);
  let s = value.trim();
  if (s === '') return ok(null);
  if (s.includes('_slash_'))
    s = s
      .split('_slash_')
      .map((part) =>
        part
          .split('_')
          .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
          .join('_'),
      )
      .join('/');
  try {
    const zone = new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
    return ok(zone);
  } catch {
    return fail(`${show(value)} is not a known time zone`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Numbers and booleans

/** A finite number (numbers and numeric strings), times `scale` when given. */
export function toNumber(value: unknown, scale?: number): TransformResult {
  const n = numberish(value);
  if (n === undefined) return fail(`expected a number, got ${kindOf(value)} ${show(value)}`);
  return ok(scale === undefined ? n : n * scale);
}

/** An integer: like number, then rounded to the nearest integer (125000 ms * 0.001 = 125 s). */
export function toInteger(value: unknown, scale?: number): TransformResult {
  const r = toNumber(value, scale);
  if (!r.ok) return fail(r.message.replace('expected a number', 'expected an integer'));
  const n = Math.round(r.value as number);
  if (Math.abs(n) > 2_147_483_647) return fail(`${show(value)} is out of the integer range`);
  return ok(n);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off']);

/** A boolean from true/false, 1/0, and the words true/false, yes/no, y/n, on/off, t/f (any case). */
export function toBoolean(value: unknown, invert = false): TransformResult {
  let b: boolean | undefined;
  if (typeof value === 'boolean') b = value;
  else if (value === 1 || value === 0) b = value === 1;
  else if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) b = true;
    else if (FALSE_WORDS.has(w)) b = false;
  }
  if (b === undefined) return fail(`expected a boolean, got ${kindOf(value)} ${show(value)}`);
  return ok(invert ? !b : b);
}

// ---------------------------------------------------------------------------------------------------------
// Text cleaning, arrays, joins, enums

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/** Plain text from HTML: tags removed (block ends become line breaks), entities decoded, blank runs collapsed. */
export function stripHtml(value: unknown): TransformResult {
  if (typeof value !== 'string') return fail(`expected HTML text, got ${kindOf(value)} ${show(value)}`);
  const text = value
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith('#') && lower !== '#39') return String.fromCodePoint(Number(lower.slice(1)));
      return ENTITIES[lower] ?? whole;
    })
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return ok(text === '' ? null : text);
}

/** De-duplicated array (HubSpot association arrays repeat ids: ["151","151"]); ids compared as text. */
export function dedupe(value: unknown): TransformResult {
  if (!Array.isArray(value)) return fail(`expected an array, got ${kindOf(value)} ${show(value)}`);
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of value) {
    if (item === null || item === undefined || item === '') continue;
    const k = typeof item === 'object' ? JSON.stringify(item) : String(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return ok(out);
}

/** Joins several values (a multi-path mapping) with `separator`; with `requireAll` any missing part gives null. */
export function join(value: unknown, separator = ' ', requireAll = false): TransformResult {
  const parts = Array.isArray(value) ? value : [value];
  const texts: string[] = [];
  for (const part of parts) {
    if (part === null || part === undefined) {
      if (requireAll) return ok(null);
      continue;
    }
    const t = toText(part);
    if (!t.ok) return t;
    if (t.value === null) {
      if (requireAll) return ok(null);
      continue;
    }
    texts.push(t.value as string);
  }
  return ok(texts.length ? texts.join(separator) : null);
}

/**
 * Maps source values to canonical ones (Gong `Inbound` -> `inbound`). Matching ignores case and surrounding
 * blanks unless `caseSensitive`. A value not in the map: `otherwise` when given (may be null), the value
 * itself with `passthrough`, otherwise a problem.
 */
export function mapEnum(
  value: unknown,
  args: {
    values: Record<string, unknown>;
    otherwise?: unknown;
    passthrough?: boolean;
    caseSensitive?: boolean;
  },
): TransformResult {
  const t = toText(value);
  if (!t.ok) return t;
  if (t.value === null) return ok(null);
  const s = t.value as string;
  if (Object.prototype.hasOwnProperty.call(args.values, s)) return ok(args.values[s]);
  if (!args.caseSensitive) {
    const lower = s.toLowerCase();
    for (const [k, v] of Object.entries(args.values)) if (k.trim().toLowerCase() === lower) return ok(v);
  }
  if ('otherwise' in args) return ok(args.otherwise ?? null);
  if (args.passthrough) return ok(s);
  return fail(`${show(value)} is not one of ${Object.keys(args.values).join(', ')}`);
}

/** [{name, value}, ...] (Gong interactionStats) to {name: value, ...}. */
export function pairsToObject(value: unknown, nameKey = 'name', valueKey = 'value'): TransformResult {
  if (!Array.isArray(value))
    return fail(`expected a list of name/value pairs, got ${kindOf(value)} ${show(value)}`);
  const out: Record<string, unknown> = {};
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const rec = item as Record<string, unknown>;
    const name = rec[nameKey];
    if (typeof name === 'string' && name !== '') out[name] = rec[valueKey] ?? null;
  }
  return ok(out);
}

/** A JSON value kept as sent (objects and arrays; scalars are kept too). */
export function toJson(value: unknown): TransformResult {
  if (typeof value === 'function' || typeof value === 'symbol') return fail(`not JSON: ${kindOf(value)}`);
  return ok(value);
}

// ---------------------------------------------------------------------------------------------------------
// References

/**
 * A value that names another record: a RowRef to `entity` in `source` (the record's own source by default).
 * With `prefix` (Salesforce key prefixes: 001 account, 003 contact, 00Q lead, 005 user, 006 opportunity) an
 * id with another prefix is not a reference of this mapping (polymorphic WhoId/WhatId): null, no problem.
 */
export function toReference(
  value: unknown,
  args: { entity: EntityName; source?: SourceName | undefined; prefix?: string | string[] | undefined },
  ctx: TransformContext,
): TransformResult {
  const id = toId(value);
  if (!id.ok || id.value === null) return id;
  const sourceId = id.value as string;
  if (args.prefix !== undefined) {
    const prefixes = Array.isArray(args.prefix) ? args.prefix : [args.prefix];
    if (!prefixes.some((p) => sourceId.startsWith(p))) return ok(null);
  }
  return ok(null, { entity: args.entity, source: args.source ?? ctx.source, sourceId });
}

/** The first id of an association array (HubSpot `companies: ["151","151"]`), de-duplicated, as a RowRef. */
export function toFirstReference(
  value: unknown,
  args: { entity: EntityName; source?: SourceName | undefined },
  ctx: TransformContext,
): TransformResult {
  const list = Array.isArray(value) ? value : [value];
  const unique = dedupe(list);
  if (!unique.ok) return unique;
  const first = (unique.value as unknown[])[0];
  if (first === undefined) return ok(null);
  return toReference(first, args, ctx);
}

const CRM_SOURCES: Record<string, SourceName> = { salesforce: 'salesforce', hubspot: 'hubspot' };

/**
 * Gong CRM context (`extensiveCalls.context[]` or `parties[].context[]`: [{system, objects: [{objectType,
 * objectId, timing, fields}]}]) to a RowRef to the CRM object of `objectType` (Account -> accounts,
 * Opportunity -> opportunities, Contact/Lead -> contacts, User -> users). The same object appears at `Now` and
 * `TimeOfCall`; Salesforce is preferred over HubSpot; systems Sophia does not ingest (Generic,
 * MicrosoftDynamic) are ignored. Party context arriving as an object (as Airbyte's schema declares it) is
 * read the same way.
 */
export function gongCrmReference(
  value: unknown,
  args: { objectType: string | string[]; entity: EntityName },
): TransformResult {
  const systems = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : undefined;
  if (!systems)
    return fail(`expected Gong CRM context (a list of systems), got ${kindOf(value)} ${show(value)}`);
  const wanted = (Array.isArray(args.objectType) ? args.objectType : [args.objectType]).map((t) =>
    t.toLowerCase(),
  );
  const found: RefTarget[] = [];
  for (const sys of systems) {
    if (!sys || typeof sys !== 'object') continue;
    const system = String((sys as Record<string, unknown>).system ?? '').toLowerCase();
    const source = CRM_SOURCES[system];
    if (!source) continue;
    const objects = (sys as Record<string, unknown>).objects;
    if (!Array.isArray(objects)) continue;
    for (const obj of objects) {
      if (!obj || typeof obj !== 'object') continue;
      const o = obj as Record<string, unknown>;
      if (!wanted.includes(String(o.objectType ?? '').toLowerCase())) continue;
      const id = toId(o.objectId);
      if (!id.ok) return fail(`Gong CRM context ${String(o.objectType)}: ${id.message}`);
      if (id.value === null) continue;
      found.push({ entity: args.entity, source, sourceId: id.value as string });
    }
  }
  found.sort((a, b) => (a.source === b.source ? 0 : a.source === 'salesforce' ? -1 : 1));
  return ok(null, found[0]);
}

/** Reads `path` of the record root into a list and finds the item whose `match` equals the value (lookup join). */
export function lookup(
  value: unknown,
  args: { list: string; match: string; take: string; scale?: number | undefined },
  ctx: TransformContext,
): TransformResult {
  let list: unknown = ctx.record;
  for (const part of args.list.split('.')) {
    list = list && typeof list === 'object' ? (list as Record<string, unknown>)[part] : undefined;
  }
  if (!Array.isArray(list)) return ok(null);
  const key = String(value);
  for (const item of list) {
    if (item && typeof item === 'object' && String((item as Record<string, unknown>)[args.match]) === key) {
      const v = (item as Record<string, unknown>)[args.take];
      if (v === null || v === undefined) return ok(null);
      return args.scale === undefined ? ok(v) : toNumber(v, args.scale);
    }
  }
  return ok(null);
}

// ---------------------------------------------------------------------------------------------------------
// The registry

const entityArg = z.enum(ENTITY_NAMES);
const sourceArg = z.enum(['gong', 'salesforce', 'hubspot', 'slack', 'sql']);
const none = z.strictObject({}).nullish();
const scaleArgs = z.strictObject({ scale: z.number().optional() }).nullish();

function def<S extends z.ZodType>(
  name: string,
  description: string,
  args: S,
  apply: (value: unknown, args: z.output<S>, ctx: TransformContext) => TransformResult,
  acceptsMissing = false,
): TransformDef<z.output<S>> {
  return { name, description, args: args as unknown as z.ZodType<z.output<S>>, apply, acceptsMissing };
}

export const TRANSFORMS: Record<string, TransformDef<never>> = Object.fromEntries(
  [
    def('identity', 'The value as sent.', none, (v) => ok(v)),
    def(
      'text',
      'Trimmed text; numbers and booleans as text.',
      z.strictObject({ maxLength: z.number().int().positive().optional() }).nullish(),
      (v, a) => toText(v, a?.maxLength),
    ),
    def('lowercase', 'Trimmed, lowercased text.', none, (v) => {
      const t = toText(v);
      return t.ok && typeof t.value === 'string' ? ok(t.value.toLowerCase()) : t;
    }),
    def('id', 'A source id, always text (JSON numbers beyond 2^53 are refused).', none, (v) => toId(v)),
    def('email', 'Lowercased email address, shape checked.', none, (v) => toEmail(v)),
    def(
      'e164',
      'Phone number in E.164 form; numbers without a country code use the region (default US).',
      z.strictObject({ region: z.string().length(2).optional() }).nullish(),
      (v, a) => toE164(v, a?.region ?? 'US'),
    ),
    def('domain', 'Registrable domain of a URL, email or host.', none, (v) => toDomain(v)),
    def('time_zone', 'An IANA time zone (also from HubSpot america_slash_new_york).', none, (v) =>
      toTimeZone(v),
    ),
    def('timestamp', 'A timestamp in any format the sources send, as a UTC instant.', none, (v) =>
      toTimestamp(v),
    ),
    def('date', 'A calendar date YYYY-MM-DD.', none, (v) => toDate(v)),
    def('epoch_ms', 'Epoch milliseconds to a timestamp.', none, (v) => fromEpochMs(v)),
    def('epoch_seconds', 'Epoch seconds to a timestamp.', none, (v) => fromEpochSeconds(v)),
    def('slack_ts', 'Slack ts (seconds.microseconds) to a timestamp.', none, (v) => fromSlackTs(v)),
    def('slack_ts_text', 'Slack ts kept as exact text.', none, (v) => slackTsText(v)),
    def('integer', 'An integer (rounded), optionally scaled.', scaleArgs, (v, a) => toInteger(v, a?.scale)),
    def('number', 'A number, optionally scaled.', scaleArgs, (v, a) => toNumber(v, a?.scale)),
    def(
      'boolean',
      'A boolean from true/false, 1/0, yes/no.',
      z.strictObject({ invert: z.boolean().optional() }).nullish(),
      (v, a) => toBoolean(v, a?.invert ?? false),
    ),
    def('html_text', 'Plain text from HTML.', none, (v) => stripHtml(v)),
    def('dedupe', 'An array without repeated items.', none, (v) => dedupe(v)),
    def(
      'join',
      'Several paths joined into one text (e.g. first and last name).',
      z.strictObject({ separator: z.string().optional(), requireAll: z.boolean().optional() }).nullish(),
      (v, a) => join(v, a?.separator ?? ' ', a?.requireAll ?? false),
    ),
    def(
      'enum',
      'A value map (source value -> canonical value).',
      z.strictObject({
        values: z.record(z.string(), z.unknown()),
        otherwise: z.unknown().optional(),
        passthrough: z.boolean().optional(),
        caseSensitive: z.boolean().optional(),
      }),
      (v, a) => mapEnum(v, a),
    ),
    def(
      'constant',
      'A fixed value, whatever the record holds (e.g. the kind of a Salesforce Task).',
      z.strictObject({ value: z.unknown() }),
      (_v, a) => ok(a.value ?? null),
      true,
    ),
    def(
      'pairs_to_object',
      'A list of {name, value} pairs to one object.',
      z.strictObject({ nameKey: z.string().optional(), valueKey: z.string().optional() }).nullish(),
      (v, a) => pairsToObject(v, a?.nameKey, a?.valueKey),
    ),
    def('json', 'A JSON value kept as sent.', none, (v) => toJson(v)),
    def(
      'reference',
      'An id naming another record: a reference resolved by source id.',
      z.strictObject({
        entity: entityArg,
        source: sourceArg.optional(),
        prefix: z.union([z.string(), z.array(z.string())]).optional(),
      }),
      (v, a, ctx) => toReference(v, a, ctx),
    ),
    def(
      'first_reference',
      'The first id of a (de-duplicated) association array, as a reference.',
      z.strictObject({ entity: entityArg, source: sourceArg.optional() }),
      (v, a, ctx) => toFirstReference(v, a, ctx),
    ),
    def(
      'gong_crm_reference',
      'A Salesforce/HubSpot object in Gong CRM context, as a reference.',
      z.strictObject({ objectType: z.union([z.string(), z.array(z.string())]), entity: entityArg }),
      (v, a) => gongCrmReference(v, a),
    ),
    def(
      'lookup',
      'The value of `take` in the item of list `list` (a path from the record root) whose `match` equals the value.',
      z.strictObject({ list: z.string(), match: z.string(), take: z.string(), scale: z.number().optional() }),
      (v, a, ctx) => lookup(v, a, ctx),
    ),
  ].map((d) => [d.name, d as TransformDef<never>]),
);

/** Transforms whose result is a reference (they fill `MappedRow.refs`, not `fields`). */
export const REFERENCE_TRANSFORMS = new Set(['reference', 'first_reference', 'gong_crm_reference']);

/** Checks transform arguments; returns the parsed arguments or a readable error. */
export function parseTransformArgs(
  name: string,
  args: unknown,
): { ok: true; args: unknown } | { ok: false; message: string } {
  const t = TRANSFORMS[name];
  if (!t)
    return {
      ok: false,
      message: `unknown transform '${name}' (known: ${Object.keys(TRANSFORMS).join(', ')})`,
    };
  const parsed = (t.args as z.ZodType).safeParse(args ?? undefined);
  if (!parsed.success)
    return {
      ok: false,
      message: `bad arguments for transform '${name}': ${parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; ')}`,
    };
  return { ok: true, args: parsed.data };
}

/** Applies a transform by name (arguments already parsed). Unknown names and exceptions become problems. */
export function applyTransform(
  name: string,
  value: unknown,
  args: unknown,
  ctx: TransformContext,
): TransformResult {
  const t = TRANSFORMS[name] as TransformDef<unknown> | undefined;
  if (!t) return fail(`unknown transform '${name}'`);
  try {
    return t.apply(value, args, ctx);
  } catch (err) {
    return fail(`transform '${name}' failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
