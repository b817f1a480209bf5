import type { Logger } from '../../log/logger.js';
import type { Checkpoint, IncomingRecord, RecordSink } from '../types.js';
import {
  GongApiError,
  type GongCallBasic,
  type GongCallTranscript,
  type GongClient,
  type GongExtensiveCall,
  MAX_CALL_IDS,
} from './client.js';

/**
 * The Gong API connector: reads users, calls, extensive calls and transcripts for a time window and emits
 * records shaped exactly like Airbyte source-gong's streams (../shared/data/airbyte/gong/*.json), so the
 * same source mappings land them:
 *  - `users`: the Gong user object as sent;
 *  - `calls`: CallBasicData as sent, private calls dropped (Airbyte's RecordFilter);
 *  - `extensiveCalls`: the Call object plus `id` (= metaData.id) and `startdatetime` (= metaData.started);
 *  - `callTranscripts`: one element of `callTranscripts` plus `started` copied from its call.
 *
 * Resumable: each page of calls (at most 100, Gong's page size) is one batch; its calls, extensive calls
 * and transcripts are written in one `sink.write` together with a checkpoint holding the cursor of the next
 * page. A rerun of the same window after a crash continues from the last committed page; users likewise
 * page by page. Upserts make a re-read batch harmless.
 */
export const GONG_STREAMS = ['users', 'calls', 'extensiveCalls', 'callTranscripts'] as const;
export type GongStream = (typeof GONG_STREAMS)[number];

export interface GongWindow {
  /** ISO-8601, inclusive. */
  from: string;
  /** ISO-8601, exclusive. */
  to: string;
}

/** What the connector stores in sync_state for `users` and `calls` (the resumable cursor). */
export interface GongPhaseState {
  window: GongWindow;
  /** Cursor of the next page to read; null = from the first page. */
  cursor: string | null;
  done: boolean;
  /** Pages (batches) committed so far in this window. */
  pages: number;
  /** For calls: the first and last call id of the last committed batch. */
  lastBatch?: { first: string; last: string; size: number } | null;
}

export interface GongIngestOptions {
  client: GongClient;
  sink: RecordSink;
  /**
   * Start of the window. Omitted: an interrupted run's window is resumed; else the run continues from the
   * end of the last completed window minus `lookbackMs` (Gong adds calls some time after they happen; the
   * overlap is re-read as unchanged); on a first run it is required.
   * `to` may be omitted: a resumed run then reuses the interrupted run's `to`, a fresh one uses now.
   */
  from?: string | undefined;
  /** Overlap with the previous window when `from` is omitted (default one day). */
  lookbackMs?: number;
  to?: string | undefined;
  streams?: readonly GongStream[];
  logger?: Logger;
  now?: () => Date;
  /** Called after each committed batch (progress display). */
  onBatch?: (info: { stream: string; records: number; pages: number }) => void;
  /** Called once the number of records this run will emit can be estimated (Gong's totalRecords). */
  onEstimate?: (records: number) => void;
}

export interface GongIngestResult {
  window: GongWindow;
  resumed: { users: boolean; calls: boolean };
  counts: Record<GongStream, number>;
  pages: { users: number; calls: number };
  privateSkipped: number;
}

/** Accepts a date (2024-05-01) or a full ISO timestamp; returns ISO-8601 in UTC. */
export function normaliseGongDate(value: string, name: string): string {
  const v = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(v))
    throw new Error(`${name} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp, got '${value}'`);
  return new Date(ms).toISOString();
}

function asPhaseState(value: unknown): GongPhaseState | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const s = value as Partial<GongPhaseState>;
  if (!s.window || typeof s.window.from !== 'string' || typeof s.window.to !== 'string') return undefined;
  return {
    window: s.window,
    cursor: typeof s.cursor === 'string' ? s.cursor : null,
    done: s.done === true,
    pages: typeof s.pages === 'number' ? s.pages : 0,
    lastBatch: s.lastBatch ?? null,
  };
}

/** Pure: builds the Airbyte-shaped records of one batch of calls. */
export function gongBatchRecords(
  calls: GongCallBasic[],
  extensive: GongExtensiveCall[],
  transcripts: GongCallTranscript[],
): { calls: IncomingRecord[]; extensiveCalls: IncomingRecord[]; callTranscripts: IncomingRecord[] } {
  const started = new Map<string, string | null>();
  for (const c of calls) started.set(String(c.id), c.started ?? null);
  const rec = (stream: GongStream, data: Record<string, unknown>): IncomingRecord => ({
    source: 'gong',
    stream,
    data,
    raw: JSON.stringify(data),
  });
  return {
    calls: calls.map((c) => rec('calls', c)),
    extensiveCalls: extensive
      .filter((e) => e && typeof e === 'object' && e.metaData && e.metaData.isPrivate !== true)
      .map((e) =>
        rec('extensiveCalls', { ...e, id: e.metaData.id, startdatetime: e.metaData.started ?? null }),
      ),
    callTranscripts: transcripts.map((t) =>
      rec('callTranscripts', { ...t, started: started.get(String(t.callId)) ?? null }),
    ),
  };
}

