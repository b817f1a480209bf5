import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCursors, mergeRows, PENDING_PARENT_STREAM, recordHash } from '../../shared/ingest/landing.js';
import { compileMapper, type MappingRule } from '../../shared/ingest/mapper.js';
import { formatSummary, startIngestRun, type RunSummary } from '../../shared/ingest/run.js';
import type { Checkpoint, IncomingRecord, SourceName } from '../../shared/ingest/types.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

/**
 * The landing path on both engines, with a small mapping written here (the dictionary's real mappings are
 * exercised by the stream tests): merge of two streams into one row, child rows, transcript replacement,
 * references that arrive later, parents that arrive later, violations with provenance, idempotent reruns.
 */
let n = 0;
function r(
  source: string,
  stream: string,
  entity: string,
  field: string,
  sourcePath: string,
  transform = 'identity',
  transformArgs: unknown = null,
): MappingRule {
  return {
    id: `r${++n}`,
    source,
    stream,
    entity,
    field,
    sourcePath,
    transform,
    transformArgs,
    priority: 100,
    active: true,
  };
}

export const TEST_RULES: MappingRule[] = [
  r('gong', 'users', 'users', 'source_id', 'id', 'id'),
  r('gong', 'users', 'users', 'email', 'emailAddress', 'email'),
  r('gong', 'users', 'users', 'full_name', 'name', 'text'),
  r('gong', 'calls', 'calls', 'source_id', 'id', 'id'),
  r('gong', 'calls', 'calls', '_cursor', 'started', 'timestamp'),
  r('gong', 'calls', 'calls', 'title', 'title', 'text'),
  r('gong', 'calls', 'calls', 'started_at', 'started', 'timestamp'),
  r('gong', 'calls', 'calls', 'primary_user_id', 'primaryUserId', 'reference', { entity: 'users' }),
  r('gong', 'extensiveCalls', 'calls', 'source_id', 'metaData.id', 'id'),
  r('gong', 'extensiveCalls', 'calls', '_cursor', 'metaData.started', 'timestamp'),
  r('gong', 'extensiveCalls', 'calls', 'started_at', 'metaData.started', 'timestamp'),
  r('gong', 'extensiveCalls', 'calls', 'brief', 'content.brief', 'text'),
  r('gong', 'extensiveCalls', 'calls', 'crm_context', 'context', 'json'),
  r('gong', 'extensiveCalls', 'calls', 'account_id', 'context', 'gong_crm_reference', {
    objectType: 'Account',
    entity: 'accounts',
  }),
  r('gong', 'extensiveCalls', 'call_participants', 'source_participant_id', 'parties[].id', 'id'),
  r('gong', 'extensiveCalls', 'call_participants', 'speaker_id', 'parties[].speakerId', 'id'),
  r('gong', 'extensiveCalls', 'call_participants', 'email', 'parties[].emailAddress', 'email'),
  r('gong', 'extensiveCalls', 'call_participants', 'name', 'parties[].name', 'text'),
  r('gong', 'callTranscripts', 'transcript_segments', '_id', 'callId', 'id'),
  r('gong', 'callTranscripts', 'transcript_segments', '_parent', 'callId', 'id'),
  r('gong', 'callTranscripts', 'transcript_segments', 'speaker_id', 'transcript[].speakerId', 'id'),
  r('gong', 'callTranscripts', 'transcript_segments', 'text', 'transcript[].sentences[].text', 'text'),
  r(
    'gong',
    'callTranscripts',
    'transcript_segments',
    'start_ms',
    'transcript[].sentences[].start',
    'integer',
  ),
  r('gong', 'callTranscripts', 'transcript_segments', 'end_ms', 'transcript[].sentences[].end', 'integer'),
  r('salesforce', 'Account', 'accounts', 'source_id', 'Id', 'id'),
  r('salesforce', 'Account', 'accounts', '_cursor', 'SystemModstamp', 'timestamp'),
  r('salesforce', 'Account', 'accounts', 'name', 'Name', 'text'),
  r('salesforce', 'Account', 'accounts', 'domain', 'Website', 'domain'),
  r('salesforce', 'Account', 'accounts', 'annual_revenue', 'AnnualRevenue', 'number'),
  r('slack', 'channels', 'slack_channels', 'source_id', 'id', 'id'),
  r('slack', 'channels', 'slack_channels', 'name', 'name', 'text'),
  r('slack', 'channel_messages', 'slack_messages', 'source_id', 'channel_id, ts', 'join', {
    separator: ':',
  }),
  r('slack', 'channel_messages', 'slack_messages', 'channel_id', 'channel_id', 'reference', {
    entity: 'slack_channels',
  }),
  r('slack', 'channel_messages', 'slack_messages', 'ts', 'ts', 'slack_ts_text'),
  r('slack', 'channel_messages', 'slack_messages', 'posted_at', 'ts', 'slack_ts'),
  r('slack', 'channel_messages', 'slack_messages', 'text', 'text', 'text'),
];

