import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { FieldKind, FieldSpec } from './comparisons.js';
import { dayNumber, FIELD_KINDS } from './comparisons.js';
import { type LinkRecord, type LinkResult, linkRecords, type LinkSettings } from './linker.js';

/**
 * Evaluation against known truth: link two files (pairs across them) or deduplicate one, then count
 * predicted pairs against true pairs (records with the same truth value). The truth is never shown to the
 * linker: it only scores what the linker predicted.
 */
export interface CsvTable {
  header: string[];
  rows: Array<Record<string, string>>;
}

/** Reads a CSV with a header row; cells are trimmed ("a, b" and "a,b" alike); empty cells are missing. */
export function readCsv(path: string): CsvTable {
  const text = readFileSync(path, 'utf8');
  const records = parse(text, {
    columns: false,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as string[][];
  if (records.length === 0) throw new Error(`${path} is empty: expected a header row`);
  const header = records[0]!;
  return {
    header,
    rows: records.slice(1).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))),
  };
}

/**
 * The kind of a column without a given kind, from its name and values: emails, dates, phones, numbers and
 * codes by their values; person and organisation names by the column name; text otherwise.
 */
export function guessKind(column: string, values: readonly string[]): FieldKind {
  const present = values.filter((v) => v.trim() !== '').slice(0, 2000);
  const share = (re: RegExp | ((v: string) => boolean)) =>
    present.length === 0
      ? 0
      : present.filter((v) => (typeof re === 'function' ? re(v) : re.test(v))).length / present.length;
  const col = column.toLowerCase();
  if (share(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i) > 0.8) return 'email';
  if (/phone|tel|fax|mobile/.test(col) && share(/^[+()\d\s.-]{7,}$/) > 0.8) return 'phone';
  if (/date|dob|birth|_at$|_on$/.test(col) && share((v) => dayNumber(v) !== undefined) > 0.8) return 'date';
  if (share(/^\d{4}-\d{2}-\d{2}/) > 0.8) return 'date';
  if (share(/^-?\d+$/) > 0.9)
    return /amount|price|revenue|count|qty|quantity|size|units|age/.test(col) ? 'number' : 'id';
  if (share(/^-?\d*\.\d+$|^-?\d+\.\d*$/) > 0.9) return 'number';
  if (/compan|org|business|firm|vendor|employer|account|brand|manufacturer/.test(col)) return 'company';
  if (/name|first|last|given|surname|middle/.test(col)) return 'name';
  if (/state|country|gender|sex|type|category|status|region/.test(col) && new Set(present).size <= 60)
    return 'exact';
  return 'text';
}

/** Parses `--fields name[:kind],...`; a field without a kind gets `guessKind` over the values given. */
export function parseFields(spec: string, sample?: (column: string) => string[]): FieldSpec[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, given] = s.split(':').map((x) => x.trim());
      const kind = given ?? (sample ? guessKind(name!, sample(name!)) : 'text');
      if (!FIELD_KINDS.includes(kind as FieldKind))
        throw new Error(
          `field '${name}' has kind '${kind}': use one of ${FIELD_KINDS.join(', ')} (e.g. --fields surname:name,dob:date)`,
        );
      return { name: name!, kind: kind as FieldKind };
    });
}

export interface EvalOptions {
  files: string[];
  idColumn: string;
  /** Column holding the true entity; or */
  truthColumn?: string;
  /** a regular expression whose first group, applied to the id, gives the true entity. */
  truthRegex?: string;
  fields: FieldSpec[];
  settings?: Omit<LinkSettings, 'fields'>;
}

export interface EvalReport {
  mode: 'link' | 'dedupe';
  records: number[];
  candidatePairs: number;
  truePairs: number;
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  seconds: number;
  result: LinkResult;
}

export function truthOf(options: Pick<EvalOptions, 'truthColumn' | 'truthRegex' | 'idColumn'>) {
  if (options.truthColumn && options.truthRegex)
    throw new Error('give --truth-column or --truth-regex, not both');
  if (options.truthColumn) {
    const col = options.truthColumn;
    return (row: Record<string, string>) => (row[col] ? row[col] : undefined);
  }
  if (options.truthRegex) {
    const re = new RegExp(options.truthRegex);
    return (row: Record<string, string>) => re.exec(row[options.idColumn] ?? '')?.[1];
  }
  throw new Error(
    'say where the truth is: --truth-column COLUMN or --truth-regex REGEX (first group of the id)',
  );
}

function toRecords(table: CsvTable, options: EvalOptions, file: string): LinkRecord[] {
  for (const col of [options.idColumn, ...options.fields.map((f) => f.name), options.truthColumn]) {
    if (col && !table.header.includes(col))
      throw new Error(`${file} has no column '${col}' (columns: ${table.header.join(', ')})`);
  }
  return table.rows.map((row) => ({ id: row[options.idColumn]!, values: row }));
}

export function evaluate(options: EvalOptions): EvalReport {
  if (options.files.length < 1 || options.files.length > 2)
    throw new Error('give one file (dedupe) or two (link)');
  const truth = truthOf(options);
  const tables = options.files.map((f) => readCsv(f));
  const sets = tables.map((t, i) => toRecords(t, options, options.files[i]!));
  const truthById = new Map<string, string | undefined>();
  tables.forEach((t) => t.rows.forEach((row) => truthById.set(row[options.idColumn]!, truth(row))));
  const started = performance.now();
  const result = linkRecords({ ...options.settings, fields: options.fields }, sets[0]!, sets[1]);
  const seconds = (performance.now() - started) / 1000;

  // true pairs: same truth value (across the files when linking)
  const groups = new Map<string, number[]>();
  sets.forEach((set, s) =>
    set.forEach((r) => {
      const t = truthById.get(r.id);
      if (t === undefined) return;
      let g = groups.get(t);
      if (!g) groups.set(t, (g = [0, 0]));
      g[s]!++;
    }),
  );
  let truePairs = 0;
  for (const [a, b] of groups.values()) truePairs += sets.length === 2 ? a! * b! : (a! * (a! - 1)) / 2;
  let tp = 0;
  for (const l of result.links) {
    const a = truthById.get(l.left);
    if (a !== undefined && a === truthById.get(l.right)) tp++;
  }
  const predicted = result.links.length;
  const precision = predicted > 0 ? tp / predicted : 0;
  const recall = truePairs > 0 ? tp / truePairs : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    mode: sets.length === 2 ? 'link' : 'dedupe',
    records: sets.map((s) => s.length),
    candidatePairs: result.model.candidatePairs,
    truePairs,
    predicted,
    truePositives: tp,
    falsePositives: predicted - tp,
    falseNegatives: truePairs - tp,
    precision,
    recall,
    f1,
    seconds,
    result,
  };
}
