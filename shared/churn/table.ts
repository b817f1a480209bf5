import { createHash } from 'node:crypto';
import { predictProbability, trainLogistic } from './logistic.js';
import { bestF1Threshold, type ClassifierMetrics, classifierMetrics } from './metrics.js';

/**
 * The churn learner on any feature table (`sophia churn eval --csv`), so its quality can be checked on public
 * churn data sets: one row per customer (or customer snapshot), a label column, optional id and time columns.
 *
 * Columns become features by what they hold: a column whose non-empty values are all numbers is numeric
 * (missing values take the training median); any other column is categorical and one-hot encoded over its 30
 * most frequent values (the rest fall in an "other" column); a column with a distinct value per row (an id
 * the caller did not name) carries nothing generalisable and is dropped.
 */
export interface TableOptions {
  label: string;
  id?: string | undefined;
  /** Split by this column (a date or number): the latest `testFraction` of rows are the test set. */
  time?: string | undefined;
  /** Label values that mean "churned" (case-insensitive). Default: 1, yes, true, churned, y. */
  positive?: readonly string[] | undefined;
  testFraction?: number | undefined;
  /** Seeds the stratified random split when there is no time column. */
  seed?: string | undefined;
}

export interface TableEvaluation {
  rows: number;
  features: string[];
  dropped: Array<{ column: string; reason: string }>;
  split: string;
  trainRows: number;
  trainPositives: number;
  threshold: number;
  train: ClassifierMetrics;
  test: ClassifierMetrics;
}

const DEFAULT_POSITIVE = ['1', 'yes', 'true', 'churned', 'y'];
const MAX_CATEGORIES = 30;

export class TableError extends Error {}

type Encoder = { column: string; names: string[]; encode(value: string): number[] };

function numeric(values: readonly string[]): boolean {
  const filled = values.filter((v) => v.trim() !== '');
  return filled.length > 0 && filled.every((v) => Number.isFinite(Number(v)));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Builds encoders from the training rows only (medians, categories), so nothing leaks from the test set. */
function encoders(
  records: readonly Record<string, string>[],
  columns: readonly string[],
  dropped: TableEvaluation['dropped'],
): Encoder[] {
  const out: Encoder[] = [];
  for (const column of columns) {
    const values = records.map((r) => r[column] ?? '');
    if (numeric(values)) {
      const fill = median(values.filter((v) => v.trim() !== '').map(Number));
      out.push({
        column,
        names: [column],
        encode: (v) => [v.trim() === '' || !Number.isFinite(Number(v)) ? fill : Number(v)],
      });
      continue;
    }
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
    if (counts.size === values.length && values.length > MAX_CATEGORIES) {
      dropped.push({ column, reason: 'a different text value on every row (an identifier)' });
      continue;
    }
    if (counts.size < 2) {
      dropped.push({ column, reason: 'one value on every row' });
      continue;
    }
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_CATEGORIES)
      .map(([v]) => v);
    const other = counts.size > top.length;
    const index = new Map(top.map((v, i) => [v, i]));
    out.push({
      column,
      names: [...top.map((v) => `${column}=${v || '(empty)'}`), ...(other ? [`${column}=(other)`] : [])],
      encode: (v) => {
        const row = new Array<number>(top.length + (other ? 1 : 0)).fill(0);
        const i = index.get(v.trim());
        if (i !== undefined) row[i] = 1;
        else if (other) row[top.length] = 1;
        return row;
      },
    });
  }
  return out;
}

function splitKey(seed: string, key: string): string {
  return createHash('sha256').update(`${seed}\u0000${key}`).digest('hex');
}

/** Trains on the training rows, picks the F1-best threshold on them, and measures the test rows. */
export function evaluateTable(records: readonly Record<string, string>[], o: TableOptions): TableEvaluation {
  if (records.length === 0) throw new TableError('the table has no rows');
  const header = Object.keys(records[0]!);
  for (const [what, col] of [
    ['--label', o.label],
    ['--id', o.id],
    ['--time', o.time],
  ] as const) {
    if (col !== undefined && !header.includes(col))
      throw new TableError(`${what} column '${col}' is not in the table; its columns: ${header.join(', ')}`);
  }
  const positive = new Set((o.positive ?? DEFAULT_POSITIVE).map((p) => p.toLowerCase()));
  const labelOf = (r: Record<string, string>): 0 | 1 =>
    positive.has((r[o.label] ?? '').trim().toLowerCase()) ? 1 : 0;
  const fraction = o.testFraction ?? 0.25;
  if (!(fraction > 0 && fraction < 1)) throw new TableError('--test-fraction must be between 0 and 1');

  // The split: by time when a time column is given, else stratified by label with a seeded hash order.
  let test: Set<number>;
  let split: string;
  if (o.time) {
    const at = (r: Record<string, string>) => {
      const raw = (r[o.time!] ?? '').trim();
      const n = Number(raw);
      return Number.isFinite(n) && raw !== '' ? n : Date.parse(raw);
    };
    const order = records.map((r, i) => ({ i, t: at(r) }));
    const bad = order.find((x) => Number.isNaN(x.t));
    if (bad) throw new TableError(`--time column '${o.time}' row ${bad.i + 2}: not a date or number`);
    order.sort((a, b) => a.t - b.t);
    const cut = Math.floor(order.length * (1 - fraction));
    test = new Set(order.slice(cut).map((x) => x.i));
    split = `time split on ${o.time}: train before, test from row ${cut + 1} of ${order.length} in time order`;
  } else {
    const seed = o.seed ?? 'sophia';
    test = new Set();
    for (const cls of [0, 1] as const) {
      const members = records
        .map((r, i) => ({ i, key: splitKey(seed, o.id ? (r[o.id] ?? String(i)) : String(i)) }))
        .filter((x) => labelOf(records[x.i]!) === cls)
        .sort((a, b) => (a.key < b.key ? -1 : 1));
      for (const m of members.slice(0, Math.round(members.length * fraction))) test.add(m.i);
    }
    split = `stratified random split (seed '${seed}'), ${Math.round(fraction * 100)}% test`;
  }
  const trainRecords = records.filter((_, i) => !test.has(i));
  const testRecords = records.filter((_, i) => test.has(i));
  const dropped: TableEvaluation['dropped'] = [];
  const columns = header.filter((c) => c !== o.label && c !== o.id && c !== o.time);
  const enc = encoders(trainRecords, columns, dropped);
  const rowOf = (r: Record<string, string>) => enc.flatMap((e) => e.encode(r[e.column] ?? ''));
  const names = enc.flatMap((e) => e.names);
  if (names.length === 0) throw new TableError('no usable feature columns (every column was dropped)');
  const xTrain = trainRecords.map(rowOf);
  const yTrain = trainRecords.map(labelOf);
  if (!yTrain.includes(1) || !yTrain.includes(0)) {
    throw new TableError(
      `the training rows need both classes; label values counted as churned: ${[...positive].join(', ')} (set --positive)`,
    );
  }
  const model = trainLogistic(names, xTrain, yTrain);
  const trainScores = xTrain.map((x) => predictProbability(model, x));
  const threshold = bestF1Threshold(trainScores, yTrain);
  const testScores = testRecords.map((r) => predictProbability(model, rowOf(r)));
  return {
    rows: records.length,
    features: names,
    dropped,
    split,
    trainRows: trainRecords.length,
    trainPositives: yTrain.filter((y) => y === 1).length,
    threshold,
    train: classifierMetrics(trainScores, yTrain, threshold),
    test: classifierMetrics(testScores, testRecords.map(labelOf), threshold),
  };
}
