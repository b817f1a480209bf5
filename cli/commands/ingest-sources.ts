import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { syncDictionaryFiles } from '../../shared/ingest/dictionary.js';
import { ingestAirbytePostgres } from '../../shared/ingest/airbyte-postgres/connector.js';
import { GongClient } from '../../shared/ingest/gong/client.js';
import {
  GONG_STREAMS,
  type GongStream,
  ingestGong,
  normaliseGongDate,
} from '../../shared/ingest/gong/connector.js';
import { createProgress } from '../../shared/ingest/progress.js';
import { formatSummary, type IngestRun, startIngestRun } from '../../shared/ingest/run.js';
import {
  cleanQuery,
  describeQuery,
  ingestSql,
  usesCursorParameter,
} from '../../shared/ingest/sql/connector.js';
import {
  checkSqlEntity,
  cursorTransformForType,
  mappingFromColumns,
  parseSqlMapping,
  storedSqlMapping,
  syncSqlMappings,
} from '../../shared/ingest/sql/mapping-file.js';
import { openSourceDatabase, redactUrl } from '../../shared/ingest/sql/source-db.js';
import type { SourceName } from '../../shared/ingest/types.js';
import { createLogger } from '../../shared/log/logger.js';
import type { SophiaDatabase } from '../../shared/db/database.js';
import type { Logger } from '../../shared/log/logger.js';
import { formatStageOutcomes, runAfterIngest } from '../../shared/pipeline/after-ingest.js';
import { withDatabase } from '../run.js';

/**
 * `sophia ingest gong | airbyte-postgres | sql`: the connectors that read a live system (the Gong API, the
 * tables Airbyte's Postgres destination wrote, a query on an internal PostgreSQL) rather than a file.
 * Each lands through an ingest run (shared/ingest/run.ts): one transaction per page or batch with its
 * checkpoint, a rerun resumes from the last committed one, a summary per stream at the end. Connection URLs
 * are printed and stored only with the password replaced by ***.
 */

const AIRBYTE_SOURCES: SourceName[] = ['gong', 'salesforce', 'hubspot', 'slack'];

/** Runs `read` into the run; on an error records the run as failed, prints the summary, and rethrows clearly. */
async function drive(
  run: IngestRun,
  read: () => Promise<void>,
  after: { db: SophiaDatabase; tenant: string; logger: Logger; enabled: boolean },
): Promise<void> {
  try {
    await read();
  } catch (err) {
    const summary = await run.fail(err);
    process.stdout.write(formatSummary(summary));
    throw new Error(
      `ingest stopped: ${err instanceof Error ? err.message : String(err)} (what committed stays; rerun to resume)`,
    );
  }
  process.stdout.write(formatSummary(await run.finish()));
  if (after.enabled) {
    const outcomes = await runAfterIngest(after.db, {
      tenant: after.tenant,
      logger: after.logger,
      progress: true,
    });
    process.stdout.write(formatStageOutcomes(outcomes));
  }
}

