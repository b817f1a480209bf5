import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncDictionary } from '../../shared/ingest/dictionary.js';
import { readAirbyteStream } from '../../shared/ingest/airbyte/reader.js';
import { startIngestRun, type RunSummary } from '../../shared/ingest/run.js';
import type { SourceName } from '../../shared/ingest/types.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

/**
 * Bad input through the real reader, the real dictionary mappings and the real landing path, on both
 * engines: each bad line or record gets its own clear outcome (a dead letter with a code and the raw line,
 * a violation, or a note) and every good record around it still lands.
 */
const msg = (stream: string, data: unknown) =>
  JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1714662012345 } });
const gongCall = (id: string, extra: Record<string, unknown> = {}) =>
  msg('calls', { id, title: `Call ${id}`, started: '2024-05-02T11:01:37.041Z', duration: 60, ...extra });

describe.each(testEngines())('bad input on %s', (engine) => {
  let t: TestDatabase;
  const tenant = 'badco';
  const q = async <T>(query: string): Promise<T[]> =>
    t.sophia.withTenant(tenant, async (trx) => (await sql.raw<T>(query).execute(trx)).rows);
  const ingest = async (source: SourceName, lines: string[]): Promise<RunSummary> => {
    const run = await startIngestRun(t.sophia, { tenant, connector: 'airbyte', source, input: 'bad-input' });
    await readAirbyteStream(Readable.from([lines.join('\n')]), run, {
      source,
      onSourceError: (m) => run.sourceError(m),
    });
    return run.finish();
  };
  const deadLetter = async (code: string) =>
    q<{ stream: string | null; source_id: string | null; reason: string; raw: string; run_id: string }>(
      `select stream, source_id, reason, raw, run_id from dead_letters where error_code = '${code}'`,
    );

  let gong: RunSummary;
  const GOOD = ['11111111111111111111', '22222222222222222222', '33333333333333333333'];
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants(tenant);
    await t.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
    gong = await ingest('gong', lines);
  }, 120_000);
  const lines = [
    gongCall(GOOD[0]!),
    '{"type": "RECORD", "record": {"stream": "calls", "data": {"id": "4444',
    msg('calls', { title: 'no id', started: '2024-05-02T11:01:37.041Z' }),
    // a 20-digit id sent as a JSON number: its digits were already rounded by any JSON parser
    '{"type": "RECORD", "record": {"stream": "calls", "data": {"id": 98765432109876543210, "started": "2024-05-02T11:01:37Z"}, "emitted_at": 1}}',
    gongCall(GOOD[1]!, { duration: 'forty minutes' }),
    gongCall('55555555555555555555', { started: 'yesterday afternoon' }),
    msg('scorecards', { scorecardId: '1', scorecardName: 'Discovery' }),
    msg('scorecards', { scorecardId: '2', scorecardName: 'Demo' }),
    msg('calls', [1, 2, 3]),
    gongCall('66666666666666666666', { title: 'NUL \u0000 inside' }),
    gongCall('77777777777777777777', { duration: 10_000_000_000 }),
    JSON.stringify({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: 1,
        error: { message: 'Gong said 429 too often', failure_type: 'transient_error' },
      },
    }),
    gongCall(GOOD[2]!),
  ];
  afterAll(async () => t?.close());

  it('lands the good records around the bad ones, 20-digit string ids exact', async () => {
    const calls = await q<{ source_id: string }>(`select source_id from calls order by source_id`);
    expect(calls.map((c) => c.source_id)).toEqual([...GOOD, '77777777777777777777']);
    expect(gong.status).toBe('partial');
    expect(gong.streams.calls).toMatchObject({ read: 9, inserted: 4, deadLettered: 5 });
  });

  it('a malformed JSON line: dead letter malformed_json with the raw line and the line number', async () => {
    const [d] = await deadLetter('malformed_json');
    expect(d!.raw).toBe('{"type": "RECORD", "record": {"stream": "calls", "data": {"id": "4444');
    expect(d!.reason).toMatch(/^line 2: not valid JSON/);
    expect(d!.run_id).toBe(gong.runId);
  });

  it('a record with no primary key: dead letter missing_primary_key', async () => {
    const [d] = await deadLetter('missing_primary_key');
    expect(d).toMatchObject({ stream: 'calls', source_id: null });
    expect(d!.reason).toMatch(/no primary key/);
    expect(d!.raw).toContain('no id');
  });

  it('a 20-digit id sent as a JSON number: dead letter bad_primary_key, never a rounded id', async () => {
    const [d] = await deadLetter('bad_primary_key');
    expect(d!.stream).toBe('calls');
    expect(d!.raw).toContain('98765432109876543210');
    const rounded = await q(`select 1 from calls where source_id like '9876543210987654%'`);
    expect(rounded).toHaveLength(0);
  });

  it('a wrong type in an optional field: the record lands, the value becomes a violation', async () => {
    const [v] = await q<{ field: string; value: string; stream: string; source_id: string }>(
      `select field, value, stream, source_id from quality_violations where source_id = '${GOOD[1]}'`,
    );
    expect(v).toEqual({
      field: 'duration_seconds',
      value: 'forty minutes',
      stream: 'calls',
      source_id: GOOD[1],
    });
    const [c] = await q<{ duration_seconds: number | null }>(
      `select duration_seconds from calls where source_id = '${GOOD[1]}'`,
    );
    expect(c!.duration_seconds).toBeNull();
  });

  it('an unusable required value (a call start that is not a time): dead letter bad_required_value', async () => {
    const [d] = await deadLetter('bad_required_value');
    expect(d).toMatchObject({ stream: 'calls', source_id: '55555555555555555555' });
    expect(d!.reason).toMatch(/started_at/);
  });

  it('record data that is not an object: dead letter not_an_object', async () => {
    const [d] = await deadLetter('not_an_object');
    expect(d!.stream).toBe('calls');
    expect(d!.reason).toMatch(/no data object/);
  });

  it('a value the database refuses (NUL in text): dead letter database_rejected, the rest of the batch lands', async () => {
    const dead = await deadLetter('database_rejected');
    expect(dead.map((d) => d.source_id)).toEqual(['66666666666666666666']);
    expect(dead[0]!.reason).toMatch(/^the database rejected the record: /);
    expect(dead[0]!.raw).toContain('NUL \\u0000 inside');
  });

  it('an integer beyond the column range: the record lands, the value becomes a violation', async () => {
    const [v] = await q<{ field: string; message: string }>(
      `select field, message from quality_violations where source_id = '77777777777777777777'`,
    );
    expect(v!.field).toBe('duration_seconds');
    expect(v!.message).toMatch(/out of the integer range/);
  });

  it('an unknown stream: reported and skipped, not dead-lettered', async () => {
    expect(gong.skipped).toEqual({ scorecards: 2 });
    expect(gong.notes.join('\n')).toMatch(/unknown stream 'scorecards' skipped/);
    expect(await deadLetter('unknown_stream')).toHaveLength(0);
  });

  it('an error trace from the source: noted, the run ends partial', () => {
    expect(gong.notes.join('\n')).toMatch(/source error: Gong said 429 too often \(transient_error\)/);
  });

  it('a rerun of the same bad input adds no duplicate dead letters, and still reports them', async () => {
    const before = await q<{ n: number }>(`select count(*)::int as n from dead_letters`);
    const again = await ingest('gong', lines);
    expect(again.streams.calls).toMatchObject({ read: 9, inserted: 0, unchanged: 4, deadLettered: 5 });
    const after = await q<{ n: number; retried: number }>(
      `select count(*)::int as n, count(retried_at)::int as retried from dead_letters`,
    );
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(after[0]!.retried).toBe(before[0]!.n);
  });

  it('a timestamp in each source format lands as the same instant', async () => {
    const at = '2024-05-02T15:01:37.041Z';
    // Gong: ISO with offset
    await ingest('gong', [gongCall('88888888888888888888', { started: '2024-05-02T11:01:37.041-04:00' })]);
    // Salesforce REST: +0000 without colon
    await ingest('salesforce', [
      msg('Account', {
        Id: '0014W000027f6V2QAI',
        Name: 'Express Logistics',
        SystemModstamp: '2024-05-02T15:01:37.041+0000',
      }),
      msg('Case', {
        Id: '5004W00001AbCdEQAV',
        Subject: 'Login broken',
        CreatedDate: '2024-05-02T15:01:37.041+0000',
        SystemModstamp: '2024-05-02T15:01:37.041+0000',
      }),
    ]);
    // HubSpot: microsecond +00:00 in properties, epoch ms in v1 engagements
    await ingest('hubspot', [
      msg('engagements_notes', {
        id: '30652613125',
        properties: { hs_timestamp: '2024-05-02T15:01:37.041000+00:00', hs_note_body: 'note' },
        createdAt: '2024-05-02T15:01:37.041Z',
        updatedAt: '2024-05-02T15:01:37.041Z',
      }),
      msg('engagements', {
        id: 11257289597,
        type: 'NOTE',
        timestamp: Date.parse(at),
        lastUpdated: Date.parse(at),
        createdAt: Date.parse(at),
      }),
    ]);
    // Slack: float seconds as a string
    await ingest('slack', [
      msg('channels', { id: 'C1', name: 'general', created: 1674485468 }),
      msg('channel_messages', {
        channel_id: 'C1',
        ts: String(Date.parse(at) / 1000),
        text: 'hi',
        type: 'message',
      }),
    ]);
    const times = await q<{ what: string; t: Date }>(
      `select 'gong' as what, started_at as t from calls where source_id = '88888888888888888888'
       union all select 'salesforce case', occurred_at from activities where source_id = '5004W00001AbCdEQAV'
       union all select 'hubspot note', occurred_at from activities where source_id = '30652613125'
       union all select 'hubspot v1', occurred_at from activities where source_id = '11257289597'
       union all select 'slack', posted_at from slack_messages`,
    );
    expect(Object.fromEntries(times.map((r) => [r.what, new Date(r.t).toISOString()]))).toEqual({
      gong: at,
      'salesforce case': at,
      'hubspot note': at,
      'hubspot v1': at,
      slack: at,
    });
    const cursors = await q<{ stream: string; cursor: string }>(
      `select stream, cursor from source_records where source_id in ('0014W000027f6V2QAI') order by stream`,
    );
    expect(cursors).toEqual([{ stream: 'Account', cursor: at }]);
  });
});
