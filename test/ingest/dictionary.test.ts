import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DICTIONARY_DIR,
  DictionaryFileError,
  loadMapper,
  loadMappingRules,
  loadValidator,
  readDictionary,
  syncDictionary,
} from '../../shared/ingest/dictionary.js';
import { compileMapper } from '../../shared/ingest/mapper.js';
import type { IncomingRecord, SourceName } from '../../shared/ingest/types.js';
import { findSetViolations } from '../../shared/ingest/validate.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'airbyte');

function allFixtureRecords(): IncomingRecord[] {
  const out: IncomingRecord[] = [];
  for (const dir of ['samples', 'constructed'])
    for (const source of ['gong', 'salesforce', 'hubspot', 'slack'] as SourceName[]) {
      let text: string;
      try {
        text = readFileSync(join(FIXTURES, dir, `${source}_records.jsonl`), 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').filter((l) => l.trim())) {
        const r = JSON.parse(line) as { stream: string; data: Record<string, unknown> };
        out.push({ source, stream: r.stream, data: r.data, raw: line });
      }
    }
  return out;
}

/** A copy of the dictionary folder with one file edited, for bad-file tests. */
function editedCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sophia-dict-'));
  cpSync(DICTIONARY_DIR, dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

function fileError(dir: string): DictionaryFileError {
  try {
    readDictionary(dir);
  } catch (err) {
    if (err instanceof DictionaryFileError) return err;
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('expected a DictionaryFileError');
}

describe('the dictionary files', () => {
  it('are valid: fields, the 21 core fields, mappings for every stream, rules', () => {
    const d = readDictionary();
    expect(d.fields.filter((f) => f.isCore).map((f) => `${f.entity}.${f.field}`)).toHaveLength(21);
    expect(new Set(d.mappings.map((m) => `${m.source}.${m.stream}`)).size).toBe(26);
    expect(d.rules.length).toBeGreaterThan(30);
    expect(new Set(d.rules.map((r) => r.ruleType))).toEqual(
      new Set(['required', 'format', 'enum', 'range', 'reference', 'uniqueness']),
    );
    const byClass = (cls: string) =>
      d.fields.filter((f) => f.piiClass === cls).map((f) => `${f.entity}.${f.field}`);
    expect(byClass('contact')).toContain('contacts.email');
    expect(byClass('sensitive')).toContain('transcript_segments.text');
  });

  it('a field that is not a column is an error naming the file and entry', () => {
    const err = fileError(editedCopy('fields.yaml', (t) => t.replace('      role:\n', '      rolle:\n')));
    expect(err.file).toMatch(/fields\.yaml$/);
    expect(err.message).toMatch(/entities\.users\.fields\.rolle: users has no column rolle/);
  });

  it('a bad transform in a mapping file is an error naming the file and entry', () => {
    const err = fileError(
      editedCopy('mappings/gong.yaml', (t) =>
        t.replace(
          'phone: { path: phoneNumber, transform: e164 }',
          'phone: { path: phoneNumber, transform: e165 }',
        ),
      ),
    );
    expect(err.file).toMatch(/mappings\/gong\.yaml$/);
    expect(err.message).toMatch(/streams\.users\.map\.phone: unknown transform 'e165'/);
  });

  it('a mapping to a field the dictionary does not define is an error', () => {
    const err = fileError(
      editedCopy('mappings/slack.yaml', (t) => t.replace('      time_zone: {', '      timezone: {')),
    );
    expect(err.message).toMatch(
      /streams\.users\.map\.timezone: users\.timezone is not a field of the dictionary/,
    );
  });

  it('a bad rule is an error naming the rule', () => {
    const err = fileError(
      editedCopy('rules.yaml', (t) =>
        t.replace('params: { format: iso4217 }', 'params: { format: iso4218 }'),
      ),
    );
    expect(err.file).toMatch(/rules\.yaml$/);
    expect(err.message).toMatch(/rule opportunities\.currency\.format: unknown format 'iso4218'/);
  });

  it('YAML that does not parse is an error naming the file', () => {
    const err = fileError(editedCopy('rules.yaml', (t) => `${t}\n  - { key: [unclosed\n`));
    expect(err.message).toMatch(/rules\.yaml: not valid YAML/);
  });
});

describe.each(testEngines())('dictionary tables on %s', (engine) => {
  let t: TestDatabase;
  const files = readDictionary();
  const T = 'tenant-dict';

  async function snapshot() {
    return t.sophia.withTenant(T, async (trx) => ({
      fields: await trx
        .selectFrom('dictionary_fields')
        .selectAll()
        .orderBy('entity')
        .orderBy('field')
        .execute(),
      mappings: await trx.selectFrom('source_mappings').selectAll().orderBy('id').execute(),
      rules: await trx.selectFrom('validation_rules').selectAll().orderBy('rule_key').execute(),
    }));
  }

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants(T, 'tenant-other');
  });
  afterAll(async () => t?.close());

  it('sync seeds the tables, and a second sync changes nothing', async () => {
    const first = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    expect(first.fields.inserted).toBe(files.fields.length);
    expect(first.mappings.inserted).toBe(files.mappings.length);
    expect(first.rules.inserted).toBe(files.rules.length);
    const before = await snapshot();
    const second = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    expect(second).toEqual({
      fields: { inserted: 0, updated: 0, unchanged: files.fields.length, retired: 0 },
      mappings: { inserted: 0, updated: 0, unchanged: files.mappings.length, retired: 0 },
      rules: { inserted: 0, updated: 0, unchanged: files.rules.length, retired: 0 },
      kept: [],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('the rows are the tenant’s own: another tenant sees none and its mapper knows nothing', async () => {
    const other = await t.sophia.withTenant('tenant-other', (trx) => loadMapper(trx, 'tenant-other'));
    expect(other.knows('gong', 'calls')).toBe(false);
  });

  it('loadMapper from the tables maps every fixture exactly as the files do', async () => {
    const fromTables = await t.sophia.withTenant(T, (trx) => loadMapper(trx, T), { readOnly: true });
    const fromFiles = compileMapper(files.mappings);
    const records = allFixtureRecords();
    expect(records.length).toBeGreaterThan(30);
    for (const r of records)
      expect(JSON.stringify(fromTables.map(r)), `${r.source} ${r.stream}`).toBe(
        JSON.stringify(fromFiles.map(r)),
      );
  });

  it('an edited and a deactivated mapping in the table change what the mapper does, and sync keeps them', async () => {
    await t.sophia.withTenant(T, async (trx) => {
      // As the data-dictionary server would: change the row and bump updated_at.
      await trx
        .updateTable('source_mappings')
        .set({ transform: 'lowercase', updated_at: sql<Date>`clock_timestamp() + interval '1 second'` })
        .where('source', '=', 'gong')
        .where('stream', '=', 'calls')
        .where('field', '=', 'title')
        .execute();
      await trx
        .updateTable('source_mappings')
        .set({ active: false, updated_at: sql<Date>`clock_timestamp() + interval '1 second'` })
        .where('source', '=', 'gong')
        .where('stream', '=', 'calls')
        .where('field', '=', 'duration_seconds')
        .execute();
    });
    const call = allFixtureRecords().find((r) => r.source === 'gong' && r.stream === 'calls')!;
    const check = async () => {
      const mapper = await t.sophia.withTenant(T, (trx) => loadMapper(trx, T));
      const o = mapper.map(call);
      if (o.kind !== 'mapped') throw new Error(JSON.stringify(o));
      return o.rows[0]!.fields;
    };
    const fields = await check();
    expect(fields.title).toBe('acme <> example: pricing follow-up');
    expect('duration_seconds' in fields).toBe(false);

    const report = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    expect(report.kept.sort()).toEqual([
      'source_mappings gong.calls: duration -> calls.duration_seconds (edited in the database)',
      'source_mappings gong.calls: title -> calls.title (edited in the database)',
    ]);
    expect(report.mappings.updated).toBe(0);
    expect((await check()).title).toBe('acme <> example: pricing follow-up');

    const forced = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files, force: true }));
    expect(forced.mappings.updated).toBe(2);
    const restored = await check();
    expect(restored.title).toBe('Acme <> Example: pricing follow-up');
    expect(restored.duration_seconds).toBe(1845);
  });

  it('a mapping row edited into something unusable is a clear error when ingestion loads the mapper', async () => {
    const where = (trx: Parameters<Parameters<TestDatabase['sophia']['withTenant']>[1]>[0]) =>
      trx
        .updateTable('source_mappings')
        .where('source', '=', 'slack')
        .where('stream', '=', 'channels')
        .where('field', '=', 'member_count');
    await t.sophia.withTenant(T, (trx) =>
      where(trx)
        .set({ transform: 'integr', updated_at: sql<Date>`clock_timestamp() + interval '1 second'` })
        .execute(),
    );
    await expect(t.sophia.withTenant(T, (trx) => loadMapper(trx, T))).rejects.toThrow(
      /slack\.channels: num_members -> slack_channels\.member_count: unknown transform 'integr'/,
    );
    await t.sophia.withTenant(T, (trx) =>
      where(trx)
        .set({ transform: 'integer', updated_at: sql<Date>`clock_timestamp() + interval '1 second'` })
        .execute(),
    );
    const mapper = await t.sophia.withTenant(T, (trx) => loadMapper(trx, T));
    expect(mapper.knows('slack', 'channels')).toBe(true);
  });

  it('a change in the files updates files-owned rows; an entry removed from the files is retired', async () => {
    const changed = structuredClone(files);
    const phone = changed.mappings.find(
      (m) => m.source === 'gong' && m.stream === 'users' && m.field === 'phone',
    )!;
    phone.transformArgs = { region: 'GB' };
    changed.mappings = changed.mappings.filter(
      (m) => !(m.source === 'gong' && m.stream === 'users' && m.field === 'title'),
    );
    changed.rules = changed.rules.filter((r) => r.ruleKey !== 'calls.url.format');
    const field = changed.fields.find((f) => f.entity === 'calls' && f.field === 'brief')!;
    field.description = 'Short summary of the call, written by Gong.';
    const report = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files: changed }));
    expect(report.mappings).toMatchObject({ updated: 1, retired: 1, inserted: 0 });
    expect(report.rules).toMatchObject({ retired: 1 });
    expect(report.fields).toMatchObject({ updated: 1 });
    const rows = await t.sophia.withTenant(T, (trx) => loadMappingRules(trx, T));
    expect(rows.find((m) => m.stream === 'users' && m.source === 'gong' && m.field === 'title')!.active).toBe(
      false,
    );
    expect(
      rows.find((m) => m.stream === 'users' && m.source === 'gong' && m.field === 'phone')!.transformArgs,
    ).toEqual({
      region: 'GB',
    });
    const brief = await t.sophia.withTenant(T, (trx) =>
      trx
        .selectFrom('dictionary_fields')
        .select(['description', 'version', 'updated_by'])
        .where('entity', '=', 'calls')
        .where('field', '=', 'brief')
        .executeTakeFirstOrThrow(),
    );
    expect(brief).toEqual({
      description: 'Short summary of the call, written by Gong.',
      version: 2,
      updated_by: 'files',
    });
    // Back to the reviewed files: everything returns, still idempotent afterwards.
    await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    const again = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    expect(again.mappings.updated + again.rules.updated + again.fields.updated).toBe(0);
  });

  it('a field edited in the database by someone else is kept', async () => {
    await t.sophia.withTenant(T, (trx) =>
      trx
        .updateTable('dictionary_fields')
        .set({ description: 'Edited by a data steward.', updated_by: 'steward@payready.com' })
        .where('entity', '=', 'accounts')
        .where('field', '=', 'region')
        .execute(),
    );
    const report = await t.sophia.withTenant(T, (trx) => syncDictionary(trx, T, { files }));
    expect(report.kept).toEqual(['dictionary_fields accounts.region (edited by steward@payready.com)']);
  });

  it('loadValidator reads the rules and PII classes from the tables; a deactivated rule stops', async () => {
    const row = { entity: 'contacts' as const, key: '1', fields: { email: 'Not An Email' }, refs: [] };
    const v1 = await t.sophia.withTenant(T, (trx) => loadValidator(trx, T));
    expect(v1.check(row).map((x) => [x.ruleKey, x.value])).toEqual([['contacts.email.format', 'N***']]);
    expect(v1.setRules.map((r) => r.ruleKey).sort()).toEqual([
      'accounts.domain.unique',
      'calls.account_id.reference',
      'contacts.account_id.reference',
      'contacts.email.unique',
      'opportunities.account_id.reference',
      'users.email.unique',
    ]);
    await t.sophia.withTenant(T, (trx) =>
      trx
        .updateTable('validation_rules')
        .set({ active: false, updated_at: sql<Date>`clock_timestamp() + interval '1 second'` })
        .where('rule_key', '=', 'contacts.email.format')
        .execute(),
    );
    const v2 = await t.sophia.withTenant(T, (trx) => loadValidator(trx, T));
    expect(v2.check(row)).toEqual([]);
  });

  it('set-based rules find duplicate emails and unlinked calls with SQL over landed rows', async () => {
    const v = await t.sophia.withTenant(T, (trx) => loadValidator(trx, T));
    const found = await t.sophia.withTenant(T, async (trx) => {
      const account = await trx
        .insertInto('accounts')
        .values({ tenant_id: T, source: 'salesforce', source_id: '001A', name: 'Summit' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const contacts = await trx
        .insertInto('contacts')
        .values([
          {
            tenant_id: T,
            source: 'hubspot',
            source_id: '1',
            email: 'dana@summit.com',
            account_id: account.id,
          },
          {
            tenant_id: T,
            source: 'hubspot',
            source_id: '2',
            email: 'dana@summit.com',
            account_id: account.id,
          },
          {
            tenant_id: T,
            source: 'salesforce',
            source_id: '003A',
            email: 'dana@summit.com',
            account_id: account.id,
          },
          {
            tenant_id: T,
            source: 'hubspot',
            source_id: '3',
            email: 'other@summit.com',
            account_id: account.id,
          },
          // Leads need no account yet (the rule's `unless`); a customer contact without one is flagged.
          { tenant_id: T, source: 'salesforce', source_id: '00QLEAD', lifecycle_stage: 'lead' },
          { tenant_id: T, source: 'hubspot', source_id: '4', lifecycle_stage: 'customer' },
        ])
        .returning(['id', 'source_id'])
        .execute();
      const calls = await trx
        .insertInto('calls')
        .values([
          { tenant_id: T, source: 'gong', source_id: '7782342274025937895', started_at: new Date() },
          {
            tenant_id: T,
            source: 'gong',
            source_id: '7782342274025937896',
            started_at: new Date(),
            account_id: account.id,
          },
          // An internal call has no customer account to be linked to.
          {
            tenant_id: T,
            source: 'gong',
            source_id: '7782342274025937897',
            started_at: new Date(),
            scope: 'Internal',
          },
        ])
        .returning('id')
        .execute();
      return {
        contacts: await findSetViolations(
          trx,
          v.setRules,
          'contacts',
          contacts.map((c) => c.id),
          v.pii,
        ),
        calls: await findSetViolations(
          trx,
          v.setRules,
          'calls',
          calls.map((c) => c.id),
          v.pii,
        ),
        none: await findSetViolations(trx, v.setRules, 'calls', [], v.pii),
      };
    });
    expect(found.contacts.map((x) => [x.ruleKey, x.sourceId, x.value]).sort()).toEqual([
      ['contacts.account_id.reference', '4', null],
      ['contacts.email.unique', '1', 'd***@summit.com'],
      ['contacts.email.unique', '2', 'd***@summit.com'],
    ]);
    expect(found.calls.map((x) => [x.ruleKey, x.sourceId, x.severity])).toEqual([
      ['calls.account_id.reference', '7782342274025937895', 'warning'],
    ]);
    expect(found.calls[0]!.message).toMatch(/is linked to no accounts row \(account_id is empty\)/);
    expect(found.none).toEqual([]);
  });
});
