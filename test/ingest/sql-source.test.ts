import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMapper, loadValidator, syncDictionary } from '../../shared/ingest/dictionary.js';
import type { MappingRule } from '../../shared/ingest/mapper.js';
import { startIngestRun } from '../../shared/ingest/run.js';
import {
  cleanQuery,
  compareCursor,
  describeQuery,
  ingestSql,
  splitAtCursorBoundary,
  usesCursorParameter,
} from '../../shared/ingest/sql/connector.js';
import {
  cursorTransformForType,
  mappingFromColumns,
  parseSqlMapping,
  syncSqlMappings,
} from '../../shared/ingest/sql/mapping-file.js';
import { openSourceDatabase } from '../../shared/ingest/sql/source-db.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/engines.js';
import { MemorySink } from '../support/fakes/memory-sink.js';
import { TEST_PG_URL } from '../support/global-setup.js';

/**
 * `sophia ingest sql`: a query on another PostgreSQL (a throwaway database on the local PostgreSQL) mapped
 * by a mapping file into the unified model, incrementally by a cursor column; the target Sophia database
 * runs on both engines.
 */
const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));

const MAPPING = `
# crm.people -> contacts
entity: contacts
id: person_id
cursor: updated_at
columns:
  email: { field: email, transform: email }
  phone: { field: phone, transform: e164, args: { region: US } }
  name: full_name
  job: title
  no_calls: do_not_call
`;

const QUERY = `
  select person_id, email, phone, name, job, no_calls, updated_at
    from crm.people
   where $1::timestamptz is null or updated_at > $1::timestamptz
   order by updated_at;
`;

describe('sql source: pure parts', () => {
  it('query contract helpers', () => {
    expect(cleanQuery(' select 1 ;\n')).toBe('select 1');
    expect(() => cleanQuery('select 1; drop table x')).toThrow(/one statement/);
    expect(cleanQuery(`select ';' as x`)).toBe(`select ';' as x`);
    expect(usesCursorParameter('select * from t where u > $1::int')).toBe(true);
    expect(usesCursorParameter(`select '$1' from t -- $1`)).toBe(false);
    expect(usesCursorParameter('select $10')).toBe(false);
    expect(compareCursor('9', '10')).toBeLessThan(0);
    expect(compareCursor('18446744073709551617', '18446744073709551616')).toBeGreaterThan(0);
    expect(compareCursor('2024-05-01 10:00:00+00', '2024-05-01 10:00:00.5+00')).toBeLessThan(0);
    const rows = [1, 2, 2, 3, 3].map((c) => ({ c: String(c) }));
    expect(splitAtCursorBoundary(rows, (r) => r.c)).toEqual({
      commit: rows.slice(0, 3),
      carry: rows.slice(3),
    });
    expect(splitAtCursorBoundary([{ c: '1' }], (r) => r.c).commit).toEqual([]);
  });

  it('mapping files: rules for source_mappings; mistakes are clear errors', () => {
    const rules = parseSqlMapping(MAPPING, { entity: 'contacts', cursorTransform: 'timestamp' });
    const by = (f: string) => rules.find((r) => r.field === f)!;
    expect(by('source_id')).toMatchObject({ sourcePath: 'person_id', transform: 'id', stream: 'contacts' });
    expect(by('_cursor')).toMatchObject({ sourcePath: 'updated_at', transform: 'timestamp' });
    expect(by('phone')).toMatchObject({ transform: 'e164', transformArgs: { region: 'US' } });
    expect(by('full_name').transform).toBe('text');
    expect(by('do_not_call').transform).toBe('boolean');
    expect(() => parseSqlMapping('columns: {a: b}', { entity: 'contacts' })).toThrow(/id: /);
    expect(() => parseSqlMapping('id: x\ncolumns: {a: emial}', { entity: 'contacts' })).toThrow(
      /column 'a' maps to 'emial', which is not a field of contacts/,
    );
    expect(() =>
      parseSqlMapping('id: x\ncolumns: {a: {field: email, transform: nope}}', { entity: 'contacts' }),
    ).toThrow(/unknown transform 'nope'/);
    expect(() =>
      parseSqlMapping('id: x\ncolumns: {a: {field: phone, transform: e164, args: {region: 7}}}', {
        entity: 'contacts',
      }),
    ).toThrow(/bad arguments for transform 'e164'/);
    expect(() => parseSqlMapping('id: x', { entity: 'transcript_segments' })).toThrow(
      /not an entity SQL rows can fill/,
    );
    expect(() => parseSqlMapping('entity: accounts\nid: x', { entity: 'contacts' })).toThrow(
      /for entity 'accounts'/,
    );
    expect(() => parseSqlMapping('id: [x', { entity: 'contacts' })).toThrow(/not valid YAML/);
    expect(
      mappingFromColumns(['source_id', 'email', 'whatever'], { entity: 'contacts' }).map((r) => r.field),
    ).toEqual(['source_id', 'email']);
    expect(() => mappingFromColumns(['id', 'email'], { entity: 'contacts' })).toThrow(/no source_id column/);
    // the shipped example parses and its query follows the contract
    const example = (f: string) =>
      readFileSync(new URL(`../../shared/ingest/sql/examples/${f}`, import.meta.url), 'utf8');
    const ex = parseSqlMapping(example('contacts.yaml'), { entity: 'contacts', cursorColumn: 'updated_at' });
    expect(ex.find((r) => r.field === 'account_id')).toMatchObject({ transform: 'reference' });
    expect(usesCursorParameter(cleanQuery(example('contacts.sql')))).toBe(true);
    expect(cursorTransformForType(1184)).toBe('timestamp');
    expect(cursorTransformForType(20)).toBe('integer');
  });
});

