import { fromFactors, type HealthComponent } from './component.js';

/** Support: how many cases the account opened recently, and how serious they were. */
export const support: HealthComponent = {
  name: 'support',
  weight: 0.2,
  describe: 'support cases in the last 90 days and high-priority or escalated cases in 180 days',
  score(f) {
    const v = f.values;
    const e = f.evidence;
    return fromFactors(100, [
      {
        component: 'support',
        feature: 'cases_90d',
        points: -Math.min(40, 10 * v.cases_90d),
        evidence: e.cases_90d,
      },
      {
        component: 'support',
        feature: 'high_priority_cases_180d',
        points: -Math.min(50, 20 * v.high_priority_cases_180d),
        evidence: e.high_priority_cases_180d,
      },
    ]);
  },
};