function positive(name: string, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new Error(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function registerIngestSourceCommands(ingest: Command): void {
  ingest
    .command('gong')
    .description(
      'Read users, calls, extensive calls and transcripts from the Gong API (GONG_ACCESS_KEY, GONG_ACCESS_KEY_SECRET, GONG_BASE_URL)',
    )
    .option(
      '--from <date>',
      'first call start to read (YYYY-MM-DD or ISO-8601, inclusive); default: continue after the last window (one day overlap); required on the first run',
    )
    .option('--to <date>', 'end of the window (exclusive; default now, or the interrupted run’s end)')
    .option('--streams <list>', `streams to read (default all): ${GONG_STREAMS.join(', ')}`, list)
    .option('--no-identity', 'skip identity resolution at the end')
    .option('--no-analyze', 'skip the stages that run after landing (analysis and the like)')
    .action(
      async (opts: {
        from?: string;
        to?: string;
        streams?: string[];
        identity: boolean;
        analyze: boolean;
      }) => {
        if (opts.from !== undefined) normaliseGongDate(opts.from, '--from');
        if (opts.to !== undefined) normaliseGongDate(opts.to, '--to');
        const streams = opts.streams ?? [...GONG_STREAMS];
        for (const s of streams)
          if (!(GONG_STREAMS as readonly string[]).includes(s))
            throw new Error(`unknown Gong stream '${s}': use ${GONG_STREAMS.join(', ')}`);
        await withDatabase(async (db, config) => {
          const { gongAccessKey, gongAccessKeySecret, gongBaseUrl } = config.keys;
          if (!gongAccessKey || !gongAccessKeySecret)
            throw new Error('set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET to read the Gong API');
          const logger = createLogger('ingest:gong');
          for (const k of await syncDictionaryFiles(db, config.tenant))
            process.stderr.write(`dictionary: kept edited row ${k}\n`);
          const client = new GongClient({
            baseUrl: gongBaseUrl,
            accessKey: gongAccessKey,
            accessKeySecret: gongAccessKeySecret,
            logger,
          });
          const progress = createProgress({ label: 'ingest gong' });
          const run = await startIngestRun(db, {
            tenant: config.tenant,
            connector: 'gong-api',
            source: 'gong',
            input: `${redactUrl(gongBaseUrl)} from ${opts.from ?? '(last window)'}${opts.to ? ` to ${opts.to}` : ''}`,
            progress,
            identity: opts.identity,
            logger,
          });
          await drive(
            run,
            async () => {
              const r = await ingestGong({
                client,
                sink: run,
                from: opts.from,
                to: opts.to,
                streams: streams as GongStream[],
                logger,
                onEstimate: (n) => progress.estimate(n),
              });
              run.note(
                `gong window ${r.window.from} .. ${r.window.to}: ${client.requests} API requests, ` +
                  `${(client.waitedMs / 1000).toFixed(1)} s waiting for rate limits` +
                  (r.resumed.calls ? '; resumed an interrupted run' : ''),
              );
            },
            { db, tenant: config.tenant, logger, enabled: opts.analyze },
          );
        });
      },
    );

  ingest
    .command('airbyte-postgres')
    .description(
      "Read the tables Airbyte's Postgres destination wrote (typed final tables or airbyte_internal raw tables), incrementally by _airbyte_extracted_at",
    )
    .requiredOption('--url <url>', 'PostgreSQL URL of the Airbyte destination database')
    .requiredOption('--schema <name>', 'schema (namespace) Airbyte wrote the streams into')
    .requiredOption('--source <name>', `source system: ${AIRBYTE_SOURCES.join(', ')}`)
    .option('--streams <list>', 'only these streams (comma-separated)', list)
    .option('--page-size <n>', 'rows per page (one transaction each)', positive('--page-size', 100_000), 1000)
    .option('--no-identity', 'skip identity resolution at the end')
    .option('--no-analyze', 'skip the stages that run after landing (analysis and the like)')
    .action(
      async (opts: {
        url: string;
        schema: string;
        source: string;
        streams?: string[];
        pageSize: number;
        identity: boolean;
        analyze: boolean;
      }) => {
        if (!(AIRBYTE_SOURCES as string[]).includes(opts.source))
          throw new Error(`unknown --source '${opts.source}': use ${AIRBYTE_SOURCES.join(', ')}`);
        const source = opts.source as SourceName;
        const logger = createLogger(`ingest:${source}`);
        await withDatabase(async (db, config) => {
          for (const k of await syncDictionaryFiles(db, config.tenant))
            process.stderr.write(`dictionary: kept edited row ${k}\n`);
          const src = await openSourceDatabase(opts.url, {
            applicationName: 'sophia-ingest-airbyte-postgres',
          });
          try {
            const run = await startIngestRun(db, {
              tenant: config.tenant,
              connector: 'airbyte-postgres',
              source,
              input: `${redactUrl(opts.url)} schema ${opts.schema}${opts.streams ? ` streams ${opts.streams.join(',')}` : ''}`,
              progress: createProgress({ label: `ingest ${source} (airbyte-postgres)` }),
              identity: opts.identity,
              logger,
            });
            await drive(
              run,
              async () => {
                await ingestAirbytePostgres({
                  client: src.client,
                  sink: run,
                  schema: opts.schema,
                  source,
                  streams: opts.streams,
                  pageSize: opts.pageSize,
                  logger,
                });
              },
              { db, tenant: config.tenant, logger, enabled: opts.analyze },
            );
          } finally {
            await src.close();
          }
        });
      },
    );

  ingest
    .command('sql')
    .description(
      'Run a query on another PostgreSQL and land its rows as an entity, mapped by a mapping file, incrementally by a cursor column',
    )
    .requiredOption('--url <url>', 'PostgreSQL URL of the database to read')
    .requiredOption('--query <file>', 'file with one SELECT; with --cursor it reads the last cursor as $1')
    .requiredOption(
      '--entity <name>',
      'unified entity the rows become (contacts, accounts, ...); also the stream',
    )
    .option('--mapping <file>', 'YAML mapping file: column -> canonical field and transform')
    .option('--cursor <column>', 'cursor column: the query orders by it and keeps rows after $1')
    .option('--batch <n>', 'rows per batch (one transaction each)', positive('--batch', 100_000), 1000)
    .option('--no-identity', 'skip identity resolution at the end')
    .option('--no-analyze', 'skip the stages that run after landing (analysis and the like)')
    .action(
      async (opts: {
        url: string;
        query: string;
        entity: string;
        mapping?: string;
        cursor?: string;
        batch: number;
        identity: boolean;
        analyze: boolean;
      }) => {
        const entity = checkSqlEntity(opts.entity);
        for (const f of [opts.query, opts.mapping])
          if (f !== undefined && !existsSync(f)) throw new Error(`no such file: ${f}`);
        const query = readFileSync(opts.query, 'utf8');
        const mappingText = opts.mapping ? readFileSync(opts.mapping, 'utf8') : undefined;
        const logger = createLogger('ingest:sql');
        await withDatabase(async (db, config) => {
          for (const k of await syncDictionaryFiles(db, config.tenant))
            process.stderr.write(`dictionary: kept edited row ${k}\n`);
          const src = await openSourceDatabase(opts.url, { applicationName: 'sophia-ingest-sql' });
          try {
            const columns = await describeQuery(src.client, query);
            const names = columns.map((c) => c.name);
            const cursorTransform = (column: string) =>
              cursorTransformForType(columns.find((c) => c.name === column)?.dataTypeID);
            if (opts.cursor && !names.includes(opts.cursor))
              throw new Error(
                `--cursor ${opts.cursor} is not a column of the query (columns: ${names.join(', ')})`,
              );
            let rules;
            const stored = await storedSqlMapping(db, config.tenant, entity);
            if (mappingText !== undefined) {
              rules = parseSqlMapping(mappingText, {
                entity,
                file: opts.mapping,
                cursorColumn: opts.cursor,
                cursorTransform,
              });
            } else if (stored.active === 0) {
              rules = mappingFromColumns(names, { entity, cursorColumn: opts.cursor, cursorTransform });
              process.stderr.write(
                `no mapping file and no stored mapping for sql ${entity}: mapping columns by name (${rules
                  .map((r) => `${r.sourcePath} -> ${r.field}`)
                  .join(', ')})\n`,
              );
            }
            if (rules) {
              const missing = rules
                .flatMap((r) => r.sourcePath.split(',').map((p) => p.trim().split('.')[0]!))
                .filter((c) => !['$', '$seq'].includes(c) && !names.includes(c));
              if (missing.length)
                throw new Error(
                  `the mapping names column(s) ${[...new Set(missing)].join(', ')} that the query does not return (columns: ${names.join(', ')})`,
                );
              await syncSqlMappings(db, config.tenant, entity, rules);
            }
            // a query reading $1 without --cursor: the mapping's cursor column is the incremental cursor
            let cursorColumn = opts.cursor;
            if (!cursorColumn && usesCursorParameter(cleanQuery(query))) {
              cursorColumn = rules
                ? rules.find((r) => r.field === '_cursor')?.sourcePath
                : (stored.cursorColumn ?? undefined);
              if (cursorColumn && !names.includes(cursorColumn))
                throw new Error(
                  `the mapping's cursor column ${cursorColumn} is not a column of the query (columns: ${names.join(', ')})`,
                );
              if (cursorColumn)
                process.stderr.write(
                  `no --cursor: reading incrementally by the mapping's cursor column ${cursorColumn}\n`,
                );
            }
            const run = await startIngestRun(db, {
              tenant: config.tenant,
              connector: 'sql',
              source: 'sql',
              input: `${redactUrl(opts.url)} query ${opts.query} entity ${entity}`,
              progress: createProgress({ label: `ingest sql ${entity}` }),
              identity: opts.identity,
              logger,
            });
            await drive(
              run,
              async () => {
                await ingestSql({
                  client: src.client,
                  sink: run,
                  query,
                  entity,
                  cursorColumn,
                  batchSize: opts.batch,
                  logger,
                });
              },
              { db, tenant: config.tenant, logger, enabled: opts.analyze },
            );
          } finally {
            await src.close();
          }
        });
      },
    );
}
