import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseTables,
  ingestAirbytePostgres,
  streamOfTable,
} from '../../shared/ingest/airbyte-postgres/connector.js';
import { openSourceDatabase, redactUrl } from '../../shared/ingest/sql/source-db.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { MemorySink } from '../support/fakes/memory-sink.js';
import { TEST_PG_URL } from '../support/global-setup.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/engines.js';
import { loadMapper, loadValidator, syncDictionary } from '../../shared/ingest/dictionary.js';
import { startIngestRun } from '../../shared/ingest/run.js';

/**
 * The Airbyte Postgres destination connector against tables laid out as Airbyte writes them, in a throwaway
 * database on the local PostgreSQL, loaded with the real sample records (test/fixtures/airbyte/samples).
 */
const samples = (file: string) =>
  readFileSync(new URL(`../fixtures/airbyte/samples/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { stream: string; data: Record<string, unknown>; emitted_at: number });

const account = samples('salesforce_records.jsonl').find((r) => r.stream === 'Account')!.data;
const contact = samples('hubspot_records.jsonl').find((r) => r.stream === 'contacts')!.data;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

/** A column type the way destination-postgres types a JSON value (protocol.md §4b). */
function pgType(key: string, v: unknown): string {
  if (v === null) return 'varchar';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'bigint' : 'decimal(38, 9)';
  if (typeof v === 'string')
    return ISO.test(v) && /Date|Modstamp|Timestamp/.test(key) ? 'timestamptz' : 'varchar';
  return 'jsonb';
}

const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));
const postgresAvailable = testEngines().includes('postgres');
const dbName = `sophia_t_${process.pid}_abpg`;
let url = '';
let src: pg.Client;
let rawN = 0;
const nextRawId = () => `00000000-0000-4000-8000-${String(++rawN).padStart(12, '0')}`;

async function insertAccount(id: string, extractedAt: string, name = String(account.Name)) {
  const data = { ...account, Id: id, Name: name };
  const cols = Object.keys(data);
  await src.query(
    `insert into salesforce."Account" (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, _airbyte_generation_id, ${cols
      .map((c) => `"${c}"`)
      .join(', ')})
     select $1, $2, '{"sync_id": 1, "changes": []}', 1, ${cols.map((c) => `r."${c}"`).join(', ')}
       from jsonb_populate_record(null::salesforce."Account", $3::jsonb) r`,
    [nextRawId(), extractedAt, JSON.stringify(data)],
  );
  return data;
}

async function insertRawContact(id: string, extractedAt: string, rawId = nextRawId(), data?: unknown) {
  const d = data ?? { ...contact, id };
  await src.query(
    `insert into airbyte_internal.hubspot_raw__stream_contacts
       (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_loaded_at, _airbyte_data, _airbyte_meta, _airbyte_generation_id)
     values ($1, $2, null, $3::jsonb, '{"changes": []}', 0)`,
    [rawId, extractedAt, JSON.stringify(d)],
  );
  return d;
}

beforeAll(async () => {
  if (!postgresAvailable) return;
  {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(TEST_PG_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
    src = new pg.Client({ connectionString: url });
    await src.connect();
    // Direct Load layout: quoted, case-preserved identifiers (protocol.md §4b)
    const cols = Object.entries(account)
      .map(([k, v]) => `"${k}" ${pgType(k, v)}`)
      .join(', ');
    await src.query(
      `create schema salesforce; create schema airbyte_internal; create schema hubspot; create schema gong`,
    );
    await src.query(
      `create table salesforce."Account" (_airbyte_raw_id varchar not null, _airbyte_extracted_at timestamptz not null,
         _airbyte_meta jsonb not null, _airbyte_generation_id bigint not null, ${cols})`,
    );
    // T+D layout for HubSpot: raw table in airbyte_internal (no final table)
    await src.query(
      `create table airbyte_internal.hubspot_raw__stream_contacts (_airbyte_raw_id varchar not null,
         _airbyte_extracted_at timestamptz not null, _airbyte_loaded_at timestamptz, _airbyte_data jsonb not null,
         _airbyte_meta jsonb, _airbyte_generation_id bigint)`,
    );
    // Gong extensiveCalls final table (lowercased name, T+D style) with a bigint id beyond 2^53
    await src.query(
      `create table gong.extensivecalls (_airbyte_raw_id varchar not null, _airbyte_extracted_at timestamptz not null,
         _airbyte_meta jsonb not null, id bigint, startdatetime timestamptz, "metaData" jsonb, parties jsonb)`,
    );
    await src.query(
      `insert into gong.extensivecalls values ('r1', '2024-05-02T12:00:00.123456Z',
        '{"changes":[{"field":"id","change":"NULLED","reason":"DESTINATION_TYPECAST_ERROR"}]}', 7782342274025937895,
        '2024-05-02T11:01:37.041Z', '{"id": "7782342274025937895", "workspaceId": 623457276584334123}', '[]')`,
    );
    // a table in the schema that Airbyte did not write
    await src.query(`create table salesforce.notes (id int)`);
  }
});

afterAll(async () => {
  if (!postgresAvailable) return;
  await src?.end();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

describe.runIf(postgresAvailable)('airbyte-postgres connector', () => {
  it('maps table names to Airbyte stream names; raw wins over final', () => {
    expect(streamOfTable('salesforce', 'account')).toBe('Account');
    expect(streamOfTable('gong', 'extensivecalls')).toBe('extensiveCalls');
    expect(streamOfTable('hubspot', 'engagements_calls')).toBe('engagements_calls');
    expect(streamOfTable('hubspot', 'tickets')).toBe('tickets');
    const { tables, skipped } = chooseTables(
      [
        { schema: 'hubspot', table: 'contacts', columns: ['_airbyte_raw_id', '_airbyte_extracted_at', 'id'] },
        {
          schema: 'airbyte_internal',
          table: 'hubspot_raw__stream_contacts',
          columns: ['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_data'],
        },
        {
          schema: 'airbyte_internal',
          table: 'raw_hubspot__deals',
          columns: ['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_data'],
        },
        { schema: 'hubspot', table: 'other', columns: ['id'] },
      ],
      { schema: 'hubspot', source: 'hubspot' },
    );
    expect(tables.map((t) => `${t.stream}:${t.kind}:${t.table}`)).toEqual([
      'contacts:raw:hubspot_raw__stream_contacts',
      'deals:raw:raw_hubspot__deals',
    ]);
    expect(skipped[0]).toMatch(/hubspot.contacts \(final table; reading raw/);
  });

  it('redacts passwords in URLs', () => {
    expect(redactUrl('postgresql://u:hunter2@h:5432/db?sslpassword=x')).toBe(
      'postgresql://u:***@h:5432/db?sslpassword=***',
    );
  });

  it('reads typed final tables incrementally by _airbyte_extracted_at, reconstructing the record', async () => {
    const a1 = await insertAccount('0014W000027f6V2QAI', '2024-05-01T10:00:00.000001Z');
    await insertAccount('0014W000027f6V3QAI', '2024-05-01T10:00:00.000002Z');
    await insertAccount('0014W000027f6V4QAI', '2024-05-01T10:00:00.000002Z');
    const sink = new MemorySink((r) => String(r.data.Id));
    const db = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({
        client: db.client,
        sink,
        schema: 'salesforce',
        source: 'salesforce',
        pageSize: 2,
      });
      expect(res.tables.map((t) => t.stream)).toEqual(['Account']);
      expect(res.read).toEqual({ Account: 3 });
    } finally {
      await db.close();
    }
    expect(sink.writes).toBe(2);
    const got = sink.records[0]!;
    expect(got.stream).toBe('Account');
    expect(got.source).toBe('salesforce');
    // every property comes back; timestamps as TIMESTAMPTZ text, other values exactly
    expect(Object.keys(got.data).sort()).toEqual(Object.keys(a1).sort());
    for (const [k, v] of Object.entries(a1)) {
      if (typeof v === 'string' && pgType(k, v) === 'timestamptz')
        expect(Date.parse(String(got.data[k]))).toBe(Date.parse(v.replace('+0000', 'Z')));
      else expect(got.data[k]).toEqual(v);
    }
    expect(got.emittedAt).toBe(Date.parse('2024-05-01T10:00:00.000Z'));
    expect(sink.states.get('Account')!.state).toMatchObject({
      table: 'salesforce.Account',
      extractedAt: '2024-05-01T10:00:00.000002Z',
    });

    // new rows, one with the same extraction time as the last one read: only new rows are read
    await insertAccount('0014W000027f6V5QAI', '2024-05-01T10:00:00.000002Z');
    await insertAccount('0014W000027f6V2QAI', '2024-05-03T08:00:00Z', 'Express Logistics (renamed)');
    const db2 = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({
        client: db2.client,
        sink,
        schema: 'salesforce',
        source: 'salesforce',
      });
      expect(res.read).toEqual({ Account: 2 });
    } finally {
      await db2.close();
    }
    expect(sink.records.slice(3).map((r) => [r.data.Id, r.data.Name])).toEqual([
      ['0014W000027f6V5QAI', String(account.Name)],
      ['0014W000027f6V2QAI', 'Express Logistics (renamed)'],
    ]);
    // a third run reads nothing
    const db3 = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({
        client: db3.client,
        sink,
        schema: 'salesforce',
        source: 'salesforce',
      });
      expect(res.read).toEqual({ Account: 0 });
    } finally {
      await db3.close();
    }
  });

  it('reads legacy raw tables verbatim; a non-object row is dead-lettered; --streams filters', async () => {
    const c1 = await insertRawContact('151', '2024-05-01T00:00:00Z');
    await insertRawContact('152', '2024-05-01T00:00:01Z');
    await insertRawContact('x', '2024-05-01T00:00:02Z', nextRawId(), [1, 2]);
    const sink = new MemorySink((r) => String(r.data.id));
    const db = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({
        client: db.client,
        sink,
        schema: 'hubspot',
        source: 'hubspot',
        streams: ['contacts', 'deals'],
      });
      expect(res.read).toEqual({ contacts: 3 });
    } finally {
      await db.close();
    }
    expect(sink.records).toHaveLength(2);
    expect(sink.records[0]!.data).toEqual(c1);
    expect(sink.rejects).toHaveLength(1);
    expect(sink.rejects[0]).toMatchObject({ code: 'not_an_object', stream: 'contacts' });
    expect(sink.rejects[0]!.reason).toMatch(/an array, not an object/);
    expect(sink.notes.join('\n')).toMatch(/no table for stream\(s\) deals/);

    await insertRawContact('153', '2024-05-02T00:00:00Z');
    const db2 = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({
        client: db2.client,
        sink,
        schema: 'hubspot',
        source: 'hubspot',
      });
      expect(res.read).toEqual({ contacts: 1 });
    } finally {
      await db2.close();
    }
    expect(sink.records.map((r) => r.data.id)).toEqual(['151', '152', '153']);
  });

  it('keeps Gong ids beyond 2^53 exact from BIGINT and jsonb columns; reports Airbyte-changed rows', async () => {
    const sink = new MemorySink((r) => String(r.data.id));
    const db = await openSourceDatabase(url);
    try {
      const res = await ingestAirbytePostgres({ client: db.client, sink, schema: 'gong', source: 'gong' });
      expect(res.tables.map((t) => t.stream)).toEqual(['extensiveCalls']);
      expect(res.changed).toEqual({ extensiveCalls: 1 });
    } finally {
      await db.close();
    }
    const d = sink.records[0]!.data as { id: unknown; metaData: { workspaceId: unknown } };
    expect(d.id).toBe('7782342274025937895');
    expect(d.metaData.workspaceId).toBe('623457276584334123');
    expect(sink.notes.join('\n')).toMatch(/1 extensiveCalls rows had values changed by Airbyte/);
  });

  it('a schema without Airbyte tables is a clear error; the read is read-only', async () => {
    const db = await openSourceDatabase(url);
    try {
      await expect(
        ingestAirbytePostgres({
          client: db.client,
          sink: new MemorySink(),
          schema: 'nothing',
          source: 'slack',
        }),
      ).rejects.toThrow(/no Airbyte tables found in schema 'nothing'/);
    } finally {
      await db.close();
    }
    const db2 = await openSourceDatabase(url);
    try {
      await expect(db2.client.query('create table salesforce.x (id int)')).rejects.toThrow(
        /read-only transaction/,
      );
    } finally {
      await db2.close();
    }
  });
});

for (const engine of testEngines()) {
  describe.runIf(postgresAvailable)(`airbyte-postgres into the unified model (${engine})`, () => {
    let t: TestDatabase;
    const tenant = 'acme';
    beforeAll(async () => {
      t = await createTestDatabase(engine);
      await t.tenants(tenant);
      await t.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
    });
    afterAll(async () => {
      await t?.close();
    });

    const ingest = async (source: 'salesforce' | 'hubspot') => {
      const dict = await t.sophia.withTenant(tenant, async (trx) => ({
        mapper: await loadMapper(trx, tenant),
        validator: await loadValidator(trx, tenant),
      }));
      const run = await startIngestRun(t.sophia, {
        ...dict,
        tenant,
        connector: 'airbyte-postgres',
        source,
        input: redactUrl(url),
        identity: false,
      });
      const db = await openSourceDatabase(url);
      try {
        await ingestAirbytePostgres({ client: db.client, sink: run, schema: source, source, pageSize: 2 });
      } finally {
        await db.close();
      }
      return run.finish();
    };

    it('Salesforce Account rows from a typed final table and HubSpot contacts from a raw table land; a rerun reads nothing new', async () => {
      const sf = await ingest('salesforce');
      expect(sf.streams.Account).toMatchObject({ deadLettered: 0 });
      expect(sf.streams.Account!.read).toBeGreaterThanOrEqual(4);
      const hs = await ingest('hubspot');
      expect(hs.streams.contacts).toMatchObject({ deadLettered: 1 }); // the array row
      const accounts = await t.sophia.withTenant(tenant, (trx) =>
        trx
          .selectFrom('accounts')
          .select(['source', 'source_id', 'name', 'domain'])
          .orderBy('source_id')
          .execute(),
      );
      expect(accounts.map((a) => a.source_id)).toEqual([
        '0014W000027f6V2QAI',
        '0014W000027f6V3QAI',
        '0014W000027f6V4QAI',
        '0014W000027f6V5QAI',
      ]);
      // the newest extraction of V2 (renamed) wins
      expect(accounts[0]).toMatchObject({ source: 'salesforce', name: 'Express Logistics (renamed)' });
      const contacts = await t.sophia.withTenant(tenant, (trx) =>
        trx
          .selectFrom('contacts')
          .select(['source', 'source_id', 'email'])
          .where('source', '=', 'hubspot')
          .orderBy('source_id')
          .execute(),
      );
      expect(contacts.map((c) => c.source_id)).toEqual(['151', '152', '153']);
      const state = await t.sophia.withTenant(tenant, (trx) =>
        trx.selectFrom('sync_state').select(['connector', 'source', 'stream']).orderBy('source').execute(),
      );
      expect(state).toEqual([
        { connector: 'airbyte-postgres', source: 'hubspot', stream: 'contacts' },
        { connector: 'airbyte-postgres', source: 'salesforce', stream: 'Account' },
      ]);
      const runs = await t.sophia.withTenant(tenant, (trx) =>
        trx.selectFrom('sync_runs').select(['input']).execute(),
      );
      expect(runs.map((r) => r.input)).toEqual([redactUrl(url), redactUrl(url)]);
      const again = await ingest('salesforce');
      expect(again.streams.Account?.read ?? 0).toBe(0);
    });
  });
}

describe.runIf(postgresAvailable)('sophia ingest airbyte-postgres (the command)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lands a stream, redacts the URL, and a rerun reads nothing new', async () => {
    const u = new URL(url);
    u.password = 'not-a-real-password';
    const env = { ...process.env, DATABASE_URL: t.url, SOPHIA_TENANT: 'cli' };
    const args = [...CLI, 'ingest', 'airbyte-postgres', '--url', u.toString(), '--schema', 'salesforce'];
    const first = await run(process.execPath, [...args, '--source', 'salesforce', '--streams', 'Account'], {
      env,
      encoding: 'utf8',
    });
    expect(first.stdout).toMatch(/Account\s+5\s+4\s+/);
    const second = await run(process.execPath, [...args, '--source', 'salesforce'], {
      env,
      encoding: 'utf8',
    });
    expect(second.stdout).toMatch(/succeeded/);
    expect(second.stdout).not.toMatch(/Account\s+[1-9]/);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr])
      expect(out).not.toContain('not-a-real-password');
    const runs = await t.sophia.withTenant('cli', (trx) =>
      trx.selectFrom('sync_runs').select(['input']).orderBy('started_at').execute(),
    );
    expect(runs[0]!.input).toContain(':***@127.0.0.1');
    const bad = await run(process.execPath, [...args, '--source', 'zendesk'], {
      env,
      encoding: 'utf8',
    }).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { stderr: string }).stderr).toMatch(/unknown --source 'zendesk'/);
  }, 120_000);
});
