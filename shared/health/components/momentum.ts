import { fromFactors, type HealthComponent } from './component.js';

/** Momentum: is contact growing or fading, and is the account buying more (expansion). */
export const momentum: HealthComponent = {
  name: 'momentum',
  weight: 0.2,
  describe: 'touchpoint and call trend (last 90 days vs the 90 before) and expansion deals won',
  score(f) {
    const v = f.values;
    const e = f.evidence;
    return fromFactors(60, [
      {
        component: 'momentum',
        feature: 'touch_trend',
        points: Math.max(-30, Math.min(15, 20 * v.touch_trend)),
        evidence: e.touch_trend,
      },
      {
        component: 'momentum',
        feature: 'call_trend',
        points: Math.max(-20, Math.min(10, 15 * v.call_trend)),
        evidence: e.call_trend,
      },
      {
        component: 'momentum',
        feature: 'expansions_won_365d',
        points: Math.min(25, 15 * v.expansions_won_365d),
        evidence: e.expansions_won_365d,
      },
    ]);
  },
};
