import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDictionary } from '../../shared/ingest/dictionary.js';
import { compileMapper, MappingConfigError, type MappingRule } from '../../shared/ingest/mapper.js';
import type { IncomingRecord, MapOutcome, MappedRow, Mapper, SourceName } from '../../shared/ingest/types.js';
import { generateWorld } from '../../shared/ingest/demo/generate.js';
import { compileValidator, maskValue } from '../../shared/ingest/validate.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'airbyte');

interface Fixture {
  stream: string;
  data: Record<string, unknown>;
  line: string;
}

function fixtures(dir: 'samples' | 'constructed', source: SourceName): Fixture[] {
  return readFileSync(join(FIXTURES, dir, `${source}_records.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const r = JSON.parse(line) as { stream: string; data: Record<string, unknown> };
      return { stream: r.stream, data: r.data, line };
    });
}

function record(source: SourceName, f: Fixture): IncomingRecord {
  return { source, stream: f.stream, data: f.data, raw: f.line };
}

function find(source: SourceName, stream: string, dir: 'samples' | 'constructed' = 'constructed'): Fixture {
  const f = fixtures(dir, source).find((x) => x.stream === stream);
  if (!f) throw new Error(`no fixture ${source} ${stream}`);
  return structuredClone(f);
}

function mapped(o: MapOutcome): Extract<MapOutcome, { kind: 'mapped' }> {
  if (o.kind !== 'mapped') throw new Error(`expected mapped, got ${JSON.stringify(o)}`);
  return o;
}

function top(o: MapOutcome): MappedRow {
  return mapped(o).rows[0]!;
}

function refsOf(row: MappedRow): Record<string, string> {
  return Object.fromEntries(row.refs.map((r) => [r.field, `${r.entity}/${r.source}/${r.sourceId}`]));
}

let mapper: Mapper & { streams(): Array<[SourceName, string]> };
let rules: MappingRule[];

beforeAll(() => {
  rules = readDictionary().mappings;
  mapper = compileMapper(rules);
});

describe('every stream of the issue has a mapping', () => {
  const streams: Record<SourceName, string[]> = {
    gong: ['users', 'calls', 'extensiveCalls', 'callTranscripts'],
    salesforce: ['Account', 'Contact', 'Opportunity', 'Lead', 'Task', 'Event', 'Case', 'User'],
    hubspot: [
      'contacts',
      'companies',
      'deals',
      'owners',
      'engagements',
      'engagements_calls',
      'engagements_emails',
      'engagements_meetings',
      'engagements_notes',
    ],
    slack: ['users', 'channels', 'channel_members', 'channel_messages', 'threads'],
    sql: [],
  };
  it.each(Object.entries(streams).flatMap(([s, list]) => list.map((x) => [s, x] as const)))(
    '%s %s',
    (s, stream) => {
      expect(mapper.knows(s as SourceName, stream)).toBe(true);
    },
  );

  it('every fixture record of a known stream maps, with no unexpected problems', () => {
    let count = 0;
    for (const dir of ['samples', 'constructed'] as const)
      for (const source of ['gong', 'salesforce', 'hubspot', 'slack'] as const) {
        if (dir === 'samples' && source === 'gong') continue;
        for (const f of fixtures(dir, source)) {
          const o = mapper.map(record(source, f));
          if (!mapper.knows(source, f.stream)) {
            expect(o.kind).toBe('unknown-stream');
            continue;
          }
          const m = mapped(o);
          count++;
          // The one real-data problem: Airbyte's demo Account has the website "www.expressl&t.net".
          for (const p of m.problems) expect(p.value).toBe('www.expressl&t.net');
        }
      }
    expect(count).toBe(31);
  });
});

describe('generated demo world (engineer D) maps through the same mappings', () => {
  it('every generated record maps without rejections or problems', () => {
    const world = generateWorld({ calls: 30, seed: 'mapper-test' });
    const outcomes = new Map<string, number>();
    const problems: string[] = [];
    for (const source of ['gong', 'salesforce', 'hubspot', 'slack'] as const)
      for (const line of world.lines(source)) {
        const msg = JSON.parse(line) as {
          type: string;
          record?: { stream: string; data: Record<string, unknown> };
        };
        if (msg.type !== 'RECORD' || !msg.record) continue;
        const o = mapper.map({ source, stream: msg.record.stream, data: msg.record.data, raw: line });
        const k = `${source}.${msg.record.stream}:${o.kind}`;
        outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
        if (o.kind === 'mapped') problems.push(...o.problems.map((p) => `${k} ${p.field}: ${p.message}`));
        else problems.push(`${k}: ${o.kind === 'rejected' ? o.reason : o.reason}`);
      }
    expect(problems).toEqual([]);
    expect([...outcomes.keys()].every((k) => k.endsWith(':mapped'))).toBe(true);
    expect(outcomes.get('gong.callTranscripts:mapped')).toBe(30);
    expect(outcomes.size).toBeGreaterThanOrEqual(20);
  });
});

describe('Gong', () => {
  it('users', () => {
    const row = top(mapper.map(record('gong', find('gong', 'users'))));
    expect(row).toMatchObject({
      entity: 'users',
      key: '234599484848423',
      fields: {
        email: 'sam.lee@example.com',
        first_name: 'Sam',
        last_name: 'Lee',
        full_name: 'Sam Lee',
        phone: '+14155550134',
        active: true,
        role: 'rep',
      },
    });
    expect(refsOf(row)).toEqual({ manager_id: 'users/gong/234599484848400' });
  });

  it('calls: basic data, cursor from started, times in UTC', () => {
    const o = mapped(mapper.map(record('gong', find('gong', 'calls'))));
    expect(o.sourceId).toBe('7782342274025937895');
    expect(o.cursor).toBe('2024-05-02T11:01:37.041Z');
    expect(o.rows).toHaveLength(1);
    const f = o.rows[0]!.fields;
    expect((f.started_at as Date).toISOString()).toBe('2024-05-02T11:01:37.041Z');
    expect((f.scheduled_at as Date).toISOString()).toBe('2024-05-02T15:00:00.000Z');
    expect(f).toMatchObject({
      duration_seconds: 1845,
      direction: 'Conference',
      scope: 'External',
      is_private: false,
    });
    expect(refsOf(o.rows[0]!)).toEqual({ primary_user_id: 'users/gong/234599484848423' });
  });

  it('extensiveCalls: the same calls row, CRM context refs, participants with talk time', () => {
    const o = mapped(mapper.map(record('gong', find('gong', 'extensiveCalls'))));
    expect(o.sourceId).toBe('7782342274025937895');
    const [call, ...parts] = o.rows;
    expect(call!.entity).toBe('calls');
    expect(call!.key).toBe('7782342274025937895');
    expect(refsOf(call!)).toEqual({
      primary_user_id: 'users/gong/234599484848423',
      account_id: 'accounts/salesforce/0014W000027f6V2QAI',
      opportunity_id: 'opportunities/salesforce/0064W00000XyZabQAB',
    });
    expect(call!.fields.interaction_stats).toEqual({
      'Longest Monologue': 125,
      'Longest Customer Story': 95,
      Interactivity: 6.2,
      Patience: 0.92,
    });
    expect(call!.fields.brief).toBe('Acme wants a volume discount...');
    expect(Array.isArray(call!.fields.crm_context)).toBe(true);
    expect(parts.map((p) => [p.entity, p.key, p.parent])).toEqual([
      [
        'call_participants',
        '5512345678901234567',
        { entity: 'calls', source: 'gong', sourceId: '7782342274025937895' },
      ],
      [
        'call_participants',
        '5512345678901234568',
        { entity: 'calls', source: 'gong', sourceId: '7782342274025937895' },
      ],
    ]);
    expect(parts[0]!.fields).toMatchObject({
      source_participant_id: '5512345678901234567',
      speaker_id: '6432345678901234561',
      email: 'dana.ruiz@acme.com',
      phone: '+15034217800',
      affiliation: 'External',
      talk_time_ms: 620800,
    });
    expect(refsOf(parts[0]!)).toEqual({ contact_id: 'contacts/salesforce/0034W00003AbCdEQAV' });
    expect(refsOf(parts[1]!)).toEqual({ user_id: 'users/gong/234599484848423' });
  });

  it('calls and extensiveCalls fill the same row: each maps only what it has', () => {
    const basic = top(mapper.map(record('gong', find('gong', 'calls'))));
    const ext = top(mapper.map(record('gong', find('gong', 'extensiveCalls'))));
    expect(basic.key).toBe(ext.key);
    expect('brief' in basic.fields).toBe(false);
    expect(ext.fields.title).toBe(basic.fields.title);
  });

  it('callTranscripts: one segment per sentence, running index, speaker and ms offsets, parent call', () => {
    const o = mapped(mapper.map(record('gong', find('gong', 'callTranscripts'))));
    expect(o.sourceId).toBe('7782342274025937895');
    expect(
      o.rows.map((r) => [r.key, r.fields.speaker_id, r.fields.start_ms, r.fields.end_ms, r.fields.topic]),
    ).toEqual([
      ['0', '6432345678901234562', 460, 2890, 'Call Setup'],
      ['1', '6432345678901234562', 2890, 5120, 'Call Setup'],
      ['2', '6432345678901234561', 5600, 9870, null],
    ]);
    for (const r of o.rows) {
      expect(r.entity).toBe('transcript_segments');
      expect(r.parent).toEqual({ entity: 'calls', source: 'gong', sourceId: '7782342274025937895' });
    }
    expect(o.rows[2]!.fields.text).toBe("Yes, loud and clear. Let's talk about the renewal quote.");
  });

  it('a 20-digit id as a string stays exact end to end', () => {
    const f = find('gong', 'extensiveCalls');
    const meta = f.data.metaData as Record<string, unknown>;
    meta.id = '18446744073709551615';
    f.data.id = '18446744073709551615';
    const o = mapped(mapper.map(record('gong', f)));
    expect(o.sourceId).toBe('18446744073709551615');
    expect(o.rows[1]!.parent!.sourceId).toBe('18446744073709551615');
  });

  it('a 20-digit id that arrived as a JSON number is rejected bad_primary_key with the reason', () => {
    const line =
      '{"id":18446744073709551615,"emailAddress":"a@example.com","firstName":"A","lastName":"B","active":true}';
    const o = mapper.map({ source: 'gong', stream: 'users', data: JSON.parse(line), raw: line });
    expect(o).toMatchObject({ kind: 'rejected', code: 'bad_primary_key' });
    expect(o.kind === 'rejected' && o.reason).toMatch(/beyond 2\^53.*rounded/);
  });

  it('extensiveCalls: metaData.id (string) wins over the integer-declared id', () => {
    const f = find('gong', 'extensiveCalls');
    f.data.id = JSON.parse('7782342274025937895') as number; // as a careless JSON writer would send it
    expect(mapped(mapper.map(record('gong', f))).sourceId).toBe('7782342274025937895');
  });

  it('a transcript without callId is rejected missing_primary_key', () => {
    const f = find('gong', 'callTranscripts');
    delete f.data.callId;
    expect(mapper.map(record('gong', f))).toMatchObject({ kind: 'rejected', code: 'missing_primary_key' });
  });

  it('a sentence without text is dropped with a problem; the others land', () => {
    const f = find('gong', 'callTranscripts');
    const t = f.data.transcript as Array<{ sentences: Array<Record<string, unknown>> }>;
    delete t[0]!.sentences[1]!.text;
    const o = mapped(mapper.map(record('gong', f)));
    expect(o.rows.map((r) => r.key)).toEqual(['0', '2']);
    expect(o.problems.map((p) => p.message).join(' ')).toMatch(
      /transcript_segments row 1 .* dropped: required text/,
    );
  });

  it('a call without a usable start is rejected bad_required_value', () => {
    const f = find('gong', 'calls');
    f.data.started = 'sometime';
    const o = mapper.map(record('gong', f));
    expect(o).toMatchObject({
      kind: 'rejected',
      code: 'bad_required_value',
      sourceId: '7782342274025937895',
    });
    expect(o.kind === 'rejected' && o.reason).toMatch(/started_at .*"sometime" is not a timestamp/);
  });

  it('wrong types become problems and null fields; the record still lands', () => {
    const f = find('gong', 'calls');
    f.data.duration = 'long';
    f.data.direction = 'Sideways';
    f.data.isPrivate = 'perhaps';
    const o = mapped(mapper.map(record('gong', f)));
    expect(o.rows[0]!.fields.duration_seconds).toBeNull();
    expect(o.rows[0]!.fields.direction).toBeNull();
    expect('is_private' in o.rows[0]!.fields).toBe(false); // NOT NULL with a default: left to the default
    expect(o.problems.map((p) => [p.field, p.value])).toEqual([
      ['direction', 'Sideways'],
      ['duration_seconds', 'long'],
      ['is_private', 'perhaps'],
    ]);
  });
});

describe('Salesforce', () => {
  it('Account (real record): attributes ignored, +0000 timestamps, E.164, demo custom field', () => {
    const o = mapped(mapper.map(record('salesforce', find('salesforce', 'Account', 'samples'))));
    expect(o.sourceId).toBe('0014W000027f6V2QAI');
    expect(o.cursor).toBe('2020-10-22T21:03:23.000Z');
    expect(o.rows[0]!.fields).toMatchObject({
      name: 'Express Logistics and Transport',
      phone: '+15034217800',
      annual_revenue: 950000000,
      property_count: 150,
      status: 'customer',
      domain: null,
      website: 'www.expressl&t.net',
    });
    expect(o.problems).toEqual([
      {
        entity: 'accounts',
        field: 'domain',
        value: 'www.expressl&t.net',
        message: 'no registrable domain in "www.expressl&t.net" (at Website)',
      },
    ]);
    expect(refsOf(o.rows[0]!)).toEqual({ owner_user_id: 'users/salesforce/0054W00000BZkk0QAD' });
  });

  it('Contact', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Contact'))));
    expect(row.fields).toMatchObject({
      email: 'dana.ruiz@acme.com',
      phone: '+15034217800',
      do_not_call: false,
    });
    expect(refsOf(row)).toEqual({
      account_id: 'accounts/salesforce/0014W000027f6V2QAI',
      owner_user_id: 'users/salesforce/0054W00000BZkk0QAD',
    });
  });

  it('Lead -> contacts at lifecycle lead', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Lead'))));
    expect(row.entity).toBe('contacts');
    expect(row.fields).toMatchObject({ lifecycle_stage: 'lead', phone: '+14155550199' });
  });

  it('Opportunity', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Opportunity'))));
    expect(row.fields).toMatchObject({
      amount: 85000,
      probability: 60,
      close_date: '2024-06-28',
      is_won: false,
    });
  });

  it('Task -> activities, kind from TaskSubtype, WhoId/WhatId by key prefix', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Task'))));
    expect(row.fields).toMatchObject({ kind: 'call', direction: 'outbound', duration_seconds: 420 });
    expect(refsOf(row)).toEqual({
      account_id: 'accounts/salesforce/0014W000027f6V2QAI',
      contact_id: 'contacts/salesforce/0034W00003AbCdEQAV',
      opportunity_id: 'opportunities/salesforce/0064W00000XyZabQAB',
      user_id: 'users/salesforce/0054W00000BZkk0QAD',
    });
  });

  it('Task without TaskSubtype falls back to kind task (priority)', () => {
    const f = find('salesforce', 'Task');
    delete f.data.TaskSubtype;
    expect(top(mapper.map(record('salesforce', f))).fields.kind).toBe('task');
  });

  it('Event -> meeting, HTML stripped, minutes to seconds, a lead as the contact', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Event'))));
    expect(row.fields).toMatchObject({
      kind: 'meeting',
      body: 'Demo of the resident portal',
      duration_seconds: 2700,
    });
    expect((row.fields.occurred_at as Date).toISOString()).toBe('2024-05-06T16:00:00.000Z');
    expect(refsOf(row).contact_id).toBe('contacts/salesforce/00Q4W00001AbCdEUAV');
    expect(refsOf(row).opportunity_id).toBeUndefined();
  });

  it('Case -> activities of kind case', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'Case'))));
    expect(row.fields).toMatchObject({ kind: 'case', status: 'Escalated', priority: 'High' });
  });

  it('User', () => {
    const row = top(mapper.map(record('salesforce', find('salesforce', 'User'))));
    expect(row.fields).toMatchObject({ team: 'West', time_zone: 'America/Los_Angeles', active: true });
  });

  it('an owner that is a queue (00G) is not a user reference', () => {
    const f = find('salesforce', 'Case');
    f.data.OwnerId = '00G4W000004AbCdUAK';
    expect(refsOf(top(mapper.map(record('salesforce', f)))).user_id).toBeUndefined();
  });
});

describe('HubSpot', () => {
  it('contacts (real record)', () => {
    const o = mapped(mapper.map(record('hubspot', find('hubspot', 'contacts', 'samples'))));
    expect(o.sourceId).toBe('2601');
    expect(o.cursor).toBe('2023-04-03T20:29:58.691Z');
    expect(o.rows[0]!.fields).toMatchObject({
      email: 'test.person@airbyte.com',
      full_name: 'TEST TEST',
      lifecycle_stage: 'lead',
      phone: null,
    });
    expect(refsOf(o.rows[0]!)).toEqual({ owner_user_id: 'users/hubspot/52550153' });
  });

  it('companies (real record): domain, status from lifecycle stage', () => {
    const row = top(mapper.map(record('hubspot', find('hubspot', 'companies', 'samples'))));
    expect(row.fields).toMatchObject({
      name: 'Dataline',
      domain: 'dataline.io',
      status: 'customer',
      state: 'CA',
    });
  });

  it('deals (real record): duplicate association ids de-duplicated, probability as a percentage', () => {
    const row = top(mapper.map(record('hubspot', find('hubspot', 'deals', 'samples'))));
    expect(row.fields).toMatchObject({
      name: 'Test Deal AAAA',
      amount: 60,
      probability: 20,
      close_date: '2021-05-31',
    });
    expect(refsOf(row).account_id).toBe('accounts/hubspot/5438025334');
  });

  it('owners (real record)', () => {
    const row = top(mapper.map(record('hubspot', find('hubspot', 'owners', 'samples'))));
    expect(row).toMatchObject({
      entity: 'users',
      key: '52550153',
      fields: { email: 'integration-test@airbyte.io' },
    });
  });

  it('engagements v1 (real record): integer ids as text, epoch ms, kind from type', () => {
    const o = mapped(mapper.map(record('hubspot', find('hubspot', 'engagements', 'samples'))));
    expect(o.sourceId).toBe('11257289597');
    expect(o.cursor).toBe('2023-04-19T14:52:43.485Z');
    expect(o.rows[0]!.fields).toMatchObject({
      kind: 'task',
      subject: 'Follow up on Test deal 2',
      status: 'NOT_STARTED',
    });
    expect(refsOf(o.rows[0]!)).toEqual({
      opportunity_id: 'opportunities/hubspot/4315375411',
      user_id: 'users/hubspot/52550153',
    });
  });

  it('engagements_notes (real record): HTML body stripped', () => {
    const row = top(mapper.map(record('hubspot', find('hubspot', 'engagements_notes', 'samples'))));
    expect(row.fields).toMatchObject({ kind: 'note', body: 'test' });
    expect(refsOf(row).account_id).toBe('accounts/hubspot/11481383026');
  });

  it('engagements_calls, _emails, _meetings', () => {
    const call = top(mapper.map(record('hubspot', find('hubspot', 'engagements_calls'))));
    expect(call.fields).toMatchObject({
      kind: 'call',
      duration_seconds: 125,
      body: 'Left voicemail about pricing',
    });
    expect(refsOf(call).contact_id).toBe('contacts/hubspot/2601');
    const email = top(mapper.map(record('hubspot', find('hubspot', 'engagements_emails'))));
    expect(email.fields).toMatchObject({ kind: 'email', direction: 'outbound', subject: 'Revised quote' });
    expect(refsOf(email).account_id).toBe('accounts/hubspot/5000526215');
    const meeting = top(mapper.map(record('hubspot', find('hubspot', 'engagements_meetings'))));
    expect(meeting.fields).toMatchObject({ kind: 'meeting', subject: 'Demo: resident portal' });
    expect(refsOf(meeting).opportunity_id).toBe('opportunities/hubspot/5313445525');
  });

  it('reads flattened properties_<name> when the nested properties object is absent', () => {
    const f = find('hubspot', 'engagements_calls');
    delete f.data.properties;
    const row = top(mapper.map(record('hubspot', f)));
    expect(row.fields).toMatchObject({ kind: 'call', subject: 'Follow-up call', duration_seconds: 125 });
    const flatOnly = {
      id: '9',
      updatedAt: '2024-01-01T00:00:00Z',
      properties_email: 'X@Y.com',
      properties_firstname: 'X',
    };
    const c = top(mapper.map({ source: 'hubspot', stream: 'contacts', data: flatOnly, raw: '' }));
    expect(c.fields).toMatchObject({ email: 'x@y.com', first_name: 'X', full_name: 'X' });
  });

  it('an empty string phone is no value, not a problem', () => {
    const f = find('hubspot', 'contacts', 'samples');
    (f.data.properties as Record<string, unknown>).phone = '';
    const o = mapped(mapper.map(record('hubspot', f)));
    expect(o.problems).toEqual([]);
    expect(o.rows[0]!.fields.phone).toBeNull();
  });
});

describe('Slack', () => {
  it('users (real records): no email, deleted -> inactive', () => {
    const users = fixtures('samples', 'slack').filter((f) => f.stream === 'users');
    const rows = users.map((f) => top(mapper.map(record('slack', f))));
    expect(rows.map((r) => [r.key, r.fields.full_name, r.fields.email, r.fields.active])).toEqual([
      ['USLACKBOT', 'Slackbot', null, true],
      ['U04KUMXNYMV', 'Deactivated User', null, false],
      ['U04LY6NARHU', 'User1 Sample', null, true],
    ]);
  });

  it('channels (real record)', () => {
    const row = top(mapper.map(record('slack', find('slack', 'channels', 'samples'))));
    expect(row.fields).toMatchObject({ name: 'general', member_count: 3, is_private: false });
    expect((row.fields.created_at_source as Date).toISOString()).toBe('2023-01-23T14:51:08.000Z');
  });

  it('channel_members (real record): a child row of its channel', () => {
    const o = mapped(mapper.map(record('slack', find('slack', 'channel_members', 'samples'))));
    expect(o.sourceId).toBe('C04KX3KEZ54:U04L65GPMKN');
    expect(o.rows).toEqual([
      {
        entity: 'slack_channel_members',
        key: 'U04L65GPMKN',
        parent: { entity: 'slack_channels', source: 'slack', sourceId: 'C04KX3KEZ54' },
        fields: { member_source_id: 'U04L65GPMKN' },
        refs: [{ field: 'user_id', entity: 'users', source: 'slack', sourceId: 'U04L65GPMKN' }],
      },
    ]);
  });

  it('channel_messages and threads (real records): key channel:ts, exact ts text, join message subtype', () => {
    const all = fixtures('samples', 'slack').filter(
      (f) => f.stream === 'channel_messages' || f.stream === 'threads',
    );
    const rows = all.map((f) => top(mapper.map(record('slack', f))));
    expect(rows.map((r) => [r.key, r.fields.ts, r.fields.subtype])).toEqual([
      ['C04KX3KEZ54:1675092508.873709', '1675092508.873709', 'channel_join'],
      ['C04LTCM2Y56:1675092593.431309', '1675092593.431309', null],
      ['C04LTCM2Y56:1675092593.431309', '1675092593.431309', null],
    ]);
    expect((rows[1]!.fields.posted_at as Date).toISOString()).toBe('2023-01-30T15:29:53.431Z');
    expect(refsOf(rows[1]!)).toEqual({
      channel_id: 'slack_channels/slack/C04LTCM2Y56',
      user_id: 'users/slack/U04M23SBJGM',
    });
  });

  it('thread reply (constructed): thread_ts, reactions kept', () => {
    const reply = top(mapper.map(record('slack', find('slack', 'threads'))));
    expect(reply.fields.thread_ts).toBe('1714662000.000100');
    const parent = top(mapper.map(record('slack', find('slack', 'channel_messages'))));
    expect(parent.fields.reply_count).toBe(3);
    expect(parent.fields.reactions).toEqual([{ name: 'eyes', users: ['U04M23SBJGM'], count: 1 }]);
  });

  it('a message without ts is rejected missing_primary_key', () => {
    const f = find('slack', 'channel_messages');
    delete f.data.ts;
    expect(mapper.map(record('slack', f))).toMatchObject({ kind: 'rejected', code: 'missing_primary_key' });
  });
});

describe('bad input', () => {
  it('an unknown stream', () => {
    expect(mapper.map({ source: 'salesforce', stream: 'Asset', data: { Id: 'x' }, raw: '' })).toEqual({
      kind: 'unknown-stream',
      reason: "no active source mapping for salesforce stream 'Asset'",
    });
    expect(mapper.knows('salesforce', 'Asset')).toBe(false);
  });

  it('a record the mapper trips over is rejected mapping_failed, not thrown', () => {
    const hostile = {};
    Object.defineProperty(hostile, 'Id', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(mapper.map({ source: 'salesforce', stream: 'Account', data: hostile, raw: '' })).toEqual({
      kind: 'rejected',
      code: 'mapping_failed',
      reason: 'mapping salesforce Account failed: boom',
    });
  });

  it('data that is not an object', () => {
    for (const data of [null, [1, 2], 'text'])
      expect(mapper.map({ source: 'gong', stream: 'users', data: data as never, raw: '' })).toMatchObject({
        kind: 'rejected',
        code: 'not_an_object',
      });
  });

  it('a missing or empty primary key', () => {
    for (const id of [undefined, null, '', '   '])
      expect(
        mapper.map({ source: 'salesforce', stream: 'Account', data: { Id: id, Name: 'x' }, raw: '' }),
      ).toMatchObject({
        kind: 'rejected',
        code: 'missing_primary_key',
        reason: expect.stringMatching(/no primary key \(Id is missing or empty\)/),
      });
  });

  it('a primary key of the wrong type', () => {
    const o = mapper.map({
      source: 'salesforce',
      stream: 'Account',
      data: { Id: { x: 1 }, Name: 'x' },
      raw: '',
    });
    expect(o).toMatchObject({ kind: 'rejected', code: 'bad_primary_key' });
  });

  it('an account without a name is rejected bad_required_value (accounts.name is NOT NULL)', () => {
    const o = mapper.map({
      source: 'salesforce',
      stream: 'Account',
      data: { Id: '001x', Name: '  ' },
      raw: '',
    });
    expect(o).toMatchObject({ kind: 'rejected', code: 'bad_required_value', sourceId: '001x' });
  });

  it('a timestamp in each source format lands; a bad one is a problem', () => {
    const formats = [
      '2020-10-22T21:03:23.000+0000',
      '2021-02-22T14:01:11.762000+00:00',
      '2024-05-02T11:00:00-04:00',
      '2024-05-02 11:00:00',
      '2024-05-02',
      1614319200000,
      '1614319200000',
      '1675092593.431309',
    ];
    for (const started of formats) {
      const o = mapped(mapper.map({ source: 'gong', stream: 'calls', data: { id: '1', started }, raw: '' }));
      expect(o.rows[0]!.fields.started_at).toBeInstanceOf(Date);
      expect(o.cursor).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const bad = mapped(
      mapper.map({
        source: 'gong',
        stream: 'calls',
        data: { id: '1', started: '2024-05-02', scheduled: 'May 2' },
        raw: '',
      }),
    );
    expect(bad.rows[0]!.fields.scheduled_at).toBeNull();
    expect(bad.problems).toEqual([
      {
        entity: 'calls',
        field: 'scheduled_at',
        value: 'May 2',
        message: '"May 2" is not a timestamp in a known format (at scheduled)',
      },
    ]);
  });
});

describe('compiling mappings', () => {
  const R = (p: Partial<MappingRule> & Pick<MappingRule, 'sourcePath' | 'field'>): MappingRule => ({
    source: 'gong',
    stream: 's',
    entity: 'users',
    transform: 'text',
    transformArgs: null,
    priority: 100,
    active: true,
    ...p,
  });

  it('priority: the lowest priority with a value wins', () => {
    const m = compileMapper([
      R({ sourcePath: 'id', field: 'source_id', transform: 'id' }),
      R({ sourcePath: 'b', field: 'title', priority: 200 }),
      R({ sourcePath: 'a', field: 'title', priority: 100 }),
    ]);
    const title = (data: Record<string, unknown>) =>
      top(m.map({ source: 'gong', stream: 's', data: { id: '1', ...data }, raw: '' })).fields.title;
    expect(title({ a: 'A', b: 'B' })).toBe('A');
    expect(title({ b: 'B' })).toBe('B');
    expect(title({})).toBeNull();
  });

  it('inactive mappings are ignored', () => {
    const m = compileMapper([
      R({ sourcePath: 'id', field: 'source_id', transform: 'id' }),
      R({ sourcePath: 'a', field: 'title', active: false }),
    ]);
    expect(top(m.map({ source: 'gong', stream: 's', data: { id: '1', a: 'A' }, raw: '' })).fields).toEqual(
      {},
    );
    expect(
      compileMapper([R({ sourcePath: 'id', field: 'source_id', active: false })]).knows('gong', 's'),
    ).toBe(false);
  });

  it('a mapping that cannot work is a clear configuration error', () => {
    const bad = [
      R({ sourcePath: 'id', field: 'source_id', transform: 'id' }),
      R({ sourcePath: 'x', field: 'no_such_column' }),
      R({ sourcePath: 'x', field: 'email', transform: 'nope' }),
      R({ sourcePath: 'x', field: 'manager_id' }),
      R({ sourcePath: 'x', field: 'title', transform: 'reference', transformArgs: { entity: 'users' } }),
      R({ sourcePath: 'x', field: 'phone', transform: 'e164', transformArgs: { region: 'USA' } }),
    ];
    let error: unknown;
    try {
      compileMapper(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MappingConfigError);
    const problems = (error as MappingConfigError).problems.join('\n');
    expect(problems).toMatch(/gong\.s: x -> users\.no_such_column: users has no mappable column/);
    expect(problems).toMatch(/unknown transform 'nope'/);
    expect(problems).toMatch(/manager_id holds a row id; map it with a reference transform/);
    expect(problems).toMatch(/title is not a reference column/);
    expect(problems).toMatch(/bad arguments for transform 'e164'/);
    expect(() => compileMapper([R({ sourcePath: 'x', field: 'title' })])).toThrow(
      /no mapping gives its source_id/,
    );
    expect(() => compileMapper([R({ sourcePath: 'x', field: '_id', transform: 'id' })])).toThrow(
      /fill no row/,
    );
  });

  it('ids of every mapping file compile (the dictionary files)', () => {
    expect(mapper.streams().length).toBe(26);
    expect(rules.every((r) => r.priority > 0)).toBe(true);
  });
});

describe('validator on mapped rows', () => {
  it('flags row-level rules and masks PII values', () => {
    const d = readDictionary();
    const pii = new Map(d.fields.map((f) => [`${f.entity}.${f.field}`, f.piiClass] as const));
    const v = compileValidator(d.rules, pii);
    const row: MappedRow = {
      entity: 'contacts',
      key: '1',
      fields: { email: null, phone: '5551234', time_zone: 'Mars/Olympus' },
      refs: [],
    };
    const out = v.check(row);
    expect(out.map((x) => [x.ruleKey, x.value, x.severity])).toEqual([
      ['contacts.email.required', null, 'warning'],
      ['contacts.phone.format', '55***34', 'warning'],
      ['contacts.time_zone.format', 'Mars/Olympus', 'warning'],
    ]);
    const activity: MappedRow = {
      entity: 'activities',
      key: '2',
      fields: { kind: 'LINKEDIN_MESSAGE', occurred_at: new Date('1999-01-01T00:00:00Z') },
      refs: [],
    };
    expect(v.check(activity).map((x) => [x.ruleKey, x.message])).toEqual([
      [
        'activities.kind.enum',
        'kind "LINKEDIN_MESSAGE" is not one of email, meeting, note, task, call, case',
      ],
      ['activities.occurred_at.range', 'occurred_at 1999-01-01T00:00:00.000Z is before 2000-01-01'],
    ]);
    expect(maskValue('dana.ruiz@acme.com', 'contact')).toBe('d***@acme.com');
    expect(maskValue('Dana', 'contact')).toBe('D***');
    expect(maskValue('I said something', 'sensitive')).toBe('***');
  });

  it('a PII value never appears in a violation message', () => {
    const v = compileValidator(
      [
        {
          ruleKey: 'contacts.email.enum',
          entity: 'contacts',
          field: 'email',
          ruleType: 'enum',
          params: { values: ['a@b.com'] },
          severity: 'info',
          description: 'x',
          active: true,
        },
      ],
      new Map([['contacts.email', 'contact']]),
    );
    const [violation] = v.check({
      entity: 'contacts',
      key: '1',
      fields: { email: 'dana@acme.com' },
      refs: [],
    });
    expect(violation!.value).toBe('d***@acme.com');
    expect(violation!.message).not.toContain('dana@acme.com');
  });
});
