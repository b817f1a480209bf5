import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { syncDictionaryFiles } from '../../shared/ingest/dictionary.js';
import { readAirbyteFile } from '../../shared/ingest/airbyte/reader.js';
import { createProgress } from '../../shared/ingest/progress.js';
import { formatSummary, startIngestRun } from '../../shared/ingest/run.js';
import type { SourceName } from '../../shared/ingest/types.js';
import { createLogger } from '../../shared/log/logger.js';
import { formatStageOutcomes, runAfterIngest } from '../../shared/pipeline/after-ingest.js';
import { withDatabase } from '../run.js';
import { registerIngestSourceCommands } from './ingest-sources.js';

const AIRBYTE_SOURCES: SourceName[] = ['gong', 'salesforce', 'hubspot', 'slack'];

/**
 * Registers `sophia ingest` and its Airbyte / status subcommands, and returns the `ingest` command so other
 * connectors add theirs to it: `registerIngestCommands(program).command('gong')...`, or
 * `program.commands.find((c) => c.name() === 'ingest')`.
 */
export function registerIngestCommands(program: Command): Command {
  const ingest = program
    .command('ingest')
    .description('Land source data (Airbyte streams, ...) in the unified model');

  ingest
    .command('airbyte')
    .description(
      'Read AirbyteMessage JSON lines (RECORD, STATE, LOG, TRACE) from FILE or stdin (-) and land them',
    )
    .requiredOption('--source <name>', `source system: ${AIRBYTE_SOURCES.join(', ')}`)
    .option('--batch <n>', 'records per transaction when states are far apart', '2000')
    .option('--no-identity', 'skip identity resolution at the end')
    .option('--no-analyze', 'skip the stages that run after landing (analysis and the like)')
    .argument('[file]', 'JSON lines file, or - for stdin', '-')
    .action(
      async (file: string, opts: { source: string; batch: string; identity: boolean; analyze: boolean }) => {
        if (!(AIRBYTE_SOURCES as string[]).includes(opts.source))
          throw new Error(`unknown --source '${opts.source}': use ${AIRBYTE_SOURCES.join(', ')}`);
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1 || batch > 100_000)
          throw new Error('--batch must be a whole number from 1 to 100000');
        if (file !== '-') {
          if (!existsSync(file)) throw new Error(`no such file: ${file}`);
          if (!statSync(file).isFile()) throw new Error(`not a file: ${file}`);
        }
        const source = opts.source as SourceName;
        const logger = createLogger(`ingest:${source}`);
        await withDatabase(async (db, config) => {
          for (const k of await syncDictionaryFiles(db, config.tenant))
            process.stderr.write(`dictionary: kept edited row ${k}\n`);
          const progress = createProgress({ label: `ingest ${source}` });
          const run = await startIngestRun(db, {
            tenant: config.tenant,
            connector: 'airbyte',
            source,
            input: file === '-' ? 'stdin' : file,
            progress,
            identity: opts.identity,
            logger,
          });
          try {
            await readAirbyteFile(file, run, {
              source,
              maxBatchRecords: batch,
              onBytes: (read, total) => progress.bytes(read, total),
              onEstimate: (n) => progress.estimate(n),
              onSourceError: (m) => run.sourceError(m),
              log: (m) => logger.debug(m),
            });
          } catch (err) {
            const summary = await run.fail(err);
            process.stdout.write(formatSummary(summary));
            throw new Error(
              `ingest stopped: ${err instanceof Error ? err.message : String(err)} (what committed stays; rerun to resume)`,
            );
          }
          const summary = await run.finish();
          process.stdout.write(formatSummary(summary));
          if (opts.analyze) {
            const outcomes = await runAfterIngest(db, { tenant: config.tenant, logger, progress: true });
            process.stdout.write(formatStageOutcomes(outcomes));
          }
        });
      },
    );

  ingest
    .command('status')
    .description('Recent ingest runs, stream states and open dead letters')
    .option('--runs <n>', 'how many recent runs', '10')
    .action(async (opts: { runs: string }) => {
      const limit = Math.max(1, Math.min(1000, Number(opts.runs) || 10));
      await withDatabase(async (db, config) => {
        const out = await db.withTenant(
          config.tenant,
          async (trx) => {
            const runs = await sql<{
              id: string;
              connector: string;
              source: string;
              input: string | null;
              status: string;
              started_at: Date;
              finished_at: Date | null;
              read: string | null;
              error: string | null;
            }>`
              select id, connector, source, input, status, started_at, finished_at, error,
                (select sum((v->>'read')::bigint)::text from jsonb_each(coalesce(stats->'streams', '{}'::jsonb)) e(k, v)) as read
              from sync_runs order by started_at desc limit ${limit}`.execute(trx);
            const states = await sql<{
              connector: string;
              source: string;
              stream: string;
              cursor: string | null;
              updated_at: Date;
            }>`select connector, source, stream, cursor, updated_at from sync_state
               order by connector, source, stream`.execute(trx);
            const dead = await sql<{ source: string; stream: string | null; error_code: string; n: number }>`
              select source, stream, error_code, count(*)::int as n from dead_letters
              where resolved_at is null group by 1, 2, 3 order by 1, 2, 3`.execute(trx);
            return { runs: runs.rows, states: states.rows, dead: dead.rows };
          },
          { readOnly: true },
        );
        const lines: string[] = ['Recent runs:'];
        if (out.runs.length === 0) lines.push('  (none yet: run `sophia ingest airbyte --source ... FILE`)');
        for (const r of out.runs)
          lines.push(
            `  ${new Date(r.started_at).toISOString()}  ${r.status.padEnd(9)} ${r.connector} ${r.source}` +
              `${r.input ? ` ${r.input}` : ''}  read ${r.read ?? 0}` +
              `${r.finished_at ? `  ${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)}s` : ''}` +
              `${r.error ? `  error: ${r.error}` : ''}`,
          );
        lines.push('Stream states:');
        if (out.states.length === 0) lines.push('  (none)');
        for (const s of out.states)
          lines.push(
            `  ${s.connector} ${s.source} ${s.stream}: ${s.cursor ?? '(state without cursor)'}  (${new Date(s.updated_at).toISOString()})`,
          );
        lines.push('Open dead letters:');
        if (out.dead.length === 0) lines.push('  (none)');
        for (const d of out.dead) lines.push(`  ${d.source} ${d.stream ?? '-'} ${d.error_code}: ${d.n}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
  registerIngestSourceCommands(ingest);
  return ingest;
}
