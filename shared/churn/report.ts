import type { ClassifierMetrics } from './metrics.js';

const f3 = (x: number) => x.toFixed(3);

/** The lines `sophia churn eval` prints for one evaluated set: AUC, the threshold's confusion, calibration. */
export function formatMetrics(label: string, m: ClassifierMetrics): string[] {
  return [
    `${label}: ${m.n} rows, ${m.positives} churned (${((m.positives / Math.max(1, m.n)) * 100).toFixed(1)}%)`,
    `  ROC AUC ${f3(m.auc)}  Brier ${f3(m.brier)}`,
    `  at threshold ${f3(m.threshold)}: precision ${f3(m.precision)}  recall ${f3(m.recall)}  F1 ${f3(m.f1)}  ` +
      `accuracy ${f3(m.accuracy)} (always "retained": ${f3(m.baselineAccuracy)})`,
    `  confusion: TP ${m.truePositives}  FP ${m.falsePositives}  TN ${m.trueNegatives}  FN ${m.falseNegatives}`,
    '  calibration (predicted -> observed churn rate, rows):',
    ...m.calibration.map(
      (b) =>
        `    ${b.from.toFixed(1)}-${b.to.toFixed(1)}: ${f3(b.meanPredicted)} -> ${f3(b.observedRate)} (${b.count})`,
    ),
  ];
}
