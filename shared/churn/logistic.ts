import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';

/**
 * The churn learner: logistic regression (ml-logistic-regression, gradient ascent) on standardised features
 * with an intercept. Chosen because its reasons are exact: the log-odds of an account are the intercept plus
 * one term per feature (weight x standardised value), so each feature's contribution is a number that adds
 * up to the prediction, and the reasons an account is at risk are its largest positive terms.
 */
export interface FeatureScale {
  name: string;
  mean: number;
  std: number;
}

export interface LogisticModel {
  learner: 'logistic-regression';
  features: FeatureScale[];
  intercept: number;
  weights: number[];
}

export interface Contribution {
  feature: string;
  /** The feature's term in the log-odds (+ raises churn risk). */
  logOdds: number;
  value: number;
}

export interface TrainOptions {
  steps?: number;
  /** Step size on the mean gradient (the library sums the gradient over rows; it is divided by n here). */
  learningRate?: number;
}

function scalesOf(names: readonly string[], rows: readonly number[][]): FeatureScale[] {
  return names.map((name, j) => {
    const col = rows.map((r) => r[j]!);
    const mean = col.reduce((a, x) => a + x, 0) / Math.max(1, col.length);
    const variance = col.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, col.length);
    const std = Math.sqrt(variance);
    // A constant column (up to rounding) carries no information: leave it unscaled rather than blow it up.
    return { name, mean, std: std > 1e-9 * Math.max(1, Math.abs(mean)) ? std : 1 };
  });
}

function standardise(scales: readonly FeatureScale[], row: readonly number[]): number[] {
  return scales.map((s, j) => (row[j]! - s.mean) / s.std);
}

export function trainLogistic(
  names: readonly string[],
  rows: readonly number[][],
  labels: readonly number[],
  options: TrainOptions = {},
): LogisticModel {
  if (rows.length === 0) throw new Error('no training rows');
  if (!labels.includes(1) || !labels.includes(0)) {
    throw new Error('training needs both classes (some churned and some retained examples)');
  }
  const features = scalesOf(names, rows);
  const X = new Matrix(rows.map((r) => [1, ...standardise(features, r)]));
  const Y = Matrix.columnVector([...labels]);
  const lr = new LogisticRegression({
    numSteps: options.steps ?? 800,
    learningRate: (options.learningRate ?? 1) / rows.length,
  });
  lr.train(X, Y);
  // With classes {0, 1}, classifier 0 is "not class 0", i.e. P(churn).
  const w = lr.classifiers[0]!.weights!.to1DArray();
  return { learner: 'logistic-regression', features, intercept: w[0]!, weights: w.slice(1) };
}

export function contributions(model: LogisticModel, row: readonly number[]): Contribution[] {
  const z = standardise(model.features, row);
  return model.features.map((f, j) => ({
    feature: f.name,
    logOdds: model.weights[j]! * z[j]!,
    value: row[j]!,
  }));
}

export function predictProbability(model: LogisticModel, row: readonly number[]): number {
  const logit = model.intercept + contributions(model, row).reduce((a, c) => a + c.logOdds, 0);
  return 1 / (1 + Math.exp(-logit));
}
