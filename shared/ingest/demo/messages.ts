/**
 * AirbyteMessage lines (protocol.md §2): RECORD with stream/data/emitted_at, per-stream STATE (plain and the
 * per-partition form Slack's declarative substreams use), LOG and TRACE stream status, the way a source's `read`
 * writes them on stdout.
 */

export function recordLine(stream: string, data: unknown, emittedAt: number): string {
  return JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: emittedAt } });
}

export function stateLine(stream: string, streamState: unknown, recordCount: number): string {
  return JSON.stringify({
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  });
}

export function logLine(message: string, level = 'INFO'): string {
  return JSON.stringify({ type: 'LOG', log: { level, message } });
}

export function statusLine(
  stream: string,
  status: 'STARTED' | 'RUNNING' | 'COMPLETE',
  emittedAt: number,
): string {
  return JSON.stringify({
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: emittedAt,
      stream_status: { stream_descriptor: { name: stream }, status },
    },
  });
}

export interface StreamOptions<T> {
  /** A STATE message after every `stateEvery` records and at the end. */
  stateEvery: number;
  /** Cursor value of a record (incremental streams); full-refresh streams have none and end with an empty state. */
  cursor?: (record: T) => string | number;
  /** Cursor field name in the state (`started`, `updatedAt`, `SystemModstamp`, ...). */
  cursorField?: string;
  /** Per-partition state (Slack): the partition of a record. */
  partition?: (record: T) => Record<string, string>;
  emittedAt: () => number;
}

/** Yields the lines of one stream: status, records, states every N records, final state, status. */
export function* streamLines<T>(
  stream: string,
  records: Iterable<T>,
  data: (record: T) => unknown,
  options: StreamOptions<T>,
): Generator<string> {
  yield statusLine(stream, 'STARTED', options.emittedAt());
  yield logLine(`Syncing stream: ${stream}`);
  let count = 0;
  let max: string | number | null = null;
  const partitions = new Map<string, { partition: Record<string, string>; cursor: Record<string, string> }>();
  const state = (): unknown => {
    if (options.partition) return { states: [...partitions.values()] };
    if (options.cursor && max !== null) return { [options.cursorField ?? 'cursor']: max };
    return {};
  };
  for (const record of records) {
    yield recordLine(stream, data(record), options.emittedAt());
    count++;
    if (options.cursor) {
      const c = options.cursor(record);
      if (max === null || c > max) max = c;
      if (options.partition) {
        const partition = options.partition(record);
        const key = JSON.stringify(partition);
        const prev = partitions.get(key);
        if (!prev || String(c) > String(prev.cursor[options.cursorField ?? 'cursor']))
          partitions.set(key, { partition, cursor: { [options.cursorField ?? 'cursor']: String(c) } });
      }
    }
    if (count % options.stateEvery === 0) yield stateLine(stream, state(), count);
  }
  if (count % options.stateEvery !== 0 || count === 0) yield stateLine(stream, state(), count);
  yield logLine(`Read ${count} records from ${stream} stream`);
  yield statusLine(stream, 'COMPLETE', options.emittedAt());
}
