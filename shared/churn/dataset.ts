import { type AccountFeatures, accountFeatures, FEATURE_NAMES } from '../health/features.js';
import { type AccountHistory, DAY_MS, isCustomerAt } from '../health/history.js';

/**
 * Training rows for the churn model: monthly snapshots of every account that was a customer on that date,
 * with its features as of the date and the label "churned within the horizon after it". A snapshot is only
 * made when its label is already known (the horizon has passed by the end of the data).
 *
 * The time split is honest: training snapshots end a horizon before the cut-off, so no training label looks
 * past it; test snapshots start at the cut-off, so the test measures churn that happened after everything the
 * model learnt from.
 */
export interface Snapshot {
  accountId: string;
  asOf: number;
  values: number[];
  label: 0 | 1;
  features: AccountFeatures;
}

export interface SplitOptions {
  dataStart: number;
  dataEnd: number;
  horizonDays?: number;
  stepDays?: number;
  /** History needed before the first snapshot (windows look back 180 days). */
  warmupDays?: number;
  /** Default: the median churn date, kept inside the window. */
  cutoff?: number;
}

export const DEFAULT_HORIZON_DAYS = 90;
export const DEFAULT_STEP_DAYS = 30;
export const DEFAULT_WARMUP_DAYS = 120;

export function snapshotsAt(
  histories: readonly AccountHistory[],
  asOf: number,
  horizonDays: number,
): Snapshot[] {
  const horizon = asOf + horizonDays * DAY_MS;
  const out: Snapshot[] = [];
  for (const h of histories) {
    if (!isCustomerAt(h, asOf)) continue;
    const features = accountFeatures(h, asOf);
    const churned =
      h.account.churnedAt !== null && h.account.churnedAt > asOf && h.account.churnedAt <= horizon;
    out.push({
      accountId: h.account.id,
      asOf,
      values: FEATURE_NAMES.map((n) => features.values[n]),
      label: churned ? 1 : 0,
      features,
    });
  }
  return out;
}

/** Snapshot dates from `from`, every `stepDays`, while the label window still ends by `labelsKnownUntil`. */
export function snapshotDates(
  from: number,
  labelsKnownUntil: number,
  horizonDays: number,
  stepDays: number,
): number[] {
  const out: number[] = [];
  for (let t = from; t + horizonDays * DAY_MS <= labelsKnownUntil; t += stepDays * DAY_MS) out.push(t);
  return out;
}

export function defaultCutoff(histories: readonly AccountHistory[], o: SplitOptions): number {
  const horizon = (o.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY_MS;
  const earliest = o.dataStart + (o.warmupDays ?? DEFAULT_WARMUP_DAYS) * DAY_MS + horizon;
  const latest = o.dataEnd - horizon;
  const churns = histories
    .map((h) => h.account.churnedAt)
    .filter((t): t is number => t !== null && t >= earliest && t <= o.dataEnd)
    .sort((a, b) => a - b);
  const median = churns.length ? churns[Math.floor(churns.length / 2)]! : (earliest + latest) / 2;
  const day = Math.floor(Math.min(latest, Math.max(earliest, median)) / DAY_MS) * DAY_MS;
  return day;
}

export interface TimeSplit {
  cutoff: number;
  horizonDays: number;
  train: Snapshot[];
  test: Snapshot[];
}

export function timeSplit(histories: readonly AccountHistory[], o: SplitOptions): TimeSplit {
  const horizonDays = o.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const step = o.stepDays ?? DEFAULT_STEP_DAYS;
  const cutoff = o.cutoff ?? defaultCutoff(histories, o);
  const first = o.dataStart + (o.warmupDays ?? DEFAULT_WARMUP_DAYS) * DAY_MS;
  const train = snapshotDates(first, cutoff, horizonDays, step).flatMap((t) =>
    snapshotsAt(histories, t, horizonDays),
  );
  const test = snapshotDates(cutoff, o.dataEnd, horizonDays, step).flatMap((t) =>
    snapshotsAt(histories, t, horizonDays),
  );
  return { cutoff, horizonDays, train, test };
}

/** Every snapshot whose label is known by the end of the data: what the scoring model trains on. */
export function allLabelled(histories: readonly AccountHistory[], o: SplitOptions): Snapshot[] {
  const horizonDays = o.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const first = o.dataStart + (o.warmupDays ?? DEFAULT_WARMUP_DAYS) * DAY_MS;
  return snapshotDates(first, o.dataEnd, horizonDays, o.stepDays ?? DEFAULT_STEP_DAYS).flatMap((t) =>
    snapshotsAt(histories, t, horizonDays),
  );
}
