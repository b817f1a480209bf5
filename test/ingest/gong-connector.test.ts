import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMapper, loadValidator, syncDictionary } from '../../shared/ingest/dictionary.js';
import { Secret } from '../../shared/config/secret.js';
import { GongClient } from '../../shared/ingest/gong/client.js';
import { gongBatchRecords, ingestGong, normaliseGongDate } from '../../shared/ingest/gong/connector.js';
import { startIngestRun } from '../../shared/ingest/run.js';
import type { IncomingRecord } from '../../shared/ingest/types.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/engines.js';
import { type FakeGong, startFakeGong } from '../support/fakes/gong-api-server.js';
import { MemorySink } from '../support/fakes/memory-sink.js';

const run2 = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));
const KEY = 'k';
const SECRET = 's3cret-value-never-printed';
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

  it('a stored page cursor Gong refuses (expired) restarts that phase from the first page, once', async () => {
    server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 2, calls: 25, pageSize: 10 });
    const s = sink();
    const window = { from: '2024-05-01T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' };
    s.states.set('users', { state: { window, cursor: null, done: true, pages: 1 }, cursor: null });
    s.states.set('calls', {
      state: { window, cursor: 'expired-cursor', done: false, pages: 2, lastBatch: null },
      cursor: null,
    });
    const result = await ingestGong({ client: client(server.url), sink: s, ...WINDOW });
    expect(result.counts.calls).toBe(25);
    expect(s.notes.join('\n')).toMatch(
      /stored page cursor was refused .*reading calls again from the first page/,
    );
    const pages = server.log.filter((r) => r.path === '/v2/calls');
    expect(pages.map((p) => p.status)).toEqual([400, 200, 200, 200]);
    // a cursor refused mid-run (not a stored one) is an error, not a loop
    server.inject({ path: '/v2/calls', status: 400, after: 1, body: { errors: ['cursor is invalid'] } });
    await expect(ingestGong({ client: client(server.url), sink: sink(), ...WINDOW })).rejects.toThrow(
      /cursor is invalid/,
    );
  });

  it('without --from: continues after the last completed window (one day overlap); the first run needs it', async () => {
    server = await startFakeGong({
      accessKey: KEY,
      secret: SECRET,
      users: 1,
      calls: 30,
      start: '2024-05-30T00:00:00Z',
    });
    const s = sink();
    await expect(ingestGong({ client: client(server.url), sink: s })).rejects.toThrow(/--from is required/);
    await ingestGong({ client: client(server.url), sink: s, from: '2024-05-01', to: '2024-05-31' });
    const first = s.byStream('calls').length;
    expect(first).toBe(24);
    const now = () => new Date('2024-06-10T00:00:00Z');
    const r = await ingestGong({ client: client(server.url), sink: s, now });
    expect(r.window).toEqual({ from: '2024-05-30T00:00:00.000Z', to: '2024-06-10T00:00:00.000Z' });
    // the overlap re-reads the last day (harmless upserts); the new calls arrive
    expect(new Set(s.byStream('calls').map((x) => x.data.id)).size).toBe(30);
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

/** What landed for a tenant, in a comparable form. */
async function landed(t: TestDatabase, tenant: string) {
  return t.sophia.withTenant(tenant, async (trx) => {
    const calls = await sql<{
      source_id: string;
      started_at: Date;
      title: string | null;
      primary: string | null;
    }>`
      select c.source_id, c.started_at, c.title, u.source_id as primary
        from calls c left join users u on u.id = c.primary_user_id order by c.source_id`.execute(trx);
    const users = await sql<{ source_id: string; email: string | null }>`
      select source_id, email from users order by source_id`.execute(trx);
    const participants = await sql<{
      call: string;
      pid: string;
      speaker_id: string | null;
      user: string | null;
    }>`
      select c.source_id as call, p.source_participant_id as pid, p.speaker_id, u.source_id as user
        from call_participants p join calls c on c.id = p.call_id left join users u on u.id = p.user_id
       order by 1, 2`.execute(trx);
    const segments = await sql<{
      call: string;
      segment_index: number;
      pid: string | null;
      start_ms: number;
      end_ms: number;
      text: string;
    }>`
      select c.source_id as call, s.segment_index, p.source_participant_id as pid, s.start_ms, s.end_ms, s.text
        from transcript_segments s join calls c on c.id = s.call_id
        left join call_participants p on p.id = s.participant_id
       order by 1, 2`.execute(trx);
    const records = await sql<{ stream: string; n: number }>`
      select stream, count(*)::int as n from source_records where source = 'gong' group by 1 order by 1`.execute(
      trx,
    );
    return {
      calls: calls.rows,
      users: users.rows,
      participants: participants.rows,
      segments: segments.rows,
      records: records.rows,
    };
  });
}

for (const engine of testEngines()) {
  describe(`Gong API into the unified model (${engine})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(engine);
      await t.tenants('clean', 'crashy');
      for (const tenant of ['clean', 'crashy'])
        await t.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
    });
    afterAll(async () => {
      await t?.close();
    });

    const run = async (tenant: string) => {
      const dict = await t.sophia.withTenant(tenant, async (trx) => ({
        mapper: await loadMapper(trx, tenant),
        validator: await loadValidator(trx, tenant),
      }));
      return startIngestRun(t.sophia, {
        ...dict,
        tenant,
        connector: 'gong-api',
        source: 'gong',
        identity: false,
      });
    };

    it('lands users, calls, participants and transcript segments; a run killed mid-way resumes to the same tables', async () => {
      server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 4, calls: 26, pageSize: 10 });
      const clean = await run('clean');
      await ingestGong({ client: client(server.url), sink: clean, ...WINDOW });
      const cleanSummary = await clean.finish();
      expect(cleanSummary.streams.calls).toMatchObject({ read: 26, inserted: 26, deadLettered: 0 });
      expect(cleanSummary.streams.callTranscripts).toMatchObject({ read: 26, deadLettered: 0 });

      server.inject({
        path: '/v2/calls/transcript',
        status: 400,
        after: 1,
        body: { errors: ['simulated failure'] },
      });
      const first = await run('crashy');
      await expect(ingestGong({ client: client(server.url), sink: first, ...WINDOW })).rejects.toThrow(
        /simulated failure/,
      );
      await first.fail(new Error('simulated failure'));
      const partial = await landed(t, 'crashy');
      expect(partial.calls).toHaveLength(10);

      const second = await run('crashy');
      const r = await ingestGong({ client: client(server.url), sink: second, ...WINDOW });
      expect(r.resumed.calls).toBe(true);
      const summary = await second.finish();
      expect(summary.streams.calls).toMatchObject({ read: 16, inserted: 16 });

      const a = await landed(t, 'clean');
      const b = await landed(t, 'crashy');
      expect(b).toEqual(a);
      expect(a.calls).toHaveLength(26);
      expect(a.users).toHaveLength(4);
      expect(a.participants).toHaveLength(52);
      expect(a.segments).toHaveLength(26 * 3);
      // 20-digit ids exact; speakers joined through parties[].speakerId; times in ms
      const big = a.calls.find((c) => c.source_id.length === 20)!;
      expect(big.source_id).toBe(server.data.calls.find((c) => String(c.id).length === 20)!.id);
      expect(a.calls.every((c) => c.primary !== null)).toBe(true);
      const seg = a.segments.find((s) => s.call === big.source_id && s.segment_index === 0)!;
      expect(seg).toMatchObject({ start_ms: 460, end_ms: 2890, pid: expect.stringMatching(/^\d{19}$/) });
      expect(a.participants.filter((p) => p.user !== null)).toHaveLength(26);

      // a rerun of the window changes nothing
      const again = await run('clean');
      await ingestGong({ client: client(server.url), sink: again, ...WINDOW });
      const s3 = await again.finish();
      expect(s3.streams.calls).toMatchObject({ inserted: 0, updated: 0, unchanged: 26 });
      expect(await landed(t, 'clean')).toEqual(a);
    });

    it('sophia ingest gong killed (SIGKILL) mid-run and rerun lands exactly what a clean run lands', async () => {
      server = await startFakeGong({ accessKey: KEY, secret: SECRET, users: 4, calls: 26, pageSize: 10 });
      const env = {
        ...process.env,
        DATABASE_URL: t.url,
        SOPHIA_TENANT: 'killed',
        GONG_BASE_URL: server.url,
        GONG_ACCESS_KEY: KEY,
        GONG_ACCESS_KEY_SECRET: SECRET,
      };
      const args = [...CLI, 'ingest', 'gong', '--from', WINDOW.from, '--to', WINDOW.to, '--no-identity'];
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      // wait for the first committed page of calls, then kill (the client keeps to 3 requests a second)
      let pages = 0;
      for (let i = 0; i < 600 && pages < 1; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const row = await t.sophia
          .withTenant('killed', (trx) =>
            sql<{ pages: number | null }>`select (state->>'pages')::int as pages from sync_state
              where connector = 'gong-api' and stream = 'calls'`.execute(trx),
          )
          .catch(() => undefined);
        pages = row?.rows[0]?.pages ?? 0;
      }
      expect(pages).toBeGreaterThanOrEqual(1);
      child.kill('SIGKILL');
      expect(await exited).toBe(null);
      const partial = await landed(t, 'killed');
      expect(partial.calls.length).toBeGreaterThan(0);
      expect(partial.calls.length).toBeLessThan(26);

      const rerun = await run2(process.execPath, args, { env, encoding: 'utf8' });
      expect(rerun.stderr).toMatch(/gong calls: resuming after page \d/);
      expect(rerun.stdout).toMatch(/succeeded/);
      expect(`${stderr}${rerun.stderr}${rerun.stdout}`).not.toContain(SECRET);
      expect(await landed(t, 'killed')).toEqual(await landed(t, 'clean'));
    }, 120_000);
  });
}