const postgresAvailable = testEngines().includes('postgres');
const srcName = `sophia_t_${process.pid}_sqlsrc`;
let srcUrl = '';
let src: pg.Client;

async function addPeople(from: number, to: number, updatedAt: (i: number) => string) {
  for (let i = from; i < to; i++)
    await src.query(
      `insert into crm.people values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (person_id) do update set email = excluded.email, updated_at = excluded.updated_at`,
      [
        String(9_000_000_000_000_000_000n + BigInt(i)),
        `Person.${i}@Example.COM`,
        `(415) 555-${String(1000 + i).slice(-4)}`,
        `Person ${i}`,
        i % 2 ? 'Property Manager' : 'VP Operations',
        i % 10 === 0,
        updatedAt(i),
      ],
    );
}

beforeAll(async () => {
  if (!postgresAvailable) return;
  {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${srcName} with (force)`);
    await admin.query(`create database ${srcName}`);
    await admin.end();
    const u = new URL(TEST_PG_URL);
    u.pathname = `/${srcName}`;
    srcUrl = u.toString();
    src = new pg.Client({ connectionString: srcUrl });
    await src.connect();
    await src.query(`create schema crm; create table crm.people (person_id numeric(20) primary key, email text,
      phone text, name text, job text, no_calls boolean, updated_at timestamptz not null)`);
    // 250 people; updated_at ties in groups of 7 (ties cross every batch boundary of 100), microseconds
    await addPeople(0, 250, (i) =>
      new Date(Date.UTC(2024, 4, 1) + Math.floor(i / 7) * 1000).toISOString().replace('.000Z', '.123456Z'),
    );
  }
});

afterAll(async () => {
  if (!postgresAvailable) return;
  await src?.end();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${srcName} with (force)`);
  await admin.end();
});

