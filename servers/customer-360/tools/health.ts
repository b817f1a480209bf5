import { sql } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../../shared/runtime/budget.js';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { resolveAccount } from '../data/resolve.js';

const reason = z.object({ feature: z.string(), logOdds: z.number(), evidence: z.string() });

export const churnRisk = defineTool({
  name: 'churn_risk',
  title: 'Accounts ranked by churn risk',
  toolset: 'customer',
  description: `Current customers ranked by the churn model's probability of churning within its horizon (90 days), each with the reasons (the features that raise its risk most, as log-odds contributions) and the evidence behind each reason (counts, dates, quotes).
The model (logistic regression trained by \`sophia health\` / \`sophia churn\`) and its time-split AUC are named in the answer. Page with nextCursor.`,
  input: {
    limit: z.number().int().min(1, 'limit must be at least 1').max(50, 'limit can be at most 50').default(20),
    min_probability: z.number().min(0).max(1, 'min_probability is a probability between 0 and 1').default(0),
    cursor: z.string().optional().describe('nextCursor from the previous answer.'),
  },
  output: {
    model: z.object({ version: z.string(), auc: z.number().nullable(), threshold: z.number() }).nullable(),
    accounts: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        probability: z.number(),
        label: z.string().nullable(),
        reasons: z.array(reason),
      }),
    ),
    nextCursor: z.string().nullable(),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const offset = args.cursor ? Number((decodeCursor(args.cursor) as { offset?: unknown }).offset) : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      throw new ToolInputError(
        'The cursor does not belong to this query; repeat the query without a cursor.',
      );
    }
    const db = await ctx.database();
    const out = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const model = await trx
          .selectFrom('churn_models')
          .select(['model_version', 'metrics', 'threshold'])
          .orderBy('trained_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!model) return null;
        const { rows } = await sql<{
          subject_id: string;
          value: number;
          label: string | null;
          explanation: { reasons?: Array<{ feature: string; logOdds: number; evidence: string }> } | null;
          name: string | null;
        }>`
          select p.subject_id, p.value, p.label, p.explanation, a.name
          from (select distinct on (subject_id) subject_id, value, label, explanation from predictions
                where kind = 'churn' and model_version = ${model.model_version}
                order by subject_id, predicted_at desc) p
          join accounts a on a.id = p.subject_id
          where p.value >= ${args.min_probability}
          order by p.value desc, p.subject_id limit ${args.limit + 1} offset ${offset}`.execute(trx);
        return { model, rows };
      },
      { readOnly: true },
    );
    if (!out) {
      return {
        structured: { model: null, accounts: [], nextCursor: null, source: 'predictions (none yet)' },
        text: 'No churn model has been trained for this tenant yet: run `sophia health` after ingesting data.',
      };
    }
    const more = out.rows.length > args.limit;
    const accounts = out.rows.slice(0, args.limit).map((r) => ({
      id: r.subject_id,
      name: r.name ?? '(unnamed)',
      probability: Math.round(r.value * 1000) / 1000,
      label: r.label,
      reasons: (r.explanation?.reasons ?? []).map((x) => ({
        feature: x.feature,
        logOdds: x.logOdds,
        evidence: x.evidence,
      })),
    }));
    const auc = (out.model.metrics as { test?: { auc?: number } } | null)?.test?.auc ?? null;
    const model = { version: out.model.model_version, auc, threshold: out.model.threshold };
    const text = [
      `Churn risk (model ${model.version}${auc !== null ? `, time-split AUC ${auc.toFixed(3)}` : ''}; at risk from p >= ${model.threshold.toFixed(2)}):`,
      ...accounts.map(
        (a, i) =>
          `${offset + i + 1}. ${a.name} (id ${a.id}) p=${a.probability.toFixed(3)}${a.label ? ` ${a.label}` : ''}\n` +
          a.reasons
            .map((r) => `   - ${r.feature} (+${r.logOdds.toFixed(2)} log-odds): ${r.evidence}`)
            .join('\n'),
      ),
    ].join('\n');
    return {
      structured: {
        model,
        accounts,
        nextCursor: more ? encodeCursor({ offset: offset + args.limit }) : null,
        source: 'predictions and churn_models (sophia health)',
      },
      text,
    };
  },
});

const factor = z.object({
  component: z.string(),
  feature: z.string(),
  points: z.number(),
  evidence: z.string(),
});

