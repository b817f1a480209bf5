import { doubleMetaphone, jaroWinkler, levenshtein } from './metrics.js';

/**
 * Comparisons per field, as Splink defines them: each field's kind gives an ordered list of comparison
 * levels (the first that holds wins). Level 0 is always "null" (either side missing: the field says nothing,
 * weight 0) and the last level is always "else" (the values disagree). Level 1 is always exact agreement of
 * the normalised values, which is the level term-frequency adjustment applies to.
 */
export type FieldKind = 'name' | 'company' | 'text' | 'exact' | 'id' | 'date' | 'number' | 'email' | 'phone';

export const FIELD_KINDS: readonly FieldKind[] = [
  'name',
  'company',
  'text',
  'exact',
  'id',
  'date',
  'number',
  'email',
  'phone',
];

export interface FieldSpec {
  /** The field's name in the input records. */
  name: string;
  kind: FieldKind;
  /** Term-frequency adjustment of exact agreement (default: on for every kind but number). */
  tf?: boolean;
}

/** A value prepared once per record, so pairs only compare. */
export interface Prepared {
  /** Normalised value (what exact agreement and term frequencies use). */
  v: string;
  /** Compact form: letters and digits only, legal forms dropped (company). */
  c?: string;
  /** Tokens (company, text). */
  t?: string[];
  /** Double Metaphone codes (name). */
  ph?: string[];
  /** Number (number) or day number (date). */
  n?: number;
  /** Email local part and domain. */
  local?: string;
  domain?: string;
}

interface KindDef {
  levels: readonly string[];
  prepare(raw: string): Prepared | null;
  /** Level index in 1..levels.length-1 (both sides present). */
  compare(a: Prepared, b: Prepared): number;
  /** The measure behind a level, for explanations ("Jaro-Winkler 0.96"). */
  measure?(a: Prepared, b: Prepared): string;
}

/** Lowercase, accents removed, whitespace collapsed; '' when nothing is left. */
export function normalise(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Legal forms and articles that do not tell two organisations apart. */
const LEGAL_FORMS = new Set([
  'llc',
  'l.l.c',
  'inc',
  'incorporated',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'lp',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'bv',
  'pty',
  'the',
]);

const words = (s: string): string[] => s.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
const jw = (a: Prepared, b: Prepared) => jaroWinkler(a.v, b.v);
const fmt = (x: number) => x.toFixed(2);

function tokenOverlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sa = new Set(a);
  let common = 0;
  for (const t of new Set(b)) if (sa.has(t)) common++;
  return common / Math.min(sa.size, new Set(b).size);
}

/** Day number of yyyy-mm-dd, yyyymmdd or an ISO timestamp; undefined when not a valid date. */
export function dayNumber(raw: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])/.exec(raw.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1) return undefined;
  return Math.round(t / 86_400_000);
}