/**
 * Fetches a page; when the cursor is one stored by an interrupted run and Gong refuses it (400: Gong's
 * cursors expire), the phase restarts from its first page instead of failing on every rerun (upserts make
 * re-reading harmless).
 */
async function fetchResumable<T>(
  fetchPage: (cursor?: string) => Promise<T>,
  cursor: string | null,
  resuming: boolean,
  phase: string,
  sink: RecordSink,
  restart: () => void,
): Promise<T> {
  try {
    return await fetchPage(cursor ?? undefined);
  } catch (err) {
    if (!resuming || cursor === null || !(err instanceof GongApiError) || err.status !== 400) throw err;
    sink.note(
      `gong ${phase}: the stored page cursor was refused (${err.message}); reading ${phase} again from the first page`,
    );
    restart();
    return fetchPage(undefined);
  }
}

export async function ingestGong(options: GongIngestOptions): Promise<GongIngestResult> {
  const { client, sink } = options;
  const streams = new Set<GongStream>(options.streams ?? GONG_STREAMS);
  const now = options.now ?? (() => new Date());
  const usersState = asPhaseState((await sink.lastState('users'))?.state);
  const callsState = asPhaseState((await sink.lastState('calls'))?.state);
  let from: string;
  if (options.from !== undefined) from = normaliseGongDate(options.from, '--from');
  else if (callsState && !callsState.done) from = callsState.window.from;
  else if (callsState)
    from = new Date(Date.parse(callsState.window.to) - (options.lookbackMs ?? 86_400_000)).toISOString();
  else throw new Error('--from is required: no earlier Gong window to continue from');
  const sameFrom = (s: GongPhaseState | undefined) => s !== undefined && s.window.from === from;
  // an interrupted run of this window: reuse its `to` when none is given
  const interrupted = [callsState, usersState].find((s) => sameFrom(s) && !s!.done);
  const to = options.to
    ? normaliseGongDate(options.to, '--to')
    : interrupted
      ? interrupted.window.to
      : now().toISOString();
  if (Date.parse(to) <= Date.parse(from)) throw new Error(`--to (${to}) must be after --from (${from})`);
  const window: GongWindow = { from, to };
  const same = (s: GongPhaseState | undefined) =>
    s !== undefined && s.window.from === window.from && s.window.to === window.to;

  const result: GongIngestResult = {
    window,
    resumed: { users: false, calls: false },
    counts: { users: 0, calls: 0, extensiveCalls: 0, callTranscripts: 0 },
    pages: { users: 0, calls: 0 },
    privateSkipped: 0,
  };
  const callsInProgress = same(callsState) && !callsState!.done;

  // ---- users (full refresh, paged) ----
  if (streams.has('users')) {
    let cursor: string | null = null;
    let pages = 0;
    let skip = false;
    let resumingUsers = false;
    if (same(usersState) && !usersState!.done) {
      cursor = usersState!.cursor;
      pages = usersState!.pages;
      result.resumed.users = true;
      resumingUsers = cursor !== null;
    } else if (same(usersState) && usersState!.done && callsInProgress) {
      skip = true; // users finished before the interruption
      result.resumed.users = true;
    }
    if (result.resumed.users)
      sink.note(
        skip
          ? 'gong users: already complete for this window, skipped'
          : `gong users: resuming after page ${pages}`,
      );
    while (!skip) {
      const page = await fetchResumable(
        (c) => client.usersPage(c),
        cursor,
        resumingUsers,
        'users',
        sink,
        () => {
          cursor = null;
          pages = 0;
        },
      );
      resumingUsers = false;
      pages++;
      const records = page.items.map((u): IncomingRecord => ({
        source: 'gong',
        stream: 'users',
        data: u,
        raw: JSON.stringify(u),
      }));
      const done = page.nextCursor === undefined;
      const checkpoints: Checkpoint[] = [
        {
          stream: 'users',
          state: { window, cursor: page.nextCursor ?? null, done, pages } satisfies GongPhaseState,
          cursor: null,
        },
      ];
      if (done && streams.has('calls') && !callsInProgress)
        // mark the calls phase as started so that a crash from here on resumes rather than restarts
        checkpoints.push({
          stream: 'calls',
          state: { window, cursor: null, done: false, pages: 0, lastBatch: null } satisfies GongPhaseState,
          cursor: null,
        });
      await sink.write(records, checkpoints);
      result.counts.users += records.length;
      options.onBatch?.({ stream: 'users', records: records.length, pages });
      if (done) break;
      cursor = page.nextCursor!;
    }
    result.pages.users = pages;
  }

  // ---- calls, extensive calls, transcripts (one batch per page of calls) ----
  if (streams.has('calls') || streams.has('extensiveCalls') || streams.has('callTranscripts')) {
    const fresh = asPhaseState((await sink.lastState('calls'))?.state);
    let cursor: string | null = null;
    let pages = 0;
    let resumingCalls = false;
    let estimated = false;
    if (same(fresh) && !fresh!.done && (fresh!.pages > 0 || fresh!.cursor !== null)) {
      cursor = fresh!.cursor;
      pages = fresh!.pages;
      result.resumed.calls = true;
      resumingCalls = cursor !== null;
      sink.note(
        `gong calls: resuming after page ${pages}` +
          (fresh!.lastBatch ? ` (last batch ${fresh!.lastBatch.first}..${fresh!.lastBatch.last})` : ''),
      );
    }
    for (;;) {
      const page = await fetchResumable(
        (c) => client.callsPage(window, c),
        cursor,
        resumingCalls,
        'calls',
        sink,
        () => {
          cursor = null;
          pages = 0;
        },
      );
      resumingCalls = false;
      if (!estimated && page.totalRecords !== undefined) {
        estimated = true;
        const perCall = ['calls', 'extensiveCalls', 'callTranscripts'].filter((x) =>
          streams.has(x as GongStream),
        ).length;
        const remaining = Math.max(0, page.totalRecords - pages * page.items.length);
        options.onEstimate?.(result.counts.users + remaining * perCall);
      }
      pages++;
      const visible = page.items.filter((c) => c.isPrivate !== true);
      result.privateSkipped += page.items.length - visible.length;
      const ids = visible.map((c) => String(c.id));
      const extensive: GongExtensiveCall[] = [];
      const transcripts: GongCallTranscript[] = [];
      for (let i = 0; i < ids.length; i += MAX_CALL_IDS) {
        const chunk = ids.slice(i, i + MAX_CALL_IDS);
        if (streams.has('extensiveCalls'))
          for await (const items of client.allPages((c) => client.extensiveCallsPage(chunk, c)))
            extensive.push(...items);
        if (streams.has('callTranscripts'))
          for await (const items of client.allPages((c) => client.transcriptsPage(chunk, c)))
            transcripts.push(...items);
      }
      const built = gongBatchRecords(visible, extensive, transcripts);
      const records = [
        ...(streams.has('calls') ? built.calls : []),
        ...built.extensiveCalls,
        ...built.callTranscripts,
      ];
      const done = page.nextCursor === undefined;
      const maxStarted = visible.reduce<string | null>(
        (m, c) => (c.started && (m === null || Date.parse(c.started) > Date.parse(m)) ? c.started : m),
        null,
      );
      const state: GongPhaseState = {
        window,
        cursor: page.nextCursor ?? null,
        done,
        pages,
        lastBatch: ids.length ? { first: ids[0]!, last: ids[ids.length - 1]!, size: ids.length } : null,
      };
      const checkpoints: Checkpoint[] = [{ stream: 'calls', state, cursor: maxStarted }];
      for (const s of ['extensiveCalls', 'callTranscripts'] as const)
        if (streams.has(s) && maxStarted)
          checkpoints.push({ stream: s, state: { window, startedUpTo: maxStarted }, cursor: maxStarted });
      await sink.write(records, checkpoints);
      result.counts.calls += streams.has('calls') ? built.calls.length : 0;
      result.counts.extensiveCalls += built.extensiveCalls.length;
      result.counts.callTranscripts += built.callTranscripts.length;
      options.onBatch?.({ stream: 'calls', records: records.length, pages });
      if (done) break;
      cursor = page.nextCursor!;
    }
    result.pages.calls = pages;
  }
  if (result.privateSkipped > 0)
    sink.note(`gong: ${result.privateSkipped} private calls skipped (as Airbyte does)`);
  options.logger?.info('gong ingest finished', {
    from: window.from,
    to: window.to,
    ...result.counts,
    requests: client.requests,
    waitedMs: client.waitedMs,
  });
  return result;
}
