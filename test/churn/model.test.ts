import { describe, expect, it } from 'vitest';
import { timeSplit } from '../../shared/churn/dataset.js';
import { contributions, predictProbability, trainLogistic } from '../../shared/churn/logistic.js';
import { atThreshold, bestF1Threshold, calibration, rocAuc } from '../../shared/churn/metrics.js';
import { evaluateTimeSplit } from '../../shared/churn/train.js';
import { type AccountHistory, DAY_MS } from '../../shared/health/history.js';

describe('metrics', () => {
  it('AUC is the probability a positive outranks a negative (ties count half)', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(rocAuc([0.9, 0.3, 0.6, 0.1], [1, 1, 0, 0])).toBe(0.75);
  });

  it('precision, recall, accuracy at a threshold; best F1 threshold; calibration bins', () => {
    const m = atThreshold([0.9, 0.6, 0.4, 0.1], [1, 0, 1, 0], 0.5);
    expect(m).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 1,
      accuracy: 0.5,
    });
    expect(bestF1Threshold([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(0.8);
    const bins = calibration([0.1, 0.15, 0.9], [0, 0, 1], 5);
    expect(bins).toHaveLength(2);
    expect(bins[1]).toMatchObject({ count: 1, observedRate: 1 });
  });
});

describe('logistic regression', () => {
  it('learns a separable signal, and contributions add up to the log-odds', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x = (i % 20) / 2;
      rows.push([x, (i * 7) % 5]);
      labels.push(x > 6 ? 1 : 0);
    }
    const model = trainLogistic(['signal', 'noise'], rows, labels);
    const scores = rows.map((r) => predictProbability(model, r));
    expect(rocAuc(scores, labels)).toBeGreaterThan(0.99);
    expect(Math.abs(model.weights[0]!)).toBeGreaterThan(Math.abs(model.weights[1]!) * 3);
    const c = contributions(model, [9, 2]);
    const logit = model.intercept + c.reduce((a, x) => a + x.logOdds, 0);
    expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(predictProbability(model, [9, 2]));
  });

  it('refuses data with one class', () => {
    expect(() => trainLogistic(['x'], [[1], [2]], [0, 0])).toThrow(/both classes/);
  });
});

describe('time split', () => {
  const START = Date.UTC(2025, 0, 1);
  const END = Date.UTC(2026, 5, 30);
  // 60 customers; churners stop being touched 120 days before they churn.
  const histories: AccountHistory[] = Array.from({ length: 60 }, (_, i) => {
    const churnedAt = i % 4 === 0 ? START + (300 + i * 4) * DAY_MS : null;
    const touches = [];
    for (let t = START; t < END; t += 7 * DAY_MS) {
      if (churnedAt !== null && t > churnedAt - 120 * DAY_MS) break;
      touches.push({ at: t + i * 3_600_000, kind: 'gong_call', source: 'gong' });
    }
    return {
      account: {
        id: `a${i}`,
        name: `A ${i}`,
        status: null,
        churnedAt,
        region: null,
        state: null,
        units: 100 + i,
        ownerUserId: null,
      },
      touches,
      signals: [],
      opportunities: [
        {
          id: `o${i}`,
          closeAt: START,
          isClosed: true,
          isWon: true,
          amount: 1000,
          type: 'New Business',
          name: null,
        },
      ],
    };
  });

  it('trains only on labels known before the cut-off and tests on churn after it', () => {
    const split = timeSplit(histories, { dataStart: START, dataEnd: END });
    expect(split.train.every((s) => s.asOf + 90 * DAY_MS <= split.cutoff)).toBe(true);
    expect(split.test.every((s) => s.asOf >= split.cutoff)).toBe(true);
    expect(split.train.some((s) => s.label === 1)).toBe(true);
    expect(split.test.some((s) => s.label === 1)).toBe(true);
    const e = evaluateTimeSplit(histories, { dataStart: START, dataEnd: END });
    expect(e.test.auc).toBeGreaterThan(0.9);
    expect(e.test.n).toBe(split.test.length);
  });
});
