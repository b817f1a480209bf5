import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../shared/config/secret.js';
import { GongClient } from '../../shared/ingest/gong/client.js';
import { gongBatchRecords, ingestGong, normaliseGongDate } from '../../shared/ingest/gong/connector.js';
import type { IncomingRecord } from '../../shared/ingest/types.js';
import { type FakeGong, startFakeGong } from '../support/fakes/gong-api-server.js';
import { MemorySink } from '../support/fakes/memory-sink.js';

const KEY = 'k';
const SECRET = 's3cret';
const WINDOW = { from: '2024-05-01', to: '2024-06-01' };

let server: FakeGong | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (url: string) =>
  new GongClient({
    baseUrl: url,
    accessKey: new Secret(KEY),
    accessKeySecret: new Secret(SECRET),
    requestsPerSecond: 1000,
    backoffMs: 10,
  });

const keyOf = (r: IncomingRecord) => String(r.data.id ?? r.data.callId);
const sink = () => new MemorySink(keyOf);

/** The schema property names of an Airbyte source-gong stream (../shared/data/airbyte/gong/). */
function airbyteProps(stream: string): string[] {
  const url = new URL(`../fixtures/airbyte/gong-schemas/${stream}.json`, import.meta.url);
  return Object.keys((JSON.parse(readFileSync(url, 'utf8')) as { properties: object }).properties);
}

