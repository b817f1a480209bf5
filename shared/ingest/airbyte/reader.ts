import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { cursorOfState } from './state.js';
import type { Checkpoint, IncomingRecord, RecordSink, RejectCode, SourceName } from '../types.js';

/**
 * Reads AirbyteMessage JSON lines (a source's `read` output) and writes them to a RecordSink.
 *
 *  - RECORD (and bare `{"stream","data","emitted_at"}` lines, as in Airbyte's expected_records fixtures):
 *    buffered; the records between two STATE messages are written with that state in ONE call, hence one
 *    transaction. When a gap between states grows past `maxBatchRecords` / `maxBatchBytes`, the buffer is
 *    written without a checkpoint: safe, because a crash then resumes from the previous state and the
 *    replayed records are upserts whose hash matches (they count as `unchanged`, nothing is duplicated).
 *  - STATE: STREAM (per stream), GLOBAL (`_global` plus each stream state inside), LEGACY (`_global`).
 *  - LOG: WARN/ERROR/FATAL become notes; lower levels go to the debug log.
 *  - TRACE: ERROR is reported as a source error (the run ends `partial`); STREAM_STATUS INCOMPLETE is
 *    noted; ESTIMATE feeds the progress ETA; ANALYTICS ignored.
 *  - CATALOG, SPEC, CONNECTION_STATUS, CONTROL, DESTINATION_CATALOG: ignored with one note per type.
 *  - Anything else that is not a message: dead-lettered with a reason (malformed JSON, not an object,
 *    unknown type, a RECORD without stream or data), and reading goes on.
 * Lines may end in CRLF; blank lines are skipped; reading is streamed (memory bounded by the batch).
 */
export interface ReadOptions {
  source: SourceName;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  /** Called with cumulative bytes read (and the total when known). */
  onBytes?: (read: number, total?: number) => void;
  /** Called with a record estimate from an ESTIMATE trace. */
  onEstimate?: (records: number) => void;
  /** Called for TRACE ERROR messages (defaults to a note). */
  onSourceError?: (message: string) => void;
  log?: (message: string) => void;
}

export interface ReadSummary {
  lines: number;
  records: number;
  states: number;
  rejected: number;
  ignored: Record<string, number>;
  sourceErrors: number;
}

