import type { SophiaDatabase } from '../db/database.js';
import { healthStage } from '../health/stage.js';
import type { Logger } from '../log/logger.js';
import { analysisStage } from './analysis-stage.js';

/**
 * The stages that run after data lands and before servers read it (ARCHITECTURE.md, "Analysis"):
 * ingest (land, map, validate, link) -> these stages (derive, roll up) -> servers (read only).
 *
 * Each stage is incremental and idempotent: it works out for itself what changed since it last ran, so
 * running it after every ingest costs little, and running it twice does nothing the second time. Every
 * `sophia ingest ...` command and `sophia demo` call `runAfterIngest` when they finish; each stage also has
 * its own command for running it alone (`sophia analyze`, ...). A stage is one line in AFTER_INGEST_STAGES.
 */
export interface AfterIngestContext {
  tenant: string;
  logger: Logger;
  /** Progress lines on stderr (false for tests and quiet runs). */
  progress: boolean;
}

export interface AfterIngestStage {
  /** Short name, also the CLI command that runs it alone (e.g. `analyze`). */
  name: string;
  run(db: SophiaDatabase, ctx: AfterIngestContext): Promise<{ summary: string }>;
}

export interface StageOutcome {
  name: string;
  ms: number;
  summary: string;
}

/** The stages, in order (a later stage may read what an earlier one derived). */
export const AFTER_INGEST_STAGES: readonly AfterIngestStage[] = [analysisStage, healthStage];

/** Runs every stage (or those not in `skip`) in order; a failing stage stops the rest and is reported. */
export async function runAfterIngest(
  db: SophiaDatabase,
  ctx: AfterIngestContext,
  options: { skip?: readonly string[]; stages?: readonly AfterIngestStage[] } = {},
): Promise<StageOutcome[]> {
  const out: StageOutcome[] = [];
  for (const stage of options.stages ?? AFTER_INGEST_STAGES) {
    if (options.skip?.includes(stage.name)) continue;
    const t = Date.now();
    try {
      const { summary } = await stage.run(db, ctx);
      out.push({ name: stage.name, ms: Date.now() - t, summary });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `the '${stage.name}' stage after ingestion failed: ${why} (the landed data is kept; rerun \`sophia ${stage.name}\`)`,
      );
    }
  }
  return out;
}

/** One line per stage, for a command's summary. */
export function formatStageOutcomes(outcomes: readonly StageOutcome[]): string {
  return outcomes.map((o) => `${o.name}: ${o.summary} (${(o.ms / 1000).toFixed(1)}s)\n`).join('');
}
