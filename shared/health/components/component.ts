import type { AccountFeatures, FeatureName } from '../features.js';

/**
 * A health component: a pure function from an account's features to a 0-100 sub-score and the factors that
 * moved it, each with its evidence. One component per file; `all-components.ts` lists them with weights.
 */
export interface Factor {
  component: string;
  feature: FeatureName;
  /** Points this factor added (+) or took away (-) from the component's score. */
  points: number;
  evidence: string;
}

export interface ComponentScore {
  name: string;
  score: number;
  weight: number;
  factors: Factor[];
}

export interface HealthComponent {
  name: string;
  /** Share of the overall score (weights add up to 1). */
  weight: number;
  describe: string;
  score(f: AccountFeatures): { score: number; factors: Factor[] };
}

export const clamp = (x: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, x));

/** Starts at `base`, applies each factor's points, and keeps the non-zero factors. */
export function fromFactors(base: number, factors: Factor[]): { score: number; factors: Factor[] } {
  const score = clamp(base + factors.reduce((a, f) => a + f.points, 0));
  return {
    score: Math.round(score * 10) / 10,
    factors: factors
      .filter((f) => Math.abs(f.points) >= 0.5)
      .map((f) => ({ ...f, points: Math.round(f.points * 10) / 10 })),
  };
}