describe.runIf(postgresAvailable)('sql source against a real PostgreSQL', () => {
  it('streams in batches, commits cursor ties together, reads only newer rows on the next run', async () => {
    const sink = new MemorySink((r) => String(r.data.person_id));
    const db = await openSourceDatabase(srcUrl);
    try {
      const r = await ingestSql({
        client: db.client,
        sink,
        query: QUERY,
        entity: 'contacts',
        cursorColumn: 'updated_at',
        batchSize: 100,
      });
      expect(r.rows).toBe(250);
      expect(r.cursor).toBe('2024-05-01 00:00:35.123456+00');
    } finally {
      await db.close();
    }
    expect(new Set(sink.records.map((x) => x.data.person_id)).size).toBe(250);
    // every committed batch ends at a cursor boundary: the checkpoint never splits a tie group
    expect(sink.records[0]!.data.person_id).toBe('9000000000000000000');
    expect(sink.records[0]!.data.updated_at).toBe('2024-05-01 00:00:00.123456+00');
    expect(sink.states.get('contacts')!.state).toMatchObject({ cursorColumn: 'updated_at', rows: 250 });

    // a crash on the second batch: the rerun resumes after the first committed tie group boundary
    const crashing = new MemorySink((r) => String(r.data.person_id));
    crashing.failOnWrite = 2;
    const db1 = await openSourceDatabase(srcUrl);
    await expect(
      ingestSql({
        client: db1.client,
        sink: crashing,
        query: QUERY,
        entity: 'contacts',
        cursorColumn: 'updated_at',
        batchSize: 100,
      }),
    ).rejects.toThrow(/simulated crash/);
    await db1.close();
    const committed = crashing.records.length;
    expect(committed).toBe(98); // 14 full groups of 7 fit in the first 100 rows
    crashing.failOnWrite = undefined;
    const db2 = await openSourceDatabase(srcUrl);
    await ingestSql({
      client: db2.client,
      sink: crashing,
      query: QUERY,
      entity: 'contacts',
      cursorColumn: 'updated_at',
      batchSize: 100,
    });
    await db2.close();
    expect(crashing.records).toHaveLength(250);
    expect(new Set(crashing.records.map((x) => x.data.person_id)).size).toBe(250);

    // new and changed rows
    await addPeople(245, 260, () => '2024-06-01T00:00:00Z');
    const db3 = await openSourceDatabase(srcUrl);
    try {
      const r = await ingestSql({
        client: db3.client,
        sink,
        query: QUERY,
        entity: 'contacts',
        cursorColumn: 'updated_at',
        batchSize: 100,
      });
      expect(r.rows).toBe(15);
      expect(r.resumedFrom).toBe('2024-05-01 00:00:35.123456+00');
    } finally {
      await db3.close();
    }
  });

  it('contract violations are clear errors', async () => {
    const db = await openSourceDatabase(srcUrl);
    try {
      const sink = new MemorySink();
      await expect(
        ingestSql({
          client: db.client,
          sink,
          query: 'select * from crm.people',
          entity: 'contacts',
          cursorColumn: 'updated_at',
        }),
      ).rejects.toThrow(/needs the query to read the last cursor as \$1/);
      await expect(
        ingestSql({
          client: db.client,
          sink,
          query: 'select * from crm.people where $1::text is null or true order by name',
          entity: 'contacts',
          cursorColumn: 'updated_at',
          batchSize: 1000,
        }),
      ).rejects.toThrow(/not ordered by the cursor column updated_at/);
    } finally {
      await db.close();
    }
    const db2 = await openSourceDatabase(srcUrl);
    try {
      await expect(describeQuery(db2.client, 'select nope from crm.people')).rejects.toThrow(
        /the query failed: column "nope" does not exist/,
      );
    } finally {
      await db2.close();
    }
  });
});

async function rulesFromTable(t: TestDatabase, tenant: string): Promise<MappingRule[]> {
  return t.sophia.withTenant(tenant, async (trx) => {
    const { rows } = await sql<{
      source: string;
      stream: string;
      source_path: string;
      entity: string;
      field: string;
      transform: string;
      transform_args: unknown;
      priority: number;
      active: boolean;
    }>`select source, stream, source_path, entity, field, transform, transform_args, priority, active
         from source_mappings where source = 'sql'`.execute(trx);
    return rows.map((r) => ({
      source: r.source,
      stream: r.stream,
      sourcePath: r.source_path,
      entity: r.entity,
      field: r.field,
      transform: r.transform,
      transformArgs: r.transform_args,
      priority: r.priority,
      active: r.active,
    }));
  });
}

