import { sql } from 'kysely';
import { loadMapper, loadValidator } from './dictionary.js';
import type { SophiaDatabase } from '../db/database.js';
import { createLogger, type Logger } from '../log/logger.js';
import { type IdentitySummary, resolveIdentities } from './identity.js';
import { type DeadLetter, Lander, loadTableMeta, type TableMeta } from './landing.js';
import { type Progress, silentProgress } from './progress.js';
import type { PiiClass, SetRule } from './validate.js';
import {
  emptyStats,
  type Checkpoint,
  type ConnectorName,
  type IncomingRecord,
  type Mapper,
  type RecordSink,
  type RejectedInput,
  type SourceName,
  type StreamStats,
  type Validator,
} from './types.js';

/**
 * An ingest run: what every connector (Airbyte lines, Airbyte Postgres tables, the Gong API, internal SQL,
 * the demo world) writes into. It records a `sync_runs` row (running -> succeeded / partial / failed, with
 * per-stream stats), lands each `write()` as one transaction with its checkpoints (shared/ingest/landing.ts),
 * and at `finish()` lands records that waited for a parent, resolves pending references, runs identity
 * resolution and the set-based quality checks, and returns a summary.
 *
 *   const run = await startIngestRun(db, { tenant, connector: 'airbyte', source: 'gong', input: file });
 *   await run.write(records, [checkpoint]);   // as often as needed
 *   const summary = await run.finish();        // or run.fail(err) on a fatal error
 *   process.stdout.write(formatSummary(summary));
 */
export interface StartRunOptions {
  tenant: string;
  connector: ConnectorName;
  source: SourceName;
  /** File, URL or query the run reads (without secrets), shown in sync_runs.input. */
  input?: string;
  progress?: Progress;
  /** Defaults: loaded from the tenant's dictionary tables (shared/ingest/dictionary.ts). */
  mapper?: Mapper;
  validator?: Validator;
  /** Run identity resolution at finish (default true). */
  identity?: boolean;
  logger?: Logger;
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunSummary {
  runId: string;
  tenant: string;
  connector: ConnectorName;
  source: SourceName;
  input: string | null;
  status: Exclude<RunStatus, 'running'>;
  streams: Record<string, StreamStats>;
  /** Records of streams no mapping covers, per stream (reported, not landed). */
  skipped: Record<string, number>;
  /** The state each stream had when the run started (what a rerun resumes from). */
  resumedFrom: Record<string, string | null>;
  notes: string[];
  error: string | null;
  identity: IdentitySummary | null;
  references: { resolved: number; unresolved: number };
  /** Quality violations found by the set-based checks (reference, uniqueness) at the end. */
  setViolations: number;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  recordsPerSecond: number;
}

type LoadedValidator = Validator & { setRules?: SetRule[]; pii?: ReadonlyMap<string, PiiClass> };

const MAX_NOTES = 200;

export class IngestRun implements RecordSink {
  readonly runId: string;
  private readonly db: SophiaDatabase;
  private readonly options: StartRunOptions;
  private readonly lander: Lander;
  private readonly validator: LoadedValidator;
  private readonly logger: Logger;
  private readonly progress: Progress;
  private readonly stats = new Map<string, StreamStats>();
  private readonly skipped = new Map<string, number>();
  private readonly notes: string[] = [];
  private readonly rejects: DeadLetter[] = [];
  private readonly startedAt = new Date();
  private readonly resumedFrom: Record<string, string | null>;
  private readonly states: Map<string, { state: unknown; cursor: string | null }>;
  private recordsSeen = 0;
  private sourceErrors = 0;
  private closed = false;

  constructor(args: {
    db: SophiaDatabase;
    options: StartRunOptions;
    runId: string;
    mapper: Mapper;
    validator: LoadedValidator;
    meta: TableMeta;
    states: Map<string, { state: unknown; cursor: string | null }>;
    logger: Logger;
  }) {
    this.db = args.db;
    this.options = args.options;
    this.runId = args.runId;
    this.logger = args.logger;
    this.progress = args.options.progress ?? silentProgress;
    this.states = args.states;
    this.validator = args.validator;
    this.resumedFrom = Object.fromEntries([...args.states].map(([k, v]) => [k, v.cursor]));
    this.lander = new Lander({
      database: args.db,
      tenant: args.options.tenant,
      runId: args.runId,
      connector: args.options.connector,
      source: args.options.source,
      mapper: args.mapper,
      validator: args.validator,
      meta: args.meta,
      log: (m, f) => this.logger.debug(m, f),
    });
  }

  private stat(stream: string): StreamStats {
    let s = this.stats.get(stream);
    if (!s) this.stats.set(stream, (s = emptyStats()));
    return s;
  }