const IGNORED = new Set(['CATALOG', 'SPEC', 'CONNECTION_STATUS', 'CONTROL', 'DESTINATION_CATALOG']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The outcome of one line (pure). */
export type ParsedLine =
  | { kind: 'blank' }
  | { kind: 'record'; record: IncomingRecord }
  | { kind: 'state'; checkpoints: Checkpoint[] }
  | { kind: 'log'; level: string; message: string }
  | { kind: 'trace'; traceType: string; message?: string; estimate?: number; stream?: string }
  | { kind: 'ignored'; type: string }
  | { kind: 'reject'; code: RejectCode; reason: string; stream?: string };

function streamName(descriptor: unknown): string | undefined {
  if (!isObject(descriptor)) return undefined;
  return typeof descriptor.name === 'string' ? descriptor.name : undefined;
}

/** Turns an AirbyteStateMessage into checkpoints (pure). */
export function checkpointsOfState(state: Record<string, unknown>): Checkpoint[] | string {
  const type = typeof state.type === 'string' ? state.type.toUpperCase() : 'LEGACY';
  if (type === 'STREAM') {
    const s = state.stream;
    const name = isObject(s) ? streamName(s.stream_descriptor) : undefined;
    if (!isObject(s) || !name) return 'STREAM state without stream.stream_descriptor.name';
    const value = s.stream_state ?? null;
    return [{ stream: name, state: value, cursor: cursorOfState(value) }];
  }
  if (type === 'GLOBAL') {
    const g = state.global;
    if (!isObject(g)) return 'GLOBAL state without a global object';
    const out: Checkpoint[] = [{ stream: '_global', state: g, cursor: null }];
    const streams = Array.isArray(g.stream_states) ? g.stream_states : [];
    for (const s of streams) {
      const name = isObject(s) ? streamName(s.stream_descriptor) : undefined;
      if (name && isObject(s)) {
        const value = s.stream_state ?? null;
        out.push({ stream: name, state: value, cursor: cursorOfState(value) });
      }
    }
    return out;
  }
  if (type === 'LEGACY') {
    const data = state.data ?? null;
    return [{ stream: '_global', state: data, cursor: null }];
  }
  return `unknown state type '${String(state.type)}'`;
}

/** Parses one line of input (pure). */
export function parseLine(line: string, source: SourceName): ParsedLine {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return { kind: 'blank' };
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return {
      kind: 'reject',
      code: 'malformed_json',
      reason: `not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!isObject(msg)) {
    return {
      kind: 'reject',
      code: 'not_an_object',
      reason: `an Airbyte message is a JSON object; got ${Array.isArray(msg) ? 'an array' : msg === null ? 'null' : typeof msg}`,
    };
  }
  const type = typeof msg.type === 'string' ? msg.type.toUpperCase() : undefined;
  // a bare record, as in Airbyte's expected_records.jsonl fixtures
  const rec =
    type === 'RECORD' ? msg.record : type === undefined && 'stream' in msg && 'data' in msg ? msg : undefined;
  if (type === 'RECORD' || rec !== undefined) {
    if (!isObject(rec))
      return { kind: 'reject', code: 'not_an_object', reason: 'RECORD message without a record object' };
    const stream = typeof rec.stream === 'string' && rec.stream !== '' ? rec.stream : undefined;
    if (!stream) return { kind: 'reject', code: 'not_an_object', reason: 'RECORD without a stream name' };
    if (!isObject(rec.data))
      return {
        kind: 'reject',
        code: 'not_an_object',
        reason: `RECORD of stream '${stream}' has no data object`,
        stream,
      };
    const emitted = typeof rec.emitted_at === 'number' ? rec.emitted_at : undefined;
    return {
      kind: 'record',
      record: {
        source,
        stream,
        data: rec.data,
        raw: text,
        ...(emitted !== undefined ? { emittedAt: emitted } : {}),
      },
    };
  }
  switch (type) {
    case 'STATE': {
      if (!isObject(msg.state))
        return { kind: 'reject', code: 'not_an_object', reason: 'STATE message without a state object' };
      const cps = checkpointsOfState(msg.state);
      if (typeof cps === 'string') return { kind: 'reject', code: 'not_an_object', reason: cps };
      return { kind: 'state', checkpoints: cps };
    }
    case 'LOG': {
      const log = isObject(msg.log) ? msg.log : {};
      return {
        kind: 'log',
        level: typeof log.level === 'string' ? log.level.toUpperCase() : 'INFO',
        message: typeof log.message === 'string' ? log.message : JSON.stringify(log.message ?? ''),
      };
    }
    case 'TRACE': {
      const trace = isObject(msg.trace) ? msg.trace : {};
      const traceType = typeof trace.type === 'string' ? trace.type.toUpperCase() : 'UNKNOWN';
      if (traceType === 'ERROR') {
        const e = isObject(trace.error) ? trace.error : {};
        const stream = streamName(e.stream_descriptor);
        const parts = [
          typeof e.message === 'string' ? e.message : 'error without a message',
          typeof e.failure_type === 'string' ? `(${e.failure_type})` : '',
          typeof e.internal_message === 'string' ? `: ${e.internal_message}` : '',
        ];
        return { kind: 'trace', traceType, message: parts.join(' ').trim(), ...(stream ? { stream } : {}) };
      }
      if (traceType === 'ESTIMATE') {
        const est = isObject(trace.estimate) ? trace.estimate : {};
        const n = typeof est.row_estimate === 'number' ? est.row_estimate : undefined;
        return { kind: 'trace', traceType, ...(n !== undefined ? { estimate: n } : {}) };
      }
      if (traceType === 'STREAM_STATUS') {
        const st = isObject(trace.stream_status) ? trace.stream_status : {};
        const stream = streamName(st.stream_descriptor);
        const status = typeof st.status === 'string' ? st.status : '';
        return {
          kind: 'trace',
          traceType,
          message: status,
          ...(stream ? { stream } : {}),
        };
      }
      return { kind: 'trace', traceType };
    }
    default:
      if (type && IGNORED.has(type)) return { kind: 'ignored', type };
      return {
        kind: 'reject',
        code: 'unknown_message_type',
        reason: type
          ? `unknown Airbyte message type '${type}'`
          : 'JSON object with neither a message type nor a record',
      };
  }
}

/** Reads JSON lines from a stream into the sink. Resolves when the input ends and everything is written. */
export async function readAirbyteStream(
  input: Readable,
  sink: RecordSink,
  options: ReadOptions,
  totalBytes?: number,
): Promise<ReadSummary> {
  const maxRecords = options.maxBatchRecords ?? 2000;
  const maxBytes = options.maxBatchBytes ?? 32 * 1024 * 1024;
  const summary: ReadSummary = { lines: 0, records: 0, states: 0, rejected: 0, ignored: {}, sourceErrors: 0 };
  let buffer: IncomingRecord[] = [];
  let bufferBytes = 0;
  let bytesRead = 0;

  const flush = async (checkpoints: Checkpoint[] = []) => {
    const records = buffer;
    buffer = [];
    bufferBytes = 0;
    if (records.length || checkpoints.length) await sink.write(records, checkpoints);
  };

  const handle = async (line: string) => {
    summary.lines++;
    const parsed = parseLine(line, options.source);
    switch (parsed.kind) {
      case 'blank':
        return;
      case 'record':
        summary.records++;
        buffer.push(parsed.record);
        bufferBytes += line.length;
        if (buffer.length >= maxRecords || bufferBytes >= maxBytes) await flush();
        return;
      case 'state':
        summary.states++;
        await flush(parsed.checkpoints);
        return;
      case 'log':
        if (['WARN', 'ERROR', 'FATAL'].includes(parsed.level))
          sink.note(`source ${parsed.level}: ${parsed.message}`);
        else options.log?.(`source ${parsed.level}: ${parsed.message}`);
        return;
      case 'trace':
        if (parsed.traceType === 'ERROR') {
          summary.sourceErrors++;
          const m = `${parsed.stream ? `${parsed.stream}: ` : ''}${parsed.message ?? ''}`;
          if (options.onSourceError) options.onSourceError(m);
          else sink.note(`source error: ${m}`);
        } else if (parsed.traceType === 'ESTIMATE' && parsed.estimate !== undefined) {
          options.onEstimate?.(parsed.estimate);
        } else if (parsed.traceType === 'STREAM_STATUS' && parsed.message === 'INCOMPLETE') {
          sink.note(`stream ${parsed.stream ?? '?'} reported INCOMPLETE by the source`);
        }
        return;
      case 'ignored':
        if (!summary.ignored[parsed.type])
          sink.note(`${parsed.type} message(s) ignored: not needed to ingest records`);
        summary.ignored[parsed.type] = (summary.ignored[parsed.type] ?? 0) + 1;
        return;
      case 'reject':
        summary.rejected++;
        await sink.reject({
          source: options.source,
          ...(parsed.stream ? { stream: parsed.stream } : {}),
          raw: line.endsWith('\r') ? line.slice(0, -1) : line,
          code: parsed.code,
          reason: `line ${summary.lines}: ${parsed.reason}`,
        });
        return;
    }
  };

  // Split on \n ourselves (readline would also split on a lone \r inside a line).
  let rest = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    bytesRead += Buffer.byteLength(chunk);
    options.onBytes?.(bytesRead, totalBytes);
    const text = rest + chunk;
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      await handle(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest !== '') await handle(rest);
  await flush();
  return summary;
}

/** Reads a file (or stdin for `-`). */
export async function readAirbyteFile(
  path: string,
  sink: RecordSink,
  options: ReadOptions,
): Promise<ReadSummary> {
  if (path === '-') return readAirbyteStream(process.stdin, sink, options);
  const total = statSync(path).size;
  return readAirbyteStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), sink, options, total);
}