export const testMapper = () => compileMapper(TEST_RULES);

export function rec(source: SourceName, stream: string, data: Record<string, unknown>): IncomingRecord {
  return { source, stream, data, raw: JSON.stringify({ stream, data }), emittedAt: 1714662012345 };
}

const CALL_ID = '77823422740259378951'; // 20 digits
const call = (title: string, started = '2024-05-02T11:01:37.041Z') =>
  rec('gong', 'calls', { id: CALL_ID, title, started, primaryUserId: '234599484848423' });
const extensive = (brief: string) =>
  rec('gong', 'extensiveCalls', {
    metaData: { id: CALL_ID, started: '2024-05-02T11:01:37.041Z' },
    content: { brief },
    context: [{ system: 'Salesforce', objects: [{ objectType: 'Account', objectId: '0014W000027f6V2QAI' }] }],
    parties: [
      { id: '111', speakerId: '6432345678901234561', emailAddress: 'Dana@Acme.com', name: 'Dana' },
      { id: '222', speakerId: '6432345678901234562', emailAddress: 'sam.lee@example.com', name: 'Sam' },
    ],
  });
const transcript = (texts: string[]) =>
  rec('gong', 'callTranscripts', {
    callId: CALL_ID,
    transcript: [
      {
        speakerId: '6432345678901234562',
        sentences: texts.map((text, i) => ({ start: i * 1000, end: i * 1000 + 900, text })),
      },
    ],
  });

