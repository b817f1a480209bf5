import { NEUTRAL_SENTIMENT } from '../features.js';
import { fromFactors, type HealthComponent } from './component.js';

/** Satisfaction: customer-side sentiment on calls, negative calls and escalations (Slack, cases). */
export const satisfaction: HealthComponent = {
  name: 'satisfaction',
  weight: 0.25,
  describe: 'customer sentiment on calls (AFINN), negative calls, escalations in Slack and cases',
  score(f) {
    const v = f.values;
    const e = f.evidence;
    // Each 0.01 of mean sentiment per word above or below the neutral level moves 4 points.
    const tone = Math.max(-40, Math.min(20, (v.sentiment_180d - NEUTRAL_SENTIMENT) * 400));
    return fromFactors(75, [
      { component: 'satisfaction', feature: 'sentiment_180d', points: tone, evidence: e.sentiment_180d },
      {
        component: 'satisfaction',
        feature: 'negative_calls_180d',
        points: -Math.min(40, 15 * v.negative_calls_180d),
        evidence: e.negative_calls_180d,
      },
      {
        component: 'satisfaction',
        feature: 'escalations_180d',
        points: -Math.min(45, 15 * v.escalations_180d),
        evidence: e.escalations_180d,
      },
    ]);
  },
};
