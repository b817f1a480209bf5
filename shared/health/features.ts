import { type AccountHistory, DAY_MS, type SignalEvent, type Touch } from './history.js';

/**
 * Features of one account as of a date, from its history: only events strictly before `asOf` count, so
 * the same function builds training snapshots in the past and today's scores. Each feature has a sentence
 * of evidence (counts, dates, a quote) that reasons and health factors cite.
 */
export const FEATURE_NAMES = [
  'days_since_last_touch',
  'touches_90d',
  'touch_trend',
  'gong_calls_90d',
  'call_trend',
  'breadth_90d',
  'sentiment_180d',
  'negative_calls_180d',
  'escalations_180d',
  'cases_90d',
  'high_priority_cases_180d',
  'won_amount_365d',
  'expansions_won_365d',
  'tenure_days',
  'portfolio_units',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface AccountFeatures {
  asOf: number;
  values: Record<FeatureName, number>;
  evidence: Record<FeatureName, string>;
}

/** Sentiment used when an account has no scored call in the window (the typical business-call level). */
export const NEUTRAL_SENTIMENT = 0.06;
const RECENCY_CAP_DAYS = 365;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function between<T extends { at: number }>(items: readonly T[], from: number, to: number): T[] {
  return items.filter((x) => x.at >= from && x.at < to);
}

function quote(s: SignalEvent): string {
  const text = s.evidence ?? s.itemId;
  return `${day(s.at)} "${text.length > 90 ? `${text.slice(0, 87)}...` : text}"`;
}

function kinds(touches: readonly Touch[]): string {
  const counts = new Map<string, number>();
  for (const t of touches) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

export function accountFeatures(h: AccountHistory, asOf: number): AccountFeatures {
  const d90 = asOf - 90 * DAY_MS;
  const d180 = asOf - 180 * DAY_MS;
  const d365 = asOf - 365 * DAY_MS;
  const before = h.touches.filter((t) => t.at < asOf);
  const last = before.length ? before[before.length - 1]!.at : null;
  const t90 = between(before, d90, asOf);
  const tPrev = between(before, d180, d90);
  const calls90 = t90.filter((t) => t.kind === 'gong_call');
  const callsPrev = tPrev.filter((t) => t.kind === 'gong_call');
  const sig180 = between(h.signals, d180, asOf);
  const callSignals = sig180.filter((s) => s.kind === 'call' && s.sentiment !== null);
  const negativeCalls = callSignals.filter((s) => s.negative);
  const escalations = sig180.filter((s) => s.escalation);
  const cases90 = t90.filter((t) => t.kind === 'case');
  const highCases = sig180.filter((s) => s.kind === 'case' && s.escalation);
  const won365 = h.opportunities.filter(
    (o) => o.isWon && o.closeAt !== null && o.closeAt < asOf && o.closeAt >= d365,
  );
  const expansions = won365.filter((o) => /expansion|upsell|existingbusiness/i.test(o.type ?? ''));
  const firstWon = h.opportunities
    .filter((o) => o.isWon && o.closeAt !== null && o.closeAt < asOf)
    .reduce<number | null>((m, o) => (m === null || o.closeAt! < m ? o.closeAt! : m), null);
  const sentiment = callSignals.length
    ? callSignals.reduce((a, s) => a + s.sentiment!, 0) / callSignals.length
    : NEUTRAL_SENTIMENT;
  const daysSince = last === null ? RECENCY_CAP_DAYS : Math.min(RECENCY_CAP_DAYS, (asOf - last) / DAY_MS);
  const wonAmount = won365.reduce((a, o) => a + o.amount, 0);
  const worstCall = [...negativeCalls].sort((a, b) => (a.sentiment ?? 0) - (b.sentiment ?? 0))[0];

  const values: Record<FeatureName, number> = {
    days_since_last_touch: Math.round(daysSince * 10) / 10,
    touches_90d: t90.length,
    touch_trend: Math.log((t90.length + 1) / (tPrev.length + 1)),
    gong_calls_90d: calls90.length,
    call_trend: Math.log((calls90.length + 1) / (callsPrev.length + 1)),
    breadth_90d: new Set(t90.map((t) => t.kind)).size,
    sentiment_180d: sentiment,
    negative_calls_180d: negativeCalls.length,
    escalations_180d: escalations.length,
    cases_90d: cases90.length,
    high_priority_cases_180d: highCases.length,
    won_amount_365d: Math.log1p(wonAmount),
    expansions_won_365d: expansions.length,
    tenure_days: firstWon === null ? 0 : Math.round((asOf - firstWon) / DAY_MS),
    portfolio_units: Math.log1p(h.account.units ?? 0),
  };
  const evidence: Record<FeatureName, string> = {
    days_since_last_touch:
      last === null
        ? 'no touchpoint on record'
        : `last touchpoint ${day(last)} (${Math.round(daysSince)} days before ${day(asOf)})`,
    touches_90d: `${t90.length} touchpoints in the 90 days before ${day(asOf)} (${kinds(t90)})`,
    touch_trend: `${t90.length} touchpoints in the last 90 days vs ${tPrev.length} in the 90 before`,
    gong_calls_90d: `${calls90.length} Gong calls in the last 90 days`,
    call_trend: `${calls90.length} Gong calls in the last 90 days vs ${callsPrev.length} in the 90 before`,
    breadth_90d: `${values.breadth_90d} kinds of touchpoint in the last 90 days (${kinds(t90)})`,
    sentiment_180d: callSignals.length
      ? `mean customer sentiment ${sentiment.toFixed(3)} over ${callSignals.length} calls in 180 days${worstCall ? `; worst ${quote(worstCall)}` : ''}`
      : 'no scored call in 180 days (neutral assumed)',
    negative_calls_180d: negativeCalls.length
      ? `${negativeCalls.length} negative calls in 180 days, e.g. ${quote(worstCall!)}`
      : 'no negative call in 180 days',
    escalations_180d: escalations.length
      ? `${escalations.length} escalations in 180 days, latest ${quote(escalations[escalations.length - 1]!)}`
      : 'no escalation in 180 days',
    cases_90d: `${cases90.length} support cases in the last 90 days`,
    high_priority_cases_180d: highCases.length
      ? `${highCases.length} high-priority or escalated cases in 180 days, latest ${quote(highCases[highCases.length - 1]!)}`
      : 'no high-priority case in 180 days',
    won_amount_365d: `${Math.round(wonAmount).toLocaleString('en-US')} won in the last 365 days (${won365.length} deals)`,
    expansions_won_365d: `${expansions.length} expansion deals won in the last 365 days`,
    tenure_days: firstWon === null ? 'no won deal yet' : `customer since ${day(firstWon)}`,
    portfolio_units: `${h.account.units ?? 'unknown'} units under management`,
  };
  return { asOf, values, evidence };
}