for (const engine of testEngines()) {
  describe.runIf(postgresAvailable)(`sql source lands in the unified model (${engine})`, () => {
    let t: TestDatabase;
    const tenant = 'acme';
    beforeAll(async () => {
      t = await createTestDatabase(engine);
      await t.tenants(tenant);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('the mapping file goes into source_mappings and the run lands contacts through it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sophia-sql-'));
      writeFileSync(join(dir, 'contacts.yaml'), MAPPING);
      const db = await openSourceDatabase(srcUrl);
      try {
        const columns = await describeQuery(db.client, QUERY);
        const cursorType = columns.find((c) => c.name === 'updated_at')?.dataTypeID;
        const rules = parseSqlMapping(MAPPING, {
          entity: 'contacts',
          cursorTransform: cursorTransformForType(cursorType),
        });
        expect(await syncSqlMappings(t.sophia, tenant, 'contacts', rules)).toBe(rules.length);
        // syncing again replaces, never duplicates
        await syncSqlMappings(t.sophia, tenant, 'contacts', rules);
        // the dictionary files' sync leaves the sql rows alone (they are not files-owned)
        await t.sophia.withTenant(tenant, (trx) => syncDictionary(trx, tenant));
        const stored = await rulesFromTable(t, tenant);
        expect(stored).toHaveLength(rules.length);
        expect(stored.every((r) => r.active)).toBe(true);
        const { mapper, validator } = await t.sophia.withTenant(tenant, async (trx) => ({
          mapper: await loadMapper(trx, tenant),
          validator: await loadValidator(trx, tenant),
        }));
        const run = await startIngestRun(t.sophia, {
          tenant,
          connector: 'sql',
          source: 'sql',
          input: 'crm.people',
          mapper,
          validator,
          identity: false,
        });
        await ingestSql({
          client: db.client,
          sink: run,
          query: QUERY,
          entity: 'contacts',
          cursorColumn: 'updated_at',
          batchSize: 100,
        });
        const summary = await run.finish();
        expect(summary.streams.contacts).toMatchObject({ read: 260, inserted: 260, deadLettered: 0 });
      } finally {
        await db.close();
      }
      const rows = await t.sophia.withTenant(tenant, async (trx) =>
        trx
          .selectFrom('contacts')
          .select(['source', 'source_id', 'email', 'phone', 'full_name', 'title', 'do_not_call'])
          .orderBy('source_id')
          .execute(),
      );
      expect(rows).toHaveLength(260);
      expect(rows[0]).toEqual({
        source: 'sql',
        source_id: '9000000000000000000',
        email: 'person.0@example.com',
        phone: '+14155551000',
        full_name: 'Person 0',
        title: 'VP Operations',
        do_not_call: true,
      });
      const state = await t.sophia.withTenant(tenant, (trx) =>
        trx
          .selectFrom('sync_state')
          .select(['connector', 'stream', 'cursor'])
          .where('source', '=', 'sql')
          .execute(),
      );
      expect(state).toEqual([{ connector: 'sql', stream: 'contacts', cursor: '2024-06-01 00:00:00+00' }]);
    });
  });
}

describe.runIf(postgresAvailable)('sophia ingest sql (the command)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('syncs the mapping file, lands the rows, redacts the URL; a rerun reads incrementally by the stored cursor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sophia-sql-cli-'));
    writeFileSync(join(dir, 'people.sql'), QUERY);
    writeFileSync(join(dir, 'people.yaml'), MAPPING);
    const u = new URL(srcUrl);
    u.password = 'not-a-real-password';
    const env = { ...process.env, DATABASE_URL: t.url, SOPHIA_TENANT: 'cli' };
    const args = [
      'ingest',
      'sql',
      '--url',
      u.toString(),
      '--query',
      join(dir, 'people.sql'),
      '--entity',
      'contacts',
    ];
    const first = await run(
      process.execPath,
      [...CLI, ...args, '--mapping', join(dir, 'people.yaml'), '--cursor', 'updated_at'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(first.stdout).toMatch(/contacts\s+260\s+260\s+0\s+0\s+0/);
    const second = await run(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });
    expect(second.stderr).toContain(
      "no --cursor: reading incrementally by the mapping's cursor column updated_at",
    );
    expect(second.stdout).toMatch(/succeeded/);
    expect(second.stdout).not.toMatch(/contacts\s+[1-9]/);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr])
      expect(out).not.toContain('not-a-real-password');
    const runs = await t.sophia.withTenant('cli', (trx) =>
      trx.selectFrom('sync_runs').select(['input', 'status']).orderBy('started_at').execute(),
    );
    expect(runs).toHaveLength(2);
    expect(runs[0]!.input).toContain(':***@127.0.0.1');
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    const bad = await run(process.execPath, [...CLI, ...args, '--cursor', 'nope'], {
      env,
      encoding: 'utf8',
    }).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/--cursor nope is not a column of the query/);
  }, 120_000);
});