  async write(records: IncomingRecord[], checkpoints: Checkpoint[] = []): Promise<void> {
    if (this.closed) throw new Error('this ingest run has already finished');
    const rejects = this.rejects.splice(0);
    const result = await this.lander.landBatch(records, checkpoints, rejects);
    for (const [stream, s] of result.stats) addStats(this.stat(stream), s);
    for (const [stream, u] of result.unknownStreams) {
      const before = this.skipped.get(stream) ?? 0;
      this.skipped.set(stream, before + u.count);
      if (before === 0) this.note(`unknown stream '${stream}' skipped: ${u.reason}`);
    }
    for (const n of result.notes) this.note(n);
    for (const c of checkpoints) this.states.set(c.stream, { state: c.state, cursor: c.cursor ?? null });
    this.recordsSeen += records.length;
    this.progress.records(this.recordsSeen);
  }

  async reject(input: RejectedInput): Promise<void> {
    // Kept with the next batch so it commits with the records and state around it (no duplicate on replay).
    this.rejects.push({
      source: input.source,
      stream: input.stream ?? null,
      sourceId: null,
      reason: input.reason,
      code: input.code,
      raw: input.raw,
    });
    if (!input.stream) {
      // a line that names no stream (malformed JSON, unknown message type): counted under `_input`
      this.stat('_input').read++;
      this.stat('_input').deadLettered++;
    }
    if (this.rejects.length >= 1000) await this.write([]);
  }

  note(message: string): void {
    this.logger.warn(message);
    if (this.notes.length < MAX_NOTES) this.notes.push(message);
    else if (this.notes.length === MAX_NOTES) this.notes.push('(further notes omitted; see the log)');
  }

  /** An error the source itself reported (Airbyte TRACE ERROR): the run ends `partial`. */
  sourceError(message: string): void {
    this.sourceErrors++;
    this.note(`source error: ${message}`);
  }

  async lastState(stream: string): Promise<{ state: unknown; cursor: string | null } | undefined> {
    return this.states.get(stream);
  }

