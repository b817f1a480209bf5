import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { contributions, type LogisticModel, predictProbability } from '../churn/logistic.js';
import { trainChurnModel } from '../churn/train.js';
import type { SophiaDatabase } from '../db/database.js';
import { deriveSignals } from './derive-signals.js';
import { accountFeatures, FEATURE_NAMES, type FeatureName } from './features.js';
import { type AccountHistory, isCustomerAt } from './history.js';
import { loadHistories } from './load-histories.js';
import { HEALTH_MODEL_VERSION, healthScore } from './score.js';
import { countOf } from '../util/plural.js';

/**
 * The `health` after-ingest stage (last in AFTER_INGEST_STAGES), also `sophia health`:
 *  1. derives interaction signals for calls, Slack messages and cases not scored yet;
 *  2. scores every current customer's health as of the latest data, and appends a `health_scores` row when the
 *     score or band changed since its last row (so the table is the history, and a rerun adds nothing);
 *  3. trains the churn model when the data moved past the last model (time-split metrics stored with it) and
 *     stores a churn `prediction` per current customer with its reasons (feature contributions + evidence).
 * "As of" is the latest touchpoint in the data (capped at now), so a replayed or historical world is scored at
 * its own present.
 */
export interface HealthRunSummary {
  signals: { calls: number; slack: number; cases: number };
  asOf: string | null;
  customers: number;
  scored: number;
  unchanged: number;
  model: { version: string; trained: boolean; auc: number | null } | null;
  predictions: number;
}

export const CHURN_HORIZON_DAYS = 90;

export interface ChurnReason {
  feature: FeatureName;
  logOdds: number;
  value: number;
  evidence: string;
}

/** The reasons behind a prediction: the features that raise the risk most, with evidence. */
export function churnReasons(model: LogisticModel, h: AccountHistory, asOf: number, top = 3) {
  const f = accountFeatures(h, asOf);
  const row = FEATURE_NAMES.map((n) => f.values[n]);
  const reasons: ChurnReason[] = contributions(model, row)
    .filter((c) => c.logOdds > 0.05)
    .sort((a, b) => b.logOdds - a.logOdds)
    .slice(0, top)
    .map((c) => ({
      feature: c.feature as FeatureName,
      logOdds: Math.round(c.logOdds * 100) / 100,
      value: Math.round(c.value * 1000) / 1000,
      evidence: f.evidence[c.feature as FeatureName],
    }));
  return { probability: predictProbability(model, row), reasons, features: f };
}

function modelVersion(model: LogisticModel, asOf: number): string {
  const digest = createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 8);
  return `churn-lr-${new Date(asOf).toISOString().slice(0, 10)}-${digest}`;
}

async function latestModel(trx: Transaction<Database>) {
  return trx.selectFrom('churn_models').selectAll().orderBy('trained_at', 'desc').limit(1).executeTakeFirst();
}