const KINDS: Record<FieldKind, KindDef> = {
  name: {
    levels: [
      'null',
      'exact',
      'Jaro-Winkler >= 0.92',
      'Jaro-Winkler >= 0.88',
      'same sound',
      'Jaro-Winkler >= 0.70',
      'different',
    ],
    prepare(raw) {
      const v = words(normalise(raw)).join(' ');
      return v ? { v, ph: doubleMetaphone(v) } : null;
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      const s = jaroWinkler(a.v, b.v);
      if (s >= 0.92) return 2;
      if (s >= 0.88) return 3;
      if (a.ph!.some((p) => b.ph!.includes(p))) return 4;
      if (s >= 0.7) return 5;
      return 6;
    },
    measure: (a, b) => `Jaro-Winkler ${fmt(jw(a, b))}`,
  },
  company: {
    levels: [
      'null',
      'exact',
      'same ignoring spaces and legal form',
      'Jaro-Winkler >= 0.92',
      'most words shared',
      'Jaro-Winkler >= 0.80',
      'different',
    ],
    prepare(raw) {
      const all = words(normalise(raw));
      const t = all.filter((w) => !LEGAL_FORMS.has(w));
      const kept = t.length > 0 ? t : all;
      if (kept.length === 0) return null;
      return { v: all.join(' '), c: kept.join(''), t: kept };
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      if (a.c === b.c) return 2;
      const s = jaroWinkler(a.t!.join(' '), b.t!.join(' '));
      if (s >= 0.92) return 3;
      if (tokenOverlap(a.t!, b.t!) >= 0.66) return 4;
      if (s >= 0.8) return 5;
      return 6;
    },
    measure: (a, b) =>
      `Jaro-Winkler ${fmt(jaroWinkler(a.t!.join(' '), b.t!.join(' ')))}, words shared ${fmt(tokenOverlap(a.t!, b.t!))}`,
  },
  text: {
    levels: ['null', 'exact', 'one edit apart', 'Jaro-Winkler >= 0.90', 'Jaro-Winkler >= 0.80', 'different'],
    prepare(raw) {
      const t = words(normalise(raw));
      return t.length > 0 ? { v: t.join(' '), t } : null;
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      if (Math.abs(a.v.length - b.v.length) <= 1 && levenshtein(a.v, b.v) <= 1) return 2;
      const s = jaroWinkler(a.v, b.v);
      if (s >= 0.9) return 3;
      if (s >= 0.8) return 4;
      return 5;
    },
    measure: (a, b) => `Levenshtein ${levenshtein(a.v, b.v)}, Jaro-Winkler ${fmt(jw(a, b))}`,
  },
  exact: {
    levels: ['null', 'exact', 'different'],
    prepare(raw) {
      const v = normalise(raw);
      return v ? { v } : null;
    },
    compare: (a, b) => (a.v === b.v ? 1 : 2),
  },
  id: {
    levels: ['null', 'exact', 'one edit apart', 'two edits apart', 'different'],
    prepare(raw) {
      const v = normalise(raw).replace(/[^a-z0-9]/g, '');
      return v ? { v } : null;
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      if (Math.abs(a.v.length - b.v.length) > 2) return 4;
      const d = levenshtein(a.v, b.v);
      return d <= 1 ? 2 : d <= 2 ? 3 : 4;
    },
    measure: (a, b) => `Levenshtein ${levenshtein(a.v, b.v)}`,
  },
  date: {
    levels: ['null', 'exact', 'one typo', 'within a month', 'within a year', 'different'],
    prepare(raw) {
      const v = normalise(raw);
      if (!v) return null;
      const n = dayNumber(v);
      return n === undefined
        ? { v: v.replace(/[^0-9a-z]/g, '') }
        : { v: v.replace(/[^0-9]/g, '').slice(0, 8), n };
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      if (a.v.length === b.v.length && levenshtein(a.v, b.v) <= 1) return 2;
      if (a.n === undefined || b.n === undefined) return 5;
      const d = Math.abs(a.n - b.n);
      return d <= 31 ? 3 : d <= 366 ? 4 : 5;
    },
    measure: (a, b) =>
      a.n !== undefined && b.n !== undefined
        ? `${Math.abs(a.n - b.n)} days apart`
        : `Levenshtein ${levenshtein(a.v, b.v)}`,
  },
  number: {
    levels: ['null', 'exact', 'within 1%', 'within 10%', 'different'],
    prepare(raw) {
      const n = Number(String(raw).replace(/[, _]/g, ''));
      return raw.trim() !== '' && Number.isFinite(n) ? { v: String(n), n } : null;
    },
    compare(a, b) {
      if (a.n === b.n) return 1;
      const rel = Math.abs(a.n! - b.n!) / Math.max(Math.abs(a.n!), Math.abs(b.n!));
      return rel <= 0.01 ? 2 : rel <= 0.1 ? 3 : 4;
    },
    measure: (a, b) => `difference ${Math.abs(a.n! - b.n!)}`,
  },
  email: {
    levels: [
      'null',
      'exact',
      'same local part',
      'local part Jaro-Winkler >= 0.88',
      'same domain',
      'different',
    ],
    prepare(raw) {
      const v = normalise(raw).replace(/^mailto:/, '');
      if (!v) return null;
      const at = v.lastIndexOf('@');
      return at < 0 ? { v, local: v, domain: '' } : { v, local: v.slice(0, at), domain: v.slice(at + 1) };
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      if (a.local === b.local) return 2;
      if (jaroWinkler(a.local!, b.local!) >= 0.88) return 3;
      if (a.domain !== '' && a.domain === b.domain) return 4;
      return 5;
    },
    measure: (a, b) => `local part Jaro-Winkler ${fmt(jaroWinkler(a.local!, b.local!))}`,
  },
  phone: {
    levels: ['null', 'exact', 'one digit apart', 'different'],
    prepare(raw) {
      const digits = raw.replace(/\D/g, '');
      // national significant number: the last 10 digits (a leading country code or trunk 0 is dropped)
      const v = digits.length > 10 ? digits.slice(-10) : digits;
      return v.length >= 5 ? { v } : null;
    },
    compare(a, b) {
      if (a.v === b.v) return 1;
      return a.v.length === b.v.length && levenshtein(a.v, b.v) <= 1 ? 2 : 3;
    },
  },
};

export function kindLevels(kind: FieldKind): readonly string[] {
  return KINDS[kind].levels;
}

export function prepareValue(kind: FieldKind, raw: unknown): Prepared | null {
  if (raw === null || raw === undefined) return null;
  const s = typeof raw === 'string' ? raw : String(raw);
  if (s.trim() === '') return null;
  return KINDS[kind].prepare(s);
}

/** The comparison level of two prepared values (0 when either is missing). */
export function compareValues(kind: FieldKind, a: Prepared | null, b: Prepared | null): number {
  if (a === null || b === null) return 0;
  return KINDS[kind].compare(a, b);
}

/** The measure behind a comparison, for explanations ('' when the level says it all). */
export function describeComparison(kind: FieldKind, a: Prepared | null, b: Prepared | null): string {
  if (a === null || b === null || a.v === b.v) return '';
  return KINDS[kind].measure?.(a, b) ?? '';
}

/**
 * Blocking keys of a prepared value: records that share a key become candidate pairs.
 *  - value: the normalised value;
 *  - sound: Double Metaphone codes (name);
 *  - words: each word (company, text; too-common words are dropped by the block-size cap);
 *  - compact: letters and digits only, legal form dropped (company).
 */
export type BlockKey = 'value' | 'sound' | 'words' | 'compact';

export function blockingKeys(p: Prepared, key: BlockKey): string[] {
  switch (key) {
    case 'value':
      return [p.v];
    case 'sound':
      return p.ph ?? [];
    case 'words':
      return p.t ?? p.v.split(' ');
    case 'compact':
      return [p.c ?? p.v.replace(/[^a-z0-9]/g, '')];
  }
}

/** The blocking keys a field of this kind gets when no rules are given. */
export function defaultBlockKeys(kind: FieldKind): BlockKey[] {
  switch (kind) {
    case 'name':
      return ['value', 'sound'];
    case 'company':
      return ['compact', 'words'];
    case 'text':
      return ['value', 'words'];
    case 'number':
      return [];
    default:
      return ['value'];
  }
}
