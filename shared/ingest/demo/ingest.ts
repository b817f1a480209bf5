import { sql } from 'kysely';
import { syncDictionaryFiles } from '../dictionary.js';
import type { SophiaDatabase } from '../../db/database.js';
import type { Logger } from '../../log/logger.js';
import { readAirbyteFile } from '../airbyte/reader.js';
import { resolveIdentities, type IdentitySummary } from '../identity.js';
import { createProgress, silentProgress } from '../progress.js';
import { startIngestRun, type RunSummary } from '../run.js';
import { ENTITY_NAMES } from '../types.js';
import type { DemoSource } from './sources.js';

/**
 * Lands the demo world's files through the same path as `sophia ingest airbyte`: the dictionary synced into
 * its tables, then per source an ingest run (startIngestRun) fed by the Airbyte reader (readAirbyteFile),
 * then identity resolution once, after every source has landed (so cross-source links see all of them).
 */

/** CRM first, so Gong's CRM context and Slack's people find their targets in the same pass. */
export const INGEST_ORDER: readonly DemoSource[] = ['salesforce', 'hubspot', 'slack', 'gong'];

export interface DemoIngestResult {
  runs: { source: DemoSource; summary: RunSummary; ms: number }[];
  identity: IdentitySummary;
  identityMs: number;
  dictionaryMs: number;
}

export async function ingestDemoFiles(
  db: SophiaDatabase,
  options: {
    tenant: string;
    files: Record<DemoSource, string>;
    logger?: Logger;
    /** Progress lines on stderr (default); false for tests. */
    progress?: boolean;
    onSourceDone?: (source: DemoSource, summary: RunSummary, ms: number) => void;
  },
): Promise<DemoIngestResult> {
  let t = Date.now();
  await syncDictionaryFiles(db, options.tenant);
  const dictionaryMs = Date.now() - t;
  const runs: DemoIngestResult['runs'] = [];
  for (const source of INGEST_ORDER) {
    t = Date.now();
    const file = options.files[source];
    const progress =
      options.progress === false ? silentProgress : createProgress({ label: `ingest ${source}` });
    const run = await startIngestRun(db, {
      tenant: options.tenant,
      connector: 'airbyte',
      source,
      input: file,
      progress,
      identity: false,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    try {
      await readAirbyteFile(file, run, {
        source,
        maxBatchRecords: 2000,
        onBytes: (read, total) => progress.bytes(read, total),
        onEstimate: (n) => progress.estimate(n),
        onSourceError: (m) => run.sourceError(m),
        log: (m) => options.logger?.debug(m),
      });
    } catch (err) {
      await run.fail(err);
      throw new Error(
        `demo: ingesting ${source} stopped: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      progress.stop();
    }
    const summary = await run.finish();
    const ms = Date.now() - t;
    runs.push({ source, summary, ms });
    options.onSourceDone?.(source, summary, ms);
  }
  t = Date.now();
  const identity = await resolveIdentities(db, options.tenant);
  return { runs, identity, identityMs: Date.now() - t, dictionaryMs };
}

export const LANDED_TABLES = [
  ...ENTITY_NAMES,
  'source_records',
  'identity_links',
  'quality_violations',
  'dead_letters',
] as const;

/** Rows per unified table for the tenant (what the user can now query through the MCP servers). */
export async function countLanded(db: SophiaDatabase, tenant: string): Promise<Record<string, number>> {
  return db.withTenant(
    tenant,
    async (trx) => {
      const out: Record<string, number> = {};
      for (const table of LANDED_TABLES) {
        const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx);
        out[table] = r.rows[0]?.n ?? 0;
      }
      return out;
    },
    { readOnly: true },
  );
}
