import type { Command } from 'commander';
import { createLogger } from '../../shared/log/logger.js';
import { analyze, formatAnalyzeSummary } from '../../shared/pipeline/analysis-stage.js';
import { withDatabase } from '../run.js';

/** Parses --since: a date (2025-06-01) or a timestamp; anything else is refused with an example. */
export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new Error(`--since must be a date like 2025-06-01 (or an ISO timestamp), got '${value}'`);
  return d;
}

/** `sophia analyze`: the analysis stage alone (it also runs after every ingest and demo). */
export function registerAnalyzeCommands(program: Command): void {
  program
    .command('analyze')
    .description(
      'Analyse calls (metrics, objections, competitors, trackers, compliance, search chunks, rollups): only calls that changed since their last analysis',
    )
    .option('--since <date>', 'only calls that started on or after this date (e.g. 2025-06-01)')
    .option('--rebuild', 'analyse every call again, changed or not')
    .option('--batch <n>', 'calls per transaction', '400')
    .action(async (opts: { since?: string; rebuild?: boolean; batch: string }) => {
      const since = parseSince(opts.since);
      const batchSize = Number(opts.batch);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
        throw new Error('--batch must be a whole number from 1 to 10000');
      const logger = createLogger('analyze');
      await withDatabase(async (db, config) => {
        const summary = await analyze(db, {
          tenant: config.tenant,
          logger,
          progress: true,
          since,
          rebuild: opts.rebuild === true,
          batchSize,
        });
        process.stdout.write(`${formatAnalyzeSummary(summary)}\n`);
      });
    });
}
