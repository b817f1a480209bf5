import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { repoRoot } from '../support/spawn-server.js';

/**
 * Crash safety with a real kill: the real `sophia ingest airbyte` runs as a child process on a generated
 * Gong file of several thousand records; it is killed with SIGKILL once some states have committed; a
 * rerun of the same file must leave the tables exactly as one clean run on a fresh database does: nothing
 * lost, nothing duplicated.
 */
const CALLS = 1200;
const STATE_EVERY = 100;
const tenant = 'crashco';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const callId = (i: number) => `9${pad(i, 19)}`; // 20 digits, beyond 2^53
const userId = (i: number) => `23459948484${pad(i, 4)}`;

/** A Gong Airbyte file: users, calls, extensiveCalls (3 parties), callTranscripts (8 sentences), with states. */
function gongFile(): { text: string; records: number } {
  const lines: string[] = [];
  let records = 0;
  const record = (stream: string, data: unknown) => {
    records++;
    lines.push(JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1714662012345 } }));
  };
  const state = (stream: string, cursor: string) =>
    lines.push(
      JSON.stringify({
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: stream }, stream_state: { started: cursor } },
        },
      }),
    );
  for (let u = 0; u < 20; u++)
    record('users', {
      id: userId(u),
      emailAddress: `Rep${u}@PayReady.example`,
      firstName: `Rep`,
      lastName: `${u}`,
      active: true,
    });
  state('users', '');
  const started = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
  for (const stream of ['calls', 'extensiveCalls', 'callTranscripts'] as const) {
    for (let i = 0; i < CALLS; i++) {
      const id = callId(i);
      const host = userId(i % 20);
      if (stream === 'calls')
        record('calls', {
          id,
          title: `Call ${i}`,
          started: started(i),
          duration: 600 + i,
          primaryUserId: host,
        });
      else if (stream === 'extensiveCalls')
        record('extensiveCalls', {
          id,
          startdatetime: started(i),
          metaData: { id, started: started(i), title: `Call ${i}`, duration: 600 + i, primaryUserId: host },
          parties: [
            {
              id: `${id}1`,
              speakerId: `${i}01`,
              userId: host,
              emailAddress: `rep${i % 20}@payready.example`,
              affiliation: 'Internal',
            },
            {
              id: `${id}2`,
              speakerId: `${i}02`,
              emailAddress: `buyer${i}@customer${i % 50}.example`,
              affiliation: 'External',
            },
            {
              id: `${id}3`,
              speakerId: `${i}03`,
              emailAddress: `cfo${i % 50}@customer${i % 50}.example`,
              affiliation: 'External',
            },
          ],
        });
      else
        record('callTranscripts', {
          callId: id,
          started: started(i),
          transcript: [1, 2, 3, 1].map((s, m) => ({
            speakerId: `${i}0${s}`,
            topic: m === 0 ? 'Intro' : null,
            sentences: [0, 1].map((k) => ({
              start: (m * 2 + k) * 4000,
              end: (m * 2 + k) * 4000 + 3500,
              text: `Sentence ${m * 2 + k} of call ${i}: we talked about pricing and the Yardi integration.`,
            })),
          })),
        });
      if ((i + 1) % STATE_EVERY === 0) state(stream, started(i));
    }
    state(stream, started(CALLS - 1));
  }
  return { text: `${lines.join('\n')}\n`, records };
}

function runCli(
  url: string,
  file: string,
  home: string,
): { child: ChildProcess; done: Promise<number | null>; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgsFor(new URL('../../cli/main.ts', import.meta.url)),
      'ingest',
      'airbyte',
      '--source',
      'gong',
      file,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: url,
        SOPHIA_TENANT: tenant,
        SOPHIA_HOME: home,
        SOPHIA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, done, output: () => output };
}