export const healthScores = defineTool({
  name: 'health_scores',
  title: "One account's health scores",
  toolset: 'customer',
  description: `One account's health: the overall score 0-100 and band (healthy >= 70, watch >= 45, at_risk), the components (engagement, satisfaction, support, momentum) with the factors that moved each and their evidence, the trend over past scores, and the churn prediction with its reasons.
account_id: an id from find_accounts.`,
  input: {
    account_id: z.string().trim().min(1, 'account_id is required: an id from find_accounts').max(100),
    history: z
      .number()
      .int()
      .min(1)
      .max(50, 'history can be at most 50')
      .default(10)
      .describe('Past scores to show.'),
  },
  output: {
    account: z.object({ id: z.string(), name: z.string() }),
    latest: z
      .object({
        score: z.number(),
        band: z.string(),
        scoredAt: z.string(),
        asOf: z.string().nullable(),
        components: z.array(
          z.object({ name: z.string(), score: z.number(), weight: z.number(), factors: z.array(factor) }),
        ),
      })
      .nullable(),
    trend: z.array(z.object({ scoredAt: z.string(), score: z.number(), band: z.string() })),
    churn: z
      .object({
        probability: z.number(),
        label: z.string().nullable(),
        model: z.string(),
        reasons: z.array(reason),
      })
      .nullable(),
    source: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        const account = await resolveAccount(trx, args.account_id);
        const scores = await trx
          .selectFrom('health_scores')
          .select(['score', 'band', 'scored_at', 'components'])
          .where('account_id', '=', account.id)
          .orderBy('scored_at', 'desc')
          .limit(args.history)
          .execute();
        const churn = await trx
          .selectFrom('predictions')
          .select(['value', 'label', 'model_version', 'explanation'])
          .where('kind', '=', 'churn')
          .where('subject_id', '=', account.id)
          .orderBy('predicted_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        return { account, scores, churn };
      },
      { readOnly: true },
    );
    const first = r.scores[0];
    const comp = first?.components as
      | {
          asOf?: string;
          components?: Array<{
            name: string;
            score: number;
            weight: number;
            factors: z.infer<typeof factor>[];
          }>;
        }
      | undefined;
    const latest = first
      ? {
          score: first.score,
          band: first.band,
          scoredAt: first.scored_at.toISOString(),
          asOf: comp?.asOf ?? null,
          components: comp?.components ?? [],
        }
      : null;
    const reasons = (
      (r.churn?.explanation as { reasons?: Array<z.infer<typeof reason>> } | null)?.reasons ?? []
    ).map((x) => ({
      feature: x.feature,
      logOdds: x.logOdds,
      evidence: x.evidence,
    }));
    const churn = r.churn
      ? {
          probability: Math.round(r.churn.value * 1000) / 1000,
          label: r.churn.label,
          model: r.churn.model_version,
          reasons,
        }
      : null;
    const trend = r.scores.map((s) => ({
      scoredAt: s.scored_at.toISOString(),
      score: s.score,
      band: s.band,
    }));
    const lines = [`${r.account.name} (id ${r.account.id})`];
    if (!latest)
      lines.push('No health score yet: it is scored by `sophia health` once it is a customer with activity.');
    else {
      lines.push(`Health ${latest.score} (${latest.band}) as of ${latest.asOf ?? latest.scoredAt}`);
      for (const c of latest.components) {
        lines.push(`- ${c.name} ${c.score} (weight ${c.weight})`);
        for (const f of c.factors)
          lines.push(`  - ${f.points > 0 ? '+' : ''}${f.points} ${f.feature}: ${f.evidence}`);
      }
      if (trend.length > 1)
        lines.push(`Trend: ${trend.map((t) => `${t.scoredAt.slice(0, 10)} ${t.score}`).join(', ')}`);
    }
    if (churn) {
      lines.push(`Churn probability ${churn.probability} (${churn.label ?? ''}, model ${churn.model})`);
      for (const x of churn.reasons) lines.push(`- ${x.feature} (+${x.logOdds}): ${x.evidence}`);
    }
    return {
      structured: {
        account: { id: r.account.id, name: r.account.name },
        latest,
        trend,
        churn,
        source: 'health_scores and predictions (sophia health)',
      },
      text: lines.join('\n'),
    };
  },
});
