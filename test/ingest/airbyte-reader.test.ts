import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkpointsOfState, parseLine, readAirbyteStream } from '../../shared/ingest/airbyte/reader.js';
import { cursorOfState } from '../../shared/ingest/airbyte/state.js';
import { createProgress, formatDuration, progressLine } from '../../shared/ingest/progress.js';
import { MemorySink } from '../support/fakes/memory-sink.js';

/** The Airbyte protocol reader (pure parsing and streaming into a sink); no database. */
const line = (o: unknown) => JSON.stringify(o);
const record = (stream: string, data: Record<string, unknown>) =>
  line({ type: 'RECORD', record: { stream, data, emitted_at: 1714662012345 } });
const streamState = (name: string, state: unknown) =>
  line({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } },
  });

async function read(text: string, opts: { maxBatchRecords?: number } = {}) {
  const sink = new MemorySink();
  const writes: Array<{ records: number; checkpoints: string[] }> = [];
  const original = sink.write.bind(sink);
  sink.write = async (records, cps = []) => {
    writes.push({ records: records.length, checkpoints: cps.map((c) => c.stream) });
    return original(records, cps);
  };
  const summary = await readAirbyteStream(Readable.from([text]), sink, { source: 'gong', ...opts });
  return { sink, writes, summary };
}