/** The landed data without Sophia's own ids and times: what must be equal after crash + rerun and a clean run. */
async function snapshot(t: TestDatabase): Promise<Record<string, string[]>> {
  const queries: Record<string, string> = {
    users: `select source_id, email, full_name from users`,
    calls: `select c.source_id, c.title, c.started_at, c.duration_seconds, u.source_id as host
            from calls c left join users u on u.id = c.primary_user_id`,
    participants: `select c.source_id as call, p.source_participant_id, p.speaker_id, p.email, p.affiliation,
                          u.source_id as user
                   from call_participants p join calls c on c.id = p.call_id left join users u on u.id = p.user_id`,
    segments: `select c.source_id as call, s.segment_index, s.call_started_at, s.speaker_id, s.start_ms, s.end_ms,
                      s.text, p.source_participant_id as participant
               from transcript_segments s join calls c on c.id = s.call_id
               left join call_participants p on p.id = s.participant_id`,
    source_records: `select source, stream, source_id, hash, cursor from source_records`,
    sync_state: `select connector, source, stream, cursor, state from sync_state`,
    dead_letters: `select source, stream, source_id, error_code from dead_letters`,
    violations: `select rule_key, source, stream, source_id, field from quality_violations`,
    identity_links: `select l.entity_type, l.rule, a.source_id as a, b.source_id as b from identity_links l
                     join users a on a.id = l.left_id join users b on b.id = l.right_id`,
  };
  const out: Record<string, string[]> = {};
  await t.sophia.withTenant(tenant, async (trx) => {
    for (const [name, query] of Object.entries(queries)) {
      const { rows } = await sql.raw<Record<string, unknown>>(query).execute(trx);
      out[name] = rows.map((r) => JSON.stringify(r)).sort();
    }
  });
  return out;
}

describe.each(testEngines())('crash safety on %s', (engine) => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  let dir: string;
  let file: string;
  let records: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sophia-crash-'));
    const g = gongFile();
    records = g.records;
    file = join(dir, 'gong.jsonl');
    writeFileSync(file, g.text);
    crashed = await createTestDatabase(engine);
    clean = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await crashed?.close();
    await clean?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run killed with SIGKILL after some states committed, then rerun, equals one clean run', async () => {
    expect(records).toBeGreaterThan(3000);
    // 1. start, and kill hard once some states committed but before the end
    const first = runCli(crashed.url, file, join(dir, 'home1'));
    let committed = 0;
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (first.child.exitCode !== null) throw new Error(`ingest ended before the kill: ${first.output()}`);
      if (Date.now() > deadline) {
        first.child.kill('SIGKILL');
        throw new Error(`no state committed within 180 s: ${first.output()}`);
      }
      try {
        const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from sync_state where tenant_id = ${tenant} and stream = 'extensiveCalls'`.execute(
          crashed.sophia.db,
        );
        committed = rows[0]!.n;
      } catch {
        committed = 0; // tables not migrated yet
      }
      if (committed > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    await first.done;
    const partial = await snapshot(crashed);
    expect(partial.calls!.length).toBe(CALLS);
    expect(partial.segments!.length).toBeLessThan(CALLS * 8);
    const running = await sql<{ status: string }>`select status from sync_runs`.execute(crashed.sophia.db);
    expect(running.rows.map((r) => r.status)).toEqual(['running']);

    // 2. rerun the same file to the end
    const second = runCli(crashed.url, file, join(dir, 'home2'));
    expect(await second.done, second.output()).toBe(0);
    expect(second.output()).toMatch(/airbyte gong \(.*gong\.jsonl\): succeeded/);
    expect(second.output()).toMatch(/callTranscripts\s+1,200\s+/);
    expect(second.output()).toMatch(/resumed from the last committed state: .*extensiveCalls=/);
    expect(second.output()).toMatch(/1 earlier run\(s\) of airbyte gong had no recorded end/);
    const statuses = await sql<{ status: string }>`select status from sync_runs order by started_at`.execute(
      crashed.sophia.db,
    );
    expect(statuses.rows.map((r) => r.status)).toEqual(['failed', 'succeeded']);

    // 3. one clean run on a fresh database
    const third = runCli(clean.url, file, join(dir, 'home3'));
    expect(await third.done, third.output()).toBe(0);

    const a = await snapshot(crashed);
    const b = await snapshot(clean);
    expect(a.calls!.length).toBe(CALLS);
    expect(a.participants!.length).toBe(CALLS * 3);
    expect(a.segments!.length).toBe(CALLS * 8);
    expect(a.source_records!.length).toBe(records);
    for (const table of Object.keys(b)) expect(a[table], table).toEqual(b[table]);
  }, 600_000);
});