  /** Lands what waited, resolves references and identities, records the outcome; returns the summary. */
  async finish(): Promise<RunSummary> {
    if (this.rejects.length) await this.write([]);
    this.closed = true;
    const pending = await this.lander.finishPending();
    for (const [stream, s] of pending.landed) {
      const t = this.stat(stream);
      t.inserted += s.inserted;
      t.updated += s.updated;
      t.violations += s.violations;
      t.deadLettered += s.deadLettered;
    }
    for (const [stream, s] of pending.deadLettered) this.stat(stream).deadLettered += s.deadLettered;
    if (pending.refsUnresolved > 0)
      this.note(
        `${pending.refsUnresolved} reference(s) point to rows that have not arrived; they resolve when those rows land`,
      );
    let identity: IdentitySummary | null = null;
    if (this.options.identity !== false) identity = await resolveIdentities(this.db, this.options.tenant);
    const interrupted = await this.lander.adoptInterruptedRuns();
    if (interrupted > 0)
      this.note(
        `${interrupted} earlier run(s) of ${this.options.connector} ${this.options.source} had no recorded end (killed?): marked failed; their rows were checked by this run`,
      );
    let setViolations = 0;
    if (this.validator.setRules?.length) {
      try {
        setViolations = await this.lander.setChecks(this.validator.setRules, this.validator.pii ?? new Map());
      } catch (err) {
        this.note(`set-based quality checks failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const deadLettered = [...this.stats.values()].reduce((n, s) => n + s.deadLettered, 0);
    const status = deadLettered > 0 || this.sourceErrors > 0 ? 'partial' : 'succeeded';
    return this.close(status, null, {
      identity,
      references: { resolved: pending.refsResolved, unresolved: pending.refsUnresolved },
      setViolations,
    });
  }

  /** Records the run as failed (what committed stays committed; a rerun resumes from the last state). */
  async fail(err: unknown): Promise<RunSummary> {
    this.closed = true;
    const message = err instanceof Error ? err.message : String(err);
    return this.close('failed', message, {
      identity: null,
      references: { resolved: 0, unresolved: 0 },
      setViolations: 0,
    });
  }

  private async close(
    status: RunSummary['status'],
    error: string | null,
    extra: Pick<RunSummary, 'identity' | 'references' | 'setViolations'>,
  ): Promise<RunSummary> {
    this.progress.stop();
    const finishedAt = new Date();
    const streams = Object.fromEntries([...this.stats].sort(([a], [b]) => a.localeCompare(b)));
    const durationMs = finishedAt.getTime() - this.startedAt.getTime();
    const read = [...this.stats.values()].reduce((n, s) => n + s.read, 0);
    const summary: RunSummary = {
      runId: this.runId,
      tenant: this.options.tenant,
      connector: this.options.connector,
      source: this.options.source,
      input: this.options.input ?? null,
      status,
      streams,
      skipped: Object.fromEntries(this.skipped),
      resumedFrom: this.resumedFrom,
      notes: [...this.notes],
      error,
      startedAt: this.startedAt,
      finishedAt,
      durationMs,
      recordsPerSecond: durationMs > 0 ? Math.round((read * 1000) / durationMs) : 0,
      ...extra,
    };
    try {
      await this.db.withTenant(this.options.tenant, (trx) =>
        sql`update sync_runs set status = ${status}, finished_at = now(), error = ${error},
              stats = ${JSON.stringify({ streams, skipped: summary.skipped, notes: summary.notes.slice(0, 50), identity: extra.identity, references: extra.references })}::jsonb
            where id = ${this.runId}::uuid`.execute(trx),
      );
    } catch (e) {
      this.logger.error('could not record the end of the run', {
        error: e instanceof Error ? e.message : String(e),
      });
    }
    return summary;
  }
}

function addStats(into: StreamStats, from: StreamStats): void {
  into.read += from.read;
  into.inserted += from.inserted;
  into.updated += from.updated;
  into.unchanged += from.unchanged;
  into.deadLettered += from.deadLettered;
  into.violations += from.violations;
}

/** Starts a run: loads mappings, rules and the last committed states, records the run as `running`. */
export async function startIngestRun(db: SophiaDatabase, options: StartRunOptions): Promise<IngestRun> {
  const logger = options.logger ?? createLogger(`ingest:${options.source}`);
  let mapper = options.mapper;
  let validator: LoadedValidator | undefined = options.validator;
  mapper ??= await db.withTenant(options.tenant, (trx) => loadMapper(trx, options.tenant));
  validator ??= await db.withTenant(options.tenant, (trx) => loadValidator(trx, options.tenant));
  const meta = await loadTableMeta(db.db);
  const { runId, states } = await db.withTenant(options.tenant, async (trx) => {
    const { rows } = await sql<{ id: string }>`
      insert into sync_runs (tenant_id, connector, source, input, status)
      values (${options.tenant}, ${options.connector}, ${options.source}, ${options.input ?? null}, 'running')
      returning id`.execute(trx);
    const { rows: st } = await sql<{ stream: string; state: unknown; cursor: string | null }>`
      select stream, state, cursor from sync_state
      where connector = ${options.connector} and source = ${options.source}`.execute(trx);
    return {
      runId: rows[0]!.id,
      states: new Map(st.map((s) => [s.stream, { state: s.state, cursor: s.cursor }])),
    };
  });
  if (states.size > 0)
    logger.info('resuming from the last committed state', {
      streams: [...states].map(([s, v]) => `${s}=${v.cursor ?? 'set'}`).join(' '),
    });
  return new IngestRun({ db, options, runId, mapper, validator, meta, states, logger });
}

const COLUMNS: Array<[keyof StreamStats, string]> = [
  ['read', 'read'],
  ['inserted', 'inserted'],
  ['updated', 'updated'],
  ['unchanged', 'unchanged'],
  ['deadLettered', 'dead-lettered'],
  ['violations', 'violations'],
];

/** The end-of-run summary: a table per stream, then what else happened (for stdout). */
export function formatSummary(summary: RunSummary): string {
  const header = ['stream', ...COLUMNS.map(([, h]) => h)];
  const rows: string[][] = Object.entries(summary.streams).map(([stream, s]) => [
    stream,
    ...COLUMNS.map(([k]) => s[k].toLocaleString('en-US')),
  ]);
  const total = emptyStats();
  for (const s of Object.values(summary.streams)) addStats(total, s);
  if (rows.length > 1) rows.push(['total', ...COLUMNS.map(([k]) => total[k].toLocaleString('en-US'))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [
    `${summary.connector} ${summary.source}${summary.input ? ` (${summary.input})` : ''}: ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)}s, ${summary.recordsPerSecond.toLocaleString('en-US')} records/s`,
    fmt(header),
    fmt(header.map((_h, i) => '-'.repeat(widths[i]!))),
    ...rows.map(fmt),
  ];
  const resumed = Object.entries(summary.resumedFrom);
  if (resumed.length)
    lines.push(
      `resumed from the last committed state: ${resumed.map(([st, c]) => `${st}=${c ?? '(state)'}`).join(', ')}`,
    );
  for (const [stream, n] of Object.entries(summary.skipped))
    lines.push(`skipped: ${n.toLocaleString('en-US')} record(s) of unknown stream '${stream}'`);
  if (summary.references.unresolved > 0)
    lines.push(`references waiting for their target: ${summary.references.unresolved}`);
  if (summary.identity) {
    const i = summary.identity;
    const rules = Object.entries(i.byRule).map(([r, n]) => `${r} ${n}`);
    lines.push(
      `identity: ${i.links ? `${i.links} new links (${rules.join(', ')})` : 'no new links'}, ${i.clusters} multi-row clusters; participants matched ${i.participantsMatched}, calls given an account ${i.callsWithAccount}`,
    );
  }
  if (summary.setViolations > 0) lines.push(`set-based quality checks: ${summary.setViolations} violations`);
  for (const n of summary.notes) lines.push(`note: ${n}`);
  if (summary.error) lines.push(`error: ${summary.error}`);
  lines.push(`run ${summary.runId}`);
  return `${lines.join('\n')}\n`;
}