describe('Gong connector', () => {
  it('dates: a day or an ISO timestamp; anything else is a clear error', () => {
    expect(normaliseGongDate('2024-05-01', '--from')).toBe('2024-05-01T00:00:00.000Z');
    expect(normaliseGongDate('2024-05-01T10:00:00-04:00', '--from')).toBe('2024-05-01T14:00:00.000Z');
    expect(() => normaliseGongDate('yesterday', '--from')).toThrow(/--from must be a date/);
  });

  it('emits the four streams shaped like Airbyte source-gong; private calls skipped', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 3, calls: 9, privateEvery: 4 });
    const s = sink();
    const result = await ingestGong({ client: client(server.url), sink: s, ...WINDOW });
    expect(result.counts).toEqual({ users: 3, calls: 7, extensiveCalls: 7, callTranscripts: 7 });
    expect(result.privateSkipped).toBe(2);

    const ext = s.byStream('extensiveCalls')[0]!.data;
    expect(Object.keys(ext).sort()).toEqual(airbyteProps('extensiveCalls').sort());
    expect(ext.id).toBe((ext.metaData as { id: string }).id);
    expect(ext.startdatetime).toBe((ext.metaData as { started: string }).started);
    const tr = s.byStream('callTranscripts')[0]!.data;
    expect(Object.keys(tr).sort()).toEqual(airbyteProps('callTranscripts').sort());
    expect(tr.started).toBe(s.byStream('calls')[0]!.data.started);
    for (const k of Object.keys(s.byStream('calls')[0]!.data)) expect(airbyteProps('calls')).toContain(k);
    for (const k of Object.keys(s.byStream('users')[0]!.data)) expect(airbyteProps('users')).toContain(k);
    // ids stay strings, 19 and 20 digits, in the raw line too
    const ids = s.byStream('calls').map((r) => r.data.id as string);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(ids.some((id) => id.length === 20)).toBe(true);
    expect(s.byStream('calls')[1]!.raw).toContain(`"id":"${ids[1]}"`);
    // the checkpoint: calls done for the window
    expect(s.states.get('calls')!.state).toMatchObject({ done: true, cursor: null });
  });

  it('batches transcripts and extensive calls at most 100 call ids per request; follows their cursors', async () => {
    server = await startFakeGong({
      accessKey: KEY,
      secret: SECRET,
      users: 1,
      calls: 230,
      pageSize: 150, // larger than Gong's, to force the client to split
      postPageSize: 40,
    });
    const s = sink();
    const result = await ingestGong({ client: client(server.url), sink: s, ...WINDOW });
    expect(result.counts.callTranscripts).toBe(230);
    const posts = server.log.filter((r) => r.method === 'POST');
    const sizes = posts.map((r) => (r.body as { filter: { callIds: string[] } }).filter.callIds.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(posts.every((r) => r.status === 200)).toBe(true);
    // inner cursor paging happened: some requests carried a cursor
    expect(posts.some((r) => (r.body as { cursor?: string }).cursor)).toBe(true);
    expect(new Set(s.byStream('callTranscripts').map((r) => r.data.callId)).size).toBe(230);
  });

  it('resumes after an interruption from the last checkpoint; the result equals an uninterrupted run', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 4, calls: 35, pageSize: 10 });
    const clean = sink();
    await ingestGong({ client: client(server.url), sink: clean, ...WINDOW });
    const cleanPages = server.log.filter((r) => r.path === '/v2/calls').length;
    expect(cleanPages).toBe(4);

    // fatal error on the third page of calls: 400 is not retried
    server.log.length = 0;
    server.inject({ path: '/v2/calls', status: 400, after: 2, body: { errors: ['simulated outage'] } });
    const s = sink();
    await expect(ingestGong({ client: client(server.url), sink: s, ...WINDOW })).rejects.toThrow(
      /simulated outage/,
    );
    expect(s.states.get('calls')!.state).toMatchObject({ done: false, pages: 2 });
    const before = s.records.length;
    server.log.length = 0;
    const result = await ingestGong({ client: client(server.url), sink: s, ...WINDOW });
    expect(result.resumed).toEqual({ users: true, calls: true });
    // users were complete: not re-read; calls resumed at page 3 with its cursor
    expect(server.log.filter((r) => r.path === '/v2/users')).toHaveLength(0);
    const pages = server.log.filter((r) => r.path === '/v2/calls');
    expect(pages).toHaveLength(2);
    expect(pages[0]!.query.cursor).toBeTruthy();
    expect(s.notes.join('\n')).toMatch(/resuming after page 2/);
    // nothing read twice, nothing lost
    expect(s.records.length).toBe(clean.records.length);
    expect(before).toBeLessThan(clean.records.length);
    const a = [...clean.latest().entries()].sort();
    const b = [...s.latest().entries()].sort();
    expect(b.map(([k, r]) => [k, r.data])).toEqual(a.map(([k, r]) => [k, r.data]));
  });

  it('a crash while committing (write throws) resumes from the previous checkpoint; no --to reuses the window', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 2, calls: 25, pageSize: 10 });
    const s = sink();
    s.failOnWrite = 3; // users page, calls page 1, crash on calls page 2
    const now = () => new Date('2024-05-03T00:00:00Z');
    await expect(
      ingestGong({ client: client(server.url), sink: s, from: '2024-05-01', now }),
    ).rejects.toThrow(/simulated crash/);
    s.failOnWrite = undefined;
    const later = () => new Date('2024-05-09T00:00:00Z');
    const result = await ingestGong({ client: client(server.url), sink: s, from: '2024-05-01', now: later });
    expect(result.window.to).toBe('2024-05-03T00:00:00.000Z');
    expect(result.resumed.calls).toBe(true);
    const clean = sink();
    await ingestGong({ client: client(server.url), sink: clean, from: '2024-05-01', to: '2024-05-03' });
    expect(new Set(s.byStream('calls').map((r) => r.data.id))).toEqual(
      new Set(clean.byStream('calls').map((r) => r.data.id)),
    );
    expect(s.byStream('calls')).toHaveLength(clean.byStream('calls').length);
  });

  it('gongBatchRecords copies started onto transcripts and id/startdatetime onto extensive calls', () => {
    const out = gongBatchRecords(
      [{ id: '12345678901234567890', started: '2024-05-02T11:01:37.041Z' }],
      [{ metaData: { id: '12345678901234567890', started: '2024-05-02T11:01:37.041Z' } }],
      [{ callId: '12345678901234567890', transcript: [] }],
    );
    expect(out.extensiveCalls[0]!.data).toMatchObject({
      id: '12345678901234567890',
      startdatetime: '2024-05-02T11:01:37.041Z',
    });
    expect(out.callTranscripts[0]!.data.started).toBe('2024-05-02T11:01:37.041Z');
  });
});