describe('Airbyte message parsing', () => {
  it('parses a RECORD, keeping the raw line and emitted_at', () => {
    const l = record('calls', { id: '7782342274025937895' });
    const p = parseLine(l, 'gong');
    expect(p).toEqual({
      kind: 'record',
      record: {
        source: 'gong',
        stream: 'calls',
        data: { id: '7782342274025937895' },
        raw: l,
        emittedAt: 1714662012345,
      },
    });
  });

  it('accepts bare records as in Airbyte expected_records fixtures', () => {
    const p = parseLine(
      '{"stream": "owners", "data": {"id": "52550153"}, "emitted_at": 1685387219734}',
      'hubspot',
    );
    expect(p).toMatchObject({ kind: 'record', record: { stream: 'owners', data: { id: '52550153' } } });
  });

  it('keeps a 20-digit id exact when it is a string (JSON numbers are the mapper’s to refuse)', () => {
    const p = parseLine(record('calls', { id: '98765432109876543210' }), 'gong');
    expect(p.kind === 'record' && p.record.data.id).toBe('98765432109876543210');
  });

  it('turns STREAM, GLOBAL and LEGACY state into checkpoints', () => {
    expect(
      checkpointsOfState({
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'calls' }, stream_state: { started: '2024-05-02T15:00:12Z' } },
      }),
    ).toEqual([
      { stream: 'calls', state: { started: '2024-05-02T15:00:12Z' }, cursor: '2024-05-02T15:00:12Z' },
    ]);
    const global = checkpointsOfState({
      type: 'GLOBAL',
      global: {
        shared_state: { cdc_lsn: '0/16B3748' },
        stream_states: [
          { stream_descriptor: { name: 'users', namespace: 'public' }, stream_state: { cursor: '42' } },
        ],
      },
    });
    expect(global).toEqual([
      {
        stream: '_global',
        state: expect.objectContaining({ shared_state: { cdc_lsn: '0/16B3748' } }),
        cursor: null,
      },
      { stream: 'users', state: { cursor: '42' }, cursor: '42' },
    ]);
    expect(checkpointsOfState({ type: 'LEGACY', data: { calls: { started: 'x' } } })).toEqual([
      { stream: '_global', state: { calls: { started: 'x' } }, cursor: null },
    ]);
    // "if not set, assume LEGACY"
    expect(checkpointsOfState({ data: { a: 1 } })).toEqual([
      { stream: '_global', state: { a: 1 }, cursor: null },
    ]);
    expect(checkpointsOfState({ type: 'STREAM', stream: {} })).toMatch(/stream_descriptor/);
  });

  it('finds the cursor of common state shapes', () => {
    expect(cursorOfState({ updatedAt: '2023-01-31T00:25:34.448Z' })).toBe('2023-01-31T00:25:34.448Z');
    expect(cursorOfState({ lastUpdated: 1681915963485 })).toBe('1681915963485');
    expect(
      cursorOfState({
        states: [
          { partition: { channel: 'C1' }, cursor: { float_ts: '1683104542' } },
          { partition: { channel: 'C2' }, cursor: { float_ts: '2534945416' } },
        ],
      }),
    ).toBe('2534945416');
    expect(cursorOfState(null)).toBeNull();
    expect(cursorOfState({ a: 1, b: 2 })).toBeNull();
  });

  it('reports LOG, TRACE and ignores catalog-like messages', () => {
    expect(parseLine(line({ type: 'LOG', log: { level: 'WARN', message: 'slow' } }), 'gong')).toEqual({
      kind: 'log',
      level: 'WARN',
      message: 'slow',
    });
    expect(
      parseLine(
        line({
          type: 'TRACE',
          trace: {
            type: 'ERROR',
            emitted_at: 1,
            error: {
              message: 'Gong rejected the request',
              internal_message: '401',
              failure_type: 'config_error',
              stream_descriptor: { name: 'calls' },
            },
          },
        }),
        'gong',
      ),
    ).toEqual({
      kind: 'trace',
      traceType: 'ERROR',
      message: 'Gong rejected the request (config_error) : 401',
      stream: 'calls',
    });
    expect(
      parseLine(
        line({
          type: 'TRACE',
          trace: {
            type: 'ESTIMATE',
            emitted_at: 1,
            estimate: { name: 'calls', type: 'STREAM', row_estimate: 1200 },
          },
        }),
        'gong',
      ),
    ).toEqual({ kind: 'trace', traceType: 'ESTIMATE', estimate: 1200 });
    expect(parseLine(line({ type: 'CATALOG', catalog: { streams: [] } }), 'gong')).toEqual({
      kind: 'ignored',
      type: 'CATALOG',
    });
  });

  it('rejects what is not a message, each with its own code', () => {
    expect(parseLine('{"type": "RECORD", "record": {"stream": "calls", "data": ', 'gong')).toMatchObject({
      kind: 'reject',
      code: 'malformed_json',
    });
    expect(parseLine('[1, 2]', 'gong')).toMatchObject({ kind: 'reject', code: 'not_an_object' });
    expect(parseLine('"text"', 'gong')).toMatchObject({ kind: 'reject', code: 'not_an_object' });
    expect(parseLine(line({ type: 'RECORD', record: { stream: 'calls', data: [1] } }), 'gong')).toMatchObject(
      {
        kind: 'reject',
        code: 'not_an_object',
        stream: 'calls',
      },
    );
    expect(parseLine(line({ type: 'RECORD', record: { data: {} } }), 'gong')).toMatchObject({
      kind: 'reject',
      code: 'not_an_object',
    });
    expect(parseLine(line({ type: 'BOGUS' }), 'gong')).toMatchObject({
      kind: 'reject',
      code: 'unknown_message_type',
    });
    expect(parseLine(line({ hello: 1 }), 'gong')).toMatchObject({
      kind: 'reject',
      code: 'unknown_message_type',
    });
    expect(parseLine('   ', 'gong')).toEqual({ kind: 'blank' });
  });
});

