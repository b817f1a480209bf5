import { clamp, fromFactors, type HealthComponent } from './component.js';

/** Engagement: how recently, how often and across how many channels the account is in touch. */
export const engagement: HealthComponent = {
  name: 'engagement',
  weight: 0.35,
  describe: 'recency, frequency and breadth of touchpoints (calls, emails, meetings, Slack, cases)',
  score(f) {
    const v = f.values;
    const e = f.evidence;
    // 0 days -> +0, 30 -> about -20, 90 -> -45, a year -> -50.
    const recency = -50 * (1 - Math.exp(-v.days_since_last_touch / 45));
    // 12 touchpoints a quarter is healthy; none costs 35 points.
    const frequency = -35 * (1 - clamp(v.touches_90d / 12, 0, 1));
    const breadth = -15 * (1 - clamp(v.breadth_90d / 4, 0, 1));
    return fromFactors(100, [
      {
        component: 'engagement',
        feature: 'days_since_last_touch',
        points: recency,
        evidence: e.days_since_last_touch,
      },
      { component: 'engagement', feature: 'touches_90d', points: frequency, evidence: e.touches_90d },
      { component: 'engagement', feature: 'breadth_90d', points: breadth, evidence: e.breadth_90d },
    ]);
  },
};
