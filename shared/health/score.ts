import { HEALTH_COMPONENTS } from './components/all-components.js';
import type { ComponentScore, Factor, HealthComponent } from './components/component.js';
import type { AccountFeatures } from './features.js';

/**
 * The overall health score: the weighted mean of the components (engagement, satisfaction, support,
 * momentum), a band, and the factors that moved it most, each with evidence. Pure and explainable: the
 * same features always give the same score, and every point lost is attributed to a factor.
 */
export const HEALTH_MODEL_VERSION = 'health-v1';

export type Band = 'healthy' | 'watch' | 'at_risk';

export interface HealthScore {
  score: number;
  band: Band;
  components: ComponentScore[];
  /** The factors with the largest effect on the overall score (weighted points), most negative first. */
  topFactors: Array<Factor & { weightedPoints: number }>;
}

export function bandOf(score: number): Band {
  if (score >= 70) return 'healthy';
  if (score >= 45) return 'watch';
  return 'at_risk';
}

export function healthScore(
  features: AccountFeatures,
  components: readonly HealthComponent[] = HEALTH_COMPONENTS,
  topN = 5,
): HealthScore {
  const scored: ComponentScore[] = components.map((c) => ({
    name: c.name,
    weight: c.weight,
    ...c.score(features),
  }));
  const total = scored.reduce((a, c) => a + c.weight, 0);
  const score = Math.round((scored.reduce((a, c) => a + c.weight * c.score, 0) / total) * 10) / 10;
  const topFactors = scored
    .flatMap((c) =>
      c.factors.map((f) => ({ ...f, weightedPoints: Math.round(((f.points * c.weight) / total) * 10) / 10 })),
    )
    .filter((f) => f.weightedPoints !== 0)
    .sort((a, b) => Math.abs(b.weightedPoints) - Math.abs(a.weightedPoints))
    .slice(0, topN);
  return { score, band: bandOf(score), components: scored, topFactors };
}
