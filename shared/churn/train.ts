import { FEATURE_NAMES } from '../health/features.js';
import type { AccountHistory } from '../health/history.js';
import { allLabelled, type SplitOptions, timeSplit } from './dataset.js';
import { type LogisticModel, predictProbability, trainLogistic } from './logistic.js';
import { bestF1Threshold, type ClassifierMetrics, classifierMetrics } from './metrics.js';

/**
 * Trains and evaluates the churn model on account histories: first on the time split (train before the
 * cut-off, test on churn after it) for honest metrics, then on every labelled snapshot for scoring today.
 */
export interface ChurnEvaluation {
  cutoff: string;
  horizonDays: number;
  trainRows: number;
  trainPositives: number;
  threshold: number;
  test: ClassifierMetrics;
  train: ClassifierMetrics;
}

export interface TrainedChurnModel {
  model: LogisticModel;
  threshold: number;
  evaluation: ChurnEvaluation;
  rows: number;
}

export function evaluateTimeSplit(histories: readonly AccountHistory[], o: SplitOptions): ChurnEvaluation {
  const split = timeSplit(histories, o);
  const model = trainLogistic(
    FEATURE_NAMES,
    split.train.map((s) => s.values),
    split.train.map((s) => s.label),
  );
  const trainScores = split.train.map((s) => predictProbability(model, s.values));
  const threshold = bestF1Threshold(
    trainScores,
    split.train.map((s) => s.label),
  );
  const testScores = split.test.map((s) => predictProbability(model, s.values));
  return {
    cutoff: new Date(split.cutoff).toISOString().slice(0, 10),
    horizonDays: split.horizonDays,
    trainRows: split.train.length,
    trainPositives: split.train.filter((s) => s.label === 1).length,
    threshold,
    train: classifierMetrics(
      trainScores,
      split.train.map((s) => s.label),
      threshold,
    ),
    test: classifierMetrics(
      testScores,
      split.test.map((s) => s.label),
      threshold,
    ),
  };
}

export function trainChurnModel(histories: readonly AccountHistory[], o: SplitOptions): TrainedChurnModel {
  const evaluation = evaluateTimeSplit(histories, o);
  const rows = allLabelled(histories, o);
  const model = trainLogistic(
    FEATURE_NAMES,
    rows.map((s) => s.values),
    rows.map((s) => s.label),
  );
  const scores = rows.map((s) => predictProbability(model, s.values));
  const threshold = bestF1Threshold(
    scores,
    rows.map((s) => s.label),
  );
  return { model, threshold, evaluation, rows: rows.length };
}