describe('Airbyte stream reading', () => {
  it('writes the records between two states together with that state', async () => {
    const text = [
      record('calls', { id: '1' }),
      record('calls', { id: '2' }),
      streamState('calls', { started: 'a' }),
      record('calls', { id: '3' }),
      streamState('calls', { started: 'b' }),
      record('calls', { id: '4' }),
    ].join('\n');
    const { writes, sink, summary } = await read(text);
    expect(writes).toEqual([
      { records: 2, checkpoints: ['calls'] },
      { records: 1, checkpoints: ['calls'] },
      { records: 1, checkpoints: [] },
    ]);
    expect(sink.states.get('calls')).toEqual({ state: { started: 'b' }, cursor: 'b' });
    expect(summary).toMatchObject({ records: 4, states: 2, rejected: 0 });
  });

  it('tolerates CRLF, blank lines and a last line without newline; splits long gaps between states', async () => {
    const text = `${[1, 2, 3, 4, 5].map((i) => record('users', { id: String(i) })).join('\r\n')}\r\n\r\n${streamState('users', {})}`;
    const { writes, sink } = await read(text, { maxBatchRecords: 2 });
    expect(writes).toEqual([
      { records: 2, checkpoints: [] },
      { records: 2, checkpoints: [] },
      { records: 1, checkpoints: ['users'] },
    ]);
    expect(sink.records.map((r) => r.data.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(sink.records[0]!.raw.endsWith('\r')).toBe(false);
  });

  it('dead-letters bad lines and goes on; notes logs, errors and ignored messages', async () => {
    const text = [
      line({ type: 'CATALOG', catalog: {} }),
      '{not json',
      record('calls', { id: '1' }),
      line({ type: 'LOG', log: { level: 'ERROR', message: 'boom' } }),
      line({ type: 'LOG', log: { level: 'INFO', message: 'fine' } }),
      line({ type: 'TRACE', trace: { type: 'ERROR', error: { message: 'rate limited' } } }),
      line({
        type: 'TRACE',
        trace: {
          type: 'STREAM_STATUS',
          stream_status: { stream_descriptor: { name: 'calls' }, status: 'INCOMPLETE' },
        },
      }),
      record('calls', { id: '2' }),
    ].join('\n');
    const { sink, summary } = await read(text);
    expect(sink.records.map((r) => r.data.id)).toEqual(['1', '2']);
    expect(sink.rejects).toHaveLength(1);
    expect(sink.rejects[0]).toMatchObject({ code: 'malformed_json', raw: '{not json' });
    expect(sink.rejects[0]!.reason).toMatch(/^line 2: not valid JSON/);
    expect(sink.notes).toEqual([
      'CATALOG message(s) ignored: not needed to ingest records',
      'source ERROR: boom',
      'source error: rate limited',
      'stream calls reported INCOMPLETE by the source',
    ]);
    expect(summary).toMatchObject({ sourceErrors: 1, ignored: { CATALOG: 1 }, rejected: 1 });
  });

  it('streams input split at arbitrary points, including inside multi-byte characters', async () => {
    const text = [
      record('users', { id: '1', name: 'Zoë 😀' }),
      record('users', { id: '2', name: 'Ålesund' }),
    ].join('\n');
    const bytes = Buffer.from(text);
    const chunks = [bytes.subarray(0, 37), bytes.subarray(37, 38), bytes.subarray(38)];
    const sink = new MemorySink();
    await readAirbyteStream(Readable.from(chunks), sink, { source: 'gong' });
    expect(sink.records.map((r) => r.data.name)).toEqual(['Zoë 😀', 'Ålesund']);
  });
});

describe('progress', () => {
  it('formats plain lines with records/s, percentage and ETA', () => {
    expect(progressLine({ label: 'ingest gong', records: 12345, elapsedSeconds: 10, fraction: 0.25 })).toBe(
      'ingest gong: 12,345 records, 1,235/s, 25% (ETA 30s)',
    );
    expect(progressLine({ label: 'ingest slack', records: 10, elapsedSeconds: 0 })).toBe(
      'ingest slack: 10 records, 0/s',
    );
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(125)).toBe('2m05s');
  });

  it('writes plain periodic lines when not a terminal, from bytes read of a known total', () => {
    let now = 0;
    const out: string[] = [];
    const stream = { isTTY: false, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    const p = createProgress({ label: 'ingest gong', stream, intervalSeconds: 5, now: () => now });
    p.bytes(0, 1000);
    now = 1000;
    p.records(100);
    expect(out).toEqual([]);
    now = 6000;
    p.bytes(500, 1000);
    p.records(600);
    expect(out).toEqual(['ingest gong: 600 records, 100/s, 50% (ETA 6s)\n']);
    p.stop();
    expect(out).toHaveLength(2);
  });
});
