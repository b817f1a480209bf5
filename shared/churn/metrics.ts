/**
 * Classifier metrics for probabilities against 0/1 labels: ROC AUC (Mann-Whitney, ties counted half),
 * accuracy, precision, recall and F1 at a threshold, Brier score and a calibration table.
 */
export interface ThresholdMetrics {
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface ClassifierMetrics extends ThresholdMetrics {
  n: number;
  positives: number;
  auc: number;
  brier: number;
  /** Accuracy of always answering "no churn", for comparison. */
  baselineAccuracy: number;
  calibration: CalibrationBin[];
}

export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]!.s === idx[i]!.s) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (idx[k]!.y === 1) {
        pos++;
        rankSum += avgRank;
      } else neg++;
    }
    i = j + 1;
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function atThreshold(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): ThresholdMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const predicted = s >= threshold;
    const actual = labels[i] === 1;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    threshold,
    accuracy: scores.length === 0 ? 0 : (tp + tn) / scores.length,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}

/** The threshold (among the scores) with the best F1: chosen on training data, then applied to the test. */
export function bestF1Threshold(scores: readonly number[], labels: readonly number[]): number {
  const candidates = [...new Set(scores)].sort((a, b) => a - b);
  let best = 0.5;
  let bestF1 = -1;
  for (const t of candidates) {
    const m = atThreshold(scores, labels, t);
    if (m.f1 > bestF1) {
      bestF1 = m.f1;
      best = t;
    }
  }
  return best;
}

export function calibration(
  scores: readonly number[],
  labels: readonly number[],
  bins = 5,
): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const members = scores
      .map((s, i) => ({ s, y: labels[i]! }))
      .filter((x) => x.s >= from && (b === bins - 1 ? x.s <= to : x.s < to));
    if (members.length === 0) continue;
    out.push({
      from,
      to,
      count: members.length,
      meanPredicted: members.reduce((a, x) => a + x.s, 0) / members.length,
      observedRate: members.reduce((a, x) => a + x.y, 0) / members.length,
    });
  }
  return out;
}

export function classifierMetrics(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): ClassifierMetrics {
  const positives = labels.filter((y) => y === 1).length;
  return {
    n: scores.length,
    positives,
    auc: rocAuc(scores, labels),
    ...atThreshold(scores, labels, threshold),
    brier: scores.length === 0 ? 0 : scores.reduce((a, s, i) => a + (s - labels[i]!) ** 2, 0) / scores.length,
    baselineAccuracy: scores.length === 0 ? 0 : (scores.length - positives) / scores.length,
    calibration: calibration(scores, labels),
  };
}