describe('landing helpers', () => {
  it('orders cursors as numbers, instants or text', () => {
    expect(compareCursors('2020-10-22T21:03:23.000+0000', '2020-10-22T21:03:24Z')).toBeLessThan(0);
    expect(compareCursors('1675092593.431309', '1675092593.5')).toBeLessThan(0);
    expect(compareCursors('99999999999999999999', '99999999999999999998')).toBeGreaterThan(0);
    expect(compareCursors('2021-02-22T14:01:11.762000+00:00', '2021-02-22T14:01:11.762Z')).toBe(0);
    expect(compareCursors(null, 'x')).toBe(0);
    expect(compareCursors('b', 'a')).toBeGreaterThan(0);
  });

  it('hashes canonical JSON whatever the key order', () => {
    expect(recordHash({ a: 1, b: { c: 2, d: 3 } })).toBe(recordHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(recordHash({ a: 1 })).not.toBe(recordHash({ a: 2 }));
  });

  it('merges rows of one key: later fields win, refs combine', () => {
    const merged = mergeRows([
      { entity: 'calls', key: '1', fields: { title: 'a', brief: 'x' }, refs: [] },
      {
        entity: 'calls',
        key: '1',
        fields: { title: 'b' },
        refs: [{ field: 'account_id', entity: 'accounts', source: 'salesforce', sourceId: '001' }],
      },
      { entity: 'calls', key: '2', fields: { title: 'c' }, refs: [] },
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]!.fields).toEqual({ title: 'b', brief: 'x' });
    expect(merged[0]!.refs).toHaveLength(1);
  });
});

describe.each(testEngines())('landing on %s', (engine) => {
  let t: TestDatabase;
  const tenant = 'acme';
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants(tenant);
  });
  afterAll(async () => t?.close());

  const run = async (batches: Array<[IncomingRecord[], Checkpoint[]?]>, source: SourceName = 'gong') => {
    const ingest = await startIngestRun(t.sophia, {
      tenant,
      connector: 'airbyte',
      source,
      input: 'test',
      mapper: testMapper(),
      validator: { check: () => [] },
    });
    for (const [records, cps] of batches) await ingest.write(records, cps ?? []);
    return ingest.finish();
  };
  const q = async <T>(query: string): Promise<T[]> =>
    t.sophia.withTenant(tenant, async (trx) => (await sql.raw<T>(query).execute(trx)).rows);

  let first: RunSummary;
  it('lands a transcript that arrives before its call once the call lands (same run)', async () => {
    first = await run([
      [
        [transcript(['Hello there.', 'Pricing is too high.'])],
        [{ stream: 'callTranscripts', state: { started: 'a' } }],
      ],
      [
        [call('Acme pricing')],
        [
          {
            stream: 'calls',
            state: { started: '2024-05-02T11:01:37.041Z' },
            cursor: '2024-05-02T11:01:37.041Z',
          },
        ],
      ],
      [[extensive('They pushed back on price.')]],
    ]);
    expect(first.status).toBe('succeeded');
    expect(first.streams.callTranscripts).toMatchObject({ read: 1, inserted: 1, deadLettered: 0 });
    expect(first.streams.calls).toMatchObject({ read: 1, inserted: 1 });
    const calls = await q<{ source_id: string; title: string; brief: string; started_at: Date }>(
      'select source_id, title, brief, started_at from calls',
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      source_id: CALL_ID,
      title: 'Acme pricing',
      brief: 'They pushed back on price.',
    });
    expect(new Date(calls[0]!.started_at).toISOString()).toBe('2024-05-02T11:01:37.041Z');
    const segs = await q<{
      segment_index: number;
      text: string;
      speaker_id: string;
      participant: string | null;
    }>(
      `select s.segment_index, s.text, s.speaker_id, p.name as participant from transcript_segments s
       left join call_participants p on p.id = s.participant_id order by segment_index`,
    );
    expect(segs).toEqual([
      { segment_index: 0, text: 'Hello there.', speaker_id: '6432345678901234562', participant: 'Sam' },
      {
        segment_index: 1,
        text: 'Pricing is too high.',
        speaker_id: '6432345678901234562',
        participant: 'Sam',
      },
    ]);
    const pending = await q<{ n: number }>(
      `select count(*)::int as n from source_records where stream = '${PENDING_PARENT_STREAM}'`,
    );
    expect(pending[0]!.n).toBe(0);
    const states = await q<{ stream: string; cursor: string | null }>(
      'select stream, cursor from sync_state order by stream',
    );
    expect(states).toEqual([
      { stream: 'callTranscripts', cursor: null },
      { stream: 'calls', cursor: '2024-05-02T11:01:37.041Z' },
    ]);
    const participants = await q<{ email: string }>('select email from call_participants order by email');
    expect(participants.map((p) => p.email)).toEqual(['dana@acme.com', 'sam.lee@example.com']);
  });

  it('resolves a reference when its target arrives in a later run (and leaves no pending work)', async () => {
    const before = await q<{ account_id: string | null }>('select account_id from calls');
    expect(before[0]!.account_id).toBeNull();
    const s = await run(
      [
        [
          [
            rec('salesforce', 'Account', {
              Id: '0014W000027f6V2QAI',
              Name: 'Acme',
              Website: 'www.acme.com',
              SystemModstamp: '2020-10-22T21:03:23.000+0000',
            }),
          ],
        ],
      ],
      'salesforce',
    );
    expect(s.references.unresolved).toBeGreaterThanOrEqual(0);
    const after = await q<{ account_id: string | null; name: string }>(
      'select c.account_id, a.name from calls c join accounts a on a.id = c.account_id',
    );
    expect(after).toEqual([{ account_id: expect.any(String), name: 'Acme' }]);
  });

  it('reruns the same input as unchanged, with no duplicates', async () => {
    const again = await run([
      [[transcript(['Hello there.', 'Pricing is too high.'])]],
      [[call('Acme pricing')]],
      [[extensive('They pushed back on price.')]],
    ]);
    expect(again.streams.calls).toMatchObject({ read: 1, inserted: 0, updated: 0, unchanged: 1 });
    expect(again.streams.callTranscripts).toMatchObject({ read: 1, unchanged: 1 });
    const counts = await q<{ calls: number; parts: number; segs: number; src: number }>(
      `select (select count(*)::int from calls) as calls, (select count(*)::int from call_participants) as parts,
              (select count(*)::int from transcript_segments) as segs,
              (select count(*)::int from source_records where stream not like '\\_%') as src`,
    );
    expect(counts[0]).toEqual({ calls: 1, parts: 2, segs: 2, src: 4 });
  });

  it('updates: a changed transcript replaces the segments; an older cursor is kept out', async () => {
    const s = await run([
      [[transcript(['Only one sentence now.'])]],
      [[call('Older title', '2024-05-01T00:00:00Z')]],
    ]);
    expect(s.streams.callTranscripts).toMatchObject({ updated: 1 });
    expect(s.streams.calls).toMatchObject({ unchanged: 1, updated: 0 });
    const segs = await q<{ text: string }>('select text from transcript_segments');
    expect(segs).toEqual([{ text: 'Only one sentence now.' }]);
    const calls = await q<{ title: string }>('select title from calls');
    expect(calls).toEqual([{ title: 'Acme pricing' }]);
  });

  it('a Slack message before its channel waits, then lands; a parent that never comes is dead-lettered', async () => {
    const msg = (channel: string, ts: string) =>
      rec('slack', 'channel_messages', { channel_id: channel, ts, text: `hi ${ts}` });
    const s = await run(
      [
        [[msg('C1', '1675092593.431309'), msg('C404', '1675092594.000100')]],
        [[rec('slack', 'channels', { id: 'C1', name: 'general' })]],
      ],
      'slack',
    );
    expect(s.streams.channel_messages).toMatchObject({ read: 2, inserted: 1, deadLettered: 1 });
    expect(s.status).toBe('partial');
    const msgs = await q<{ source_id: string; ts: string; posted_at: Date }>(
      'select source_id, ts, posted_at from slack_messages',
    );
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ source_id: 'C1:1675092593.431309', ts: '1675092593.431309' });
    expect(new Date(msgs[0]!.posted_at).toISOString()).toBe('2023-01-30T15:29:53.431Z');
    const dead = await q<{ error_code: string; source_id: string; raw: string }>(
      `select error_code, source_id, raw from dead_letters where source = 'slack'`,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ error_code: 'parent_missing', source_id: 'C404:1675092594.000100' });
    expect(dead[0]!.raw).toContain('C404');
    // the channel arrives in a later run: the waiting message lands and its dead letter is resolved
    const later = await run([[[rec('slack', 'channels', { id: 'C404', name: 'late' })]]], 'slack');
    expect(later.streams.channel_messages).toMatchObject({ inserted: 1 });
    const open = await q<{ n: number }>(
      `select count(*)::int as n from dead_letters where source = 'slack' and resolved_at is null`,
    );
    expect(open[0]!.n).toBe(0);
    expect(await q('select 1 from slack_messages')).toHaveLength(2);
  });

  it('a mapper or validator that throws on one record: that record is dead-lettered (mapping_failed), the rest land', async () => {
    const base = testMapper();
    const ingest = await startIngestRun(t.sophia, {
      tenant,
      connector: 'airbyte',
      source: 'gong',
      input: 'test',
      mapper: {
        knows: (s, st) => base.knows(s, st),
        map: (r) => {
          if (r.data.id === 'boom') throw new TypeError('cannot read properties of undefined');
          return base.map(r);
        },
      },
      validator: {
        check: (row) => {
          if (row.fields.title === 'validator bug') throw new Error('rule crashed');
          return [];
        },
      },
    });
    await ingest.write([
      rec('gong', 'users', { id: 'boom', emailAddress: 'x@y.z' }),
      rec('gong', 'users', { id: 'u-ok', emailAddress: 'ok@example.com' }),
      call('validator bug', '2024-06-01T00:00:00Z'),
    ]);
    const s = await ingest.finish();
    expect(s.streams.users).toMatchObject({ read: 2, inserted: 1, deadLettered: 1 });
    const [d] = await q<{ error_code: string; reason: string }>(
      `select error_code, reason from dead_letters where error_code = 'mapping_failed'`,
    );
    expect(d!.reason).toBe('mapping failed: cannot read properties of undefined');
    const [v] = await q<{ rule_key: string; message: string }>(
      `select rule_key, message from quality_violations where rule_key like '%.validator'`,
    );
    expect(v).toEqual({ rule_key: 'calls.validator', message: 'validation failed: rule crashed' });
  });

  it('records the run in sync_runs and formats a summary table', async () => {
    const runs = await q<{ status: string; stats: { streams: Record<string, unknown> } }>(
      `select status, stats from sync_runs where id = '${first.runId}'`,
    );
    expect(runs[0]!.status).toBe('succeeded');
    expect(Object.keys(runs[0]!.stats.streams).sort()).toEqual([
      'callTranscripts',
      'calls',
      'extensiveCalls',
    ]);
    const text = formatSummary(first);
    expect(text).toMatch(/stream\s+read\s+inserted\s+updated\s+unchanged\s+dead-lettered\s+violations/);
    expect(text).toMatch(/calls\s+1\s+1\s+0\s+0\s+0\s+0/);
  });
});
