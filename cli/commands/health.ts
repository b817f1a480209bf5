import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Command } from 'commander';
import { formatMetrics } from '../../shared/churn/report.js';
import { evaluateTable, TableError } from '../../shared/churn/table.js';
import { evaluateTimeSplit } from '../../shared/churn/train.js';
import { loadHistories } from '../../shared/health/load-histories.js';
import { CHURN_HORIZON_DAYS, runHealth } from '../../shared/health/stage.js';
import { withDatabase } from '../run.js';

/** `sophia health` (the health stage alone; it also runs after every ingest) and `sophia churn eval`. */
export function registerHealthCommands(program: Command): void {
  program
    .command('health')
    .description(
      'Score every current customer (health with factors and evidence), retrain the churn model when the data moved, store churn predictions',
    )
    .option('--retrain', 'train a new churn model even if the data has not moved')
    .action(async (opts: { retrain?: boolean }) => {
      await withDatabase(async (db, config) => {
        const summary = await runHealth(db, config.tenant, {
          retrain: opts.retrain === true,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const model = summary.model
          ? `model ${summary.model.version}${summary.model.trained ? ' (trained now)' : ''}, test AUC ${summary.model.auc?.toFixed(3) ?? 'n/a'}`
          : 'no churn model (not enough history with churn in it)';
        process.stdout.write(
          summary.asOf === null
            ? `health: tenant '${config.tenant}' has no accounts with interactions yet; load data with \`sophia demo\` or \`sophia ingest\`\n`
            : `health as of ${summary.asOf.slice(0, 10)}: ${summary.customers} customers, ${summary.scored} new scores, ` +
                `${summary.unchanged} unchanged; ${summary.predictions} churn predictions; ${model}\n`,
        );
      });
    });

  const churn = program.command('churn').description('The churn model');
  churn
    .command('eval')
    .description(
      "Train and test the churn learner: on this tenant's accounts with a time split (default), or on any feature table (--csv)",
    )
    .option('--csv <file>', 'a feature table: one row per customer, a header row')
    .option('--label <column>', 'with --csv: the column that says whether the customer churned')
    .option('--id <column>', 'with --csv: an id column (not a feature; seeds the split)')
    .option('--time <column>', 'with --csv: split by this date/number column (test = the latest rows)')
    .option(
      '--positive <values>',
      'with --csv: label values meaning churned, comma-separated',
      '1,yes,true,churned,y',
    )
    .option('--test-fraction <f>', 'with --csv: share of rows in the test set', '0.25')
    .option('--seed <s>', 'with --csv and no --time: seed of the stratified random split', 'sophia')
    .action(
      async (opts: {
        csv?: string;
        label?: string;
        id?: string;
        time?: string;
        positive: string;
        testFraction: string;
        seed: string;
      }) => {
        if (opts.csv) {
          if (!opts.label) throw new Error('--csv needs --label <column> (the column that says who churned)');
          const records = parse(readFileSync(opts.csv, 'utf8'), {
            columns: true,
            skip_empty_lines: true,
            trim: true,
          }) as Record<string, string>[];
          try {
            const r = evaluateTable(records, {
              label: opts.label,
              id: opts.id,
              time: opts.time,
              positive: opts.positive.split(',').map((s) => s.trim()),
              testFraction: Number(opts.testFraction),
              seed: opts.seed,
            });
            const lines = [
              `churn eval on ${opts.csv}: ${r.rows} rows, ${r.features.length} features (logistic regression); ${r.split}`,
              ...r.dropped.map((d) => `  dropped column ${d.column}: ${d.reason}`),
              ...formatMetrics(`train`, r.train),
              ...formatMetrics(`test`, r.test),
            ];
            process.stdout.write(`${lines.join('\n')}\n`);
          } catch (err) {
            if (err instanceof TableError) throw new Error(`churn eval: ${err.message}`);
            throw err;
          }
          return;
        }
        await withDatabase(async (db, config) => {
          const loaded = await db.withTenant(config.tenant, (trx) => loadHistories(trx), { readOnly: true });
          if (loaded.dataStart === null || loaded.dataEnd === null) {
            throw new Error(
              `tenant '${config.tenant}' has no account history; load data with \`sophia demo\` or \`sophia ingest\`, or pass --csv`,
            );
          }
          const e = evaluateTimeSplit(loaded.histories, {
            dataStart: loaded.dataStart,
            dataEnd: loaded.dataEnd,
            horizonDays: CHURN_HORIZON_DAYS,
          });
          const lines = [
            `churn eval, tenant '${config.tenant}': ${loaded.histories.length} accounts; churn within ${e.horizonDays} days of a monthly snapshot`,
            `time split: train on snapshots whose horizon ends before ${e.cutoff}, test on snapshots from ${e.cutoff}`,
            ...formatMetrics('train', e.train),
            ...formatMetrics('test', e.test),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      },
    );
}