export async function runHealth(
  db: SophiaDatabase,
  tenant: string,
  options: { now?: number; retrain?: boolean; log?: (line: string) => void } = {},
): Promise<HealthRunSummary> {
  const log = options.log ?? (() => {});
  const signals = await db.withTenant(tenant, (trx) => deriveSignals(trx, tenant));
  log(
    `signals: ${countOf(signals.calls, 'call')}, ${countOf(signals.slack, 'Slack message')}, ${countOf(signals.cases, 'case')} scored`,
  );
  return db.withTenant(tenant, async (trx) => {
    const { histories, dataStart, dataEnd } = await loadHistories(trx);
    const summary: HealthRunSummary = {
      signals,
      asOf: null,
      customers: 0,
      scored: 0,
      unchanged: 0,
      model: null,
      predictions: 0,
    };
    if (dataStart === null || dataEnd === null) return summary;
    const asOf = Math.min(options.now ?? Date.now(), dataEnd + 1);
    summary.asOf = new Date(asOf).toISOString();
    const customers = histories.filter((h) => isCustomerAt(h, asOf));
    summary.customers = customers.length;

    // 2. health scores: append when changed.
    const { rows: last } = await sql<{ account_id: string; score: number; band: string }>`
      select distinct on (account_id) account_id, score, band from health_scores
      where model_version = ${HEALTH_MODEL_VERSION} order by account_id, scored_at desc`.execute(trx);
    const previous = new Map(last.map((r) => [r.account_id, r]));
    const rows = [];
    for (const h of customers) {
      const features = accountFeatures(h, asOf);
      const score = healthScore(features);
      const before = previous.get(h.account.id);
      if (before && Math.abs(before.score - score.score) < 0.05 && before.band === score.band) {
        summary.unchanged++;
        continue;
      }
      rows.push({
        tenant_id: tenant,
        account_id: h.account.id,
        score: score.score,
        band: score.band,
        model_version: HEALTH_MODEL_VERSION,
        components: {
          asOf: new Date(asOf).toISOString(),
          components: score.components,
          topFactors: score.topFactors,
          features: features.values,
        },
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('health_scores')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    summary.scored = rows.length;
    log(
      `health: ${countOf(rows.length, 'account')} scored, ${summary.unchanged} unchanged (as of ${summary.asOf.slice(0, 10)})`,
    );

    // 3. churn model and predictions.
    const current = await latestModel(trx);
    const stale = !current || current.as_of.getTime() < dataEnd || options.retrain === true;
    let model: LogisticModel;
    let version: string;
    let threshold: number;
    if (stale) {
      let trained;
      try {
        trained = trainChurnModel(histories, { dataStart, dataEnd, horizonDays: CHURN_HORIZON_DAYS });
      } catch (err) {
        log(`churn: no model trained (${err instanceof Error ? err.message : String(err)})`);
        return summary;
      }
      model = trained.model;
      threshold = trained.threshold;
      version = modelVersion(model, dataEnd);
      await trx
        .insertInto('churn_models')
        .values({
          tenant_id: tenant,
          model_version: version,
          learner: model.learner,
          as_of: new Date(dataEnd),
          horizon_days: CHURN_HORIZON_DAYS,
          features: { features: model.features },
          model: { intercept: model.intercept, weights: model.weights },
          metrics: { ...trained.evaluation, scoringRows: trained.rows },
          threshold,
        })
        .execute();
      summary.model = { version, trained: true, auc: trained.evaluation.test.auc };
      log(
        `churn: model ${version} trained on ${trained.rows} snapshots; time split at ${trained.evaluation.cutoff}: ` +
          `test AUC ${trained.evaluation.test.auc.toFixed(3)}, accuracy ${trained.evaluation.test.accuracy.toFixed(3)}`,
      );
    } else {
      model = storedModel(current);
      version = current.model_version;
      threshold = current.threshold;
      const auc = (current.metrics as { test?: { auc?: number } } | null)?.test?.auc ?? null;
      summary.model = { version, trained: false, auc };
    }
    const { rows: predicted } = await sql<{ subject_id: string; value: number }>`
      select distinct on (subject_id) subject_id, value from predictions
      where kind = 'churn' and model_version = ${version} order by subject_id, predicted_at desc`.execute(
      trx,
    );
    const known = new Map(predicted.map((p) => [p.subject_id, p.value]));
    const preds = [];
    for (const h of customers) {
      const r = churnReasons(model, h, asOf);
      const was = known.get(h.account.id);
      if (was !== undefined && Math.abs(was - r.probability) < 1e-4) continue;
      preds.push({
        tenant_id: tenant,
        kind: 'churn',
        subject_type: 'account',
        subject_id: h.account.id,
        horizon_days: CHURN_HORIZON_DAYS,
        value: r.probability,
        label: r.probability >= threshold ? 'at_risk' : 'retained',
        explanation: { asOf: new Date(asOf).toISOString(), reasons: r.reasons, threshold },
        model_version: version,
      });
    }
    for (let i = 0; i < preds.length; i += 500) {
      await trx
        .insertInto('predictions')
        .values(preds.slice(i, i + 500))
        .execute();
    }
    summary.predictions = preds.length;
    log(`churn: ${preds.length} predictions stored`);
    return summary;
  });
}

export function storedModel(row: { features: unknown; model: unknown; learner: string }): LogisticModel {
  const features = (row.features as { features: LogisticModel['features'] }).features;
  const m = row.model as { intercept: number; weights: number[] };
  return { learner: 'logistic-regression', features, intercept: m.intercept, weights: m.weights };
}

/** The after-ingest stage (an `AfterIngestStage`, structurally: shared/pipeline lists it). */
export const healthStage = {
  name: 'health',
  async run(db: SophiaDatabase, ctx: { tenant: string; progress: boolean }) {
    const s = await runHealth(db, ctx.tenant, {
      log: ctx.progress ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    return {
      summary:
        `${s.signals.calls + s.signals.slack + s.signals.cases} new signals, ${s.scored} health scores updated ` +
        `(${s.unchanged} unchanged), ${s.predictions} churn predictions` +
        (s.model
          ? ` (model ${s.model.version}${s.model.auc !== null ? `, time-split AUC ${s.model.auc.toFixed(3)}` : ''})`
          : ''),
    };
  },
};
