/* eslint-disable @typescript-eslint/no-explicit-any -- the test walks arbitrary connector JSON records */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, writeWorld } from '../../shared/ingest/demo/generate.js';
import { DEMO_SOURCES, type DemoSource } from '../../shared/ingest/demo/sources.js';
import { localTime } from '../../shared/ingest/demo/time.js';
import { Rng, salesforceId18 } from '../../shared/ingest/demo/random.js';
import { buildWorld } from '../../shared/ingest/demo/world.js';

/**
 * The demo world generator: deterministic bytes per seed, records shaped like the real connectors' (the stream
 * schemas copied into test/fixtures/airbyte/schemas), the real quirks present, and ground truth that matches the
 * streams (planted objections sit in the transcripts at the stated times, clusters share emails and domains).
 */

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMAS = join(here, '../fixtures/airbyte/schemas');

type Msg = {
  type: string;
  record?: { stream: string; data: Record<string, any>; emitted_at: number };
  state?: any;
};
type World = Record<DemoSource, Msg[]>;

const CALLS = 160;
let world: World;
let truth: any;
const records = (source: DemoSource, stream: string) =>
  world[source].filter((m) => m.type === 'RECORD' && m.record!.stream === stream).map((m) => m.record!.data);

beforeAll(() => {
  const g = generateWorld({ calls: CALLS, seed: 'test-seed', stateEvery: 50 });
  world = {} as World;
  for (const s of DEMO_SOURCES) world[s] = [...g.lines(s)].map((l) => JSON.parse(l) as Msg);
  truth = JSON.parse([...g.groundTruth()].join(''));
});

describe('determinism', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const digest = async (seed: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sophia-demo-'));
    dirs.push(dir);
    await writeWorld(dir, { calls: 60, seed });
    const out: Record<string, string> = {};
    for (const f of readdirSync(dir).sort())
      out[f] = createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex');
    return out;
  };

  it('gives identical bytes for the same seed, and a different world for another seed', async () => {
    const a = await digest('alpha');
    const b = await digest('alpha');
    const c = await digest('beta');
    expect(Object.keys(a)).toEqual([
      'gong.jsonl',
      'ground-truth.json',
      'hubspot.jsonl',
      'salesforce.jsonl',
      'slack.jsonl',
    ]);
    expect(b).toEqual(a);
    for (const f of Object.keys(a)) expect(c[f]).not.toBe(a[f]);
  });

  it('plans exactly --calls Gong calls, tiny worlds included, with unique ids', () => {
    for (const n of [1, 5, 19, 20, 333]) {
      const w = buildWorld({ calls: n, seed: 'n' });
      expect(w.calls).toHaveLength(n);
      expect(new Set(w.calls.map((c) => c.id)).size).toBe(n);
    }
  });

  it('has a seeded generator with stable output and real Salesforce id checksums', () => {
    expect(new Rng('x').digits(20)).toBe(new Rng('x').digits(20));
    expect(new Rng('x').fork('a').next()).not.toBe(new Rng('x').fork('b').next());
    // The documented example: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
    expect(salesforceId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
  });
});

describe('AirbyteMessage streams', () => {
  it('writes every stream of the issue, RECORD/STATE/LOG/TRACE only, a STATE at least every N records', () => {
    const expected: Record<DemoSource, string[]> = {
      gong: ['users', 'calls', 'extensiveCalls', 'callTranscripts'],
      salesforce: ['User', 'Account', 'Contact', 'Lead', 'Opportunity', 'Task', 'Event', 'Case'],
      hubspot: [
        'owners',
        'companies',
        'contacts',
        'deals',
        'engagements',
        'engagements_calls',
        'engagements_emails',
        'engagements_meetings',
        'engagements_notes',
      ],
      slack: ['users', 'channels', 'channel_members', 'channel_messages', 'threads'],
    };
    for (const source of DEMO_SOURCES) {
      const msgs = world[source];
      expect(new Set(msgs.map((m) => m.type))).toEqual(new Set(['RECORD', 'STATE', 'LOG', 'TRACE']));
      const streams = [...new Set(msgs.filter((m) => m.record).map((m) => m.record!.stream))];
      expect(streams.sort()).toEqual([...expected[source]].sort());
      for (const stream of expected[source])
        expect(records(source, stream).length, `${source}.${stream}`).toBeGreaterThan(0);
      let since = 0;
      for (const m of msgs) {
        if (m.type === 'RECORD') {
          expect(Number.isInteger(m.record!.emitted_at)).toBe(true);
          since++;
          expect(since).toBeLessThanOrEqual(50);
        }
        if (m.type === 'STATE') {
          expect(m.state.type).toBe('STREAM');
          since = 0;
        }
      }
    }
    expect(records('gong', 'calls')).toHaveLength(CALLS);
    expect(records('gong', 'callTranscripts')).toHaveLength(CALLS);
  });

  it('every record passes the real stream schema', () => {
    const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
    const ajv = new (Ajv as any)({ strict: false, validateFormats: false, allErrors: true });
    for (const source of DEMO_SOURCES) {
      for (const file of readdirSync(join(SCHEMAS, source))) {
        const stream = file.replace(/\.json$/, '');
        const schema = JSON.parse(readFileSync(join(SCHEMAS, source, file), 'utf8'));
        if (source === 'gong' && stream === 'extensiveCalls') {
          // Documented schema/API mismatches (protocol.md §4c): string id, party context is an array.
          schema.properties.id.type = ['null', 'string'];
          schema.properties.parties.items.properties.context.type = ['array', 'object', 'null'];
        }
        const validate = ajv.compile(schema);
        const rows = records(source, stream);
        expect(rows.length, `${source}.${stream}`).toBeGreaterThan(0);
        for (const row of rows) {
          if (!validate(row))
            throw new Error(`${source}.${stream} ${JSON.stringify(validate.errors).slice(0, 500)}`);
        }
      }
    }
  });

  it('emits Slack per-partition state and cursor states with the highest cursor so far', () => {
    const states = world.slack.filter(
      (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'threads',
    );
    expect(states.at(-1)!.state.stream.stream_state.states[0]).toMatchObject({
      partition: { channel: expect.stringMatching(/^C/), ts: expect.stringMatching(/^\d+\.\d{6}$/) },
      cursor: { float_ts: expect.any(String) },
    });
    const calls = world.gong.filter(
      (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'calls',
    );
    const last = records('gong', 'calls').at(-1)!.started;
    expect(calls.at(-1)!.state.stream.stream_state).toEqual({ started: last });
  });
});

describe('real-source quirks', () => {
  it('Gong: ids are 19-20 digit strings (both lengths), transcripts join parties through speakerId', () => {
    const ids = records('gong', 'calls').map((c) => c.id as string);
    expect(ids.every((id) => typeof id === 'string' && /^\d{19,20}$/.test(id))).toBe(true);
    expect(ids.some((id) => id.length === 20)).toBe(true);
    expect(ids.some((id) => id.length === 19)).toBe(true);
    expect(ids.some((id) => BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    const ext = new Map(records('gong', 'extensiveCalls').map((e) => [e.id as string, e]));
    for (const t of records('gong', 'callTranscripts')) {
      const e = ext.get(t.callId)!;
      expect(e.id).toBe(e.metaData.id);
      expect(e.startdatetime).toBe(e.metaData.started);
      const speakers = new Set(e.parties.map((p: any) => p.speakerId).filter(Boolean));
      let prevEnd = -1;
      for (const mono of t.transcript) {
        expect(speakers.has(mono.speakerId)).toBe(true);
        for (const s of mono.sentences) {
          expect(
            Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start && s.start > prevEnd,
          ).toBe(true);
          prevEnd = s.end;
        }
      }
      expect(prevEnd).toBeLessThanOrEqual(e.metaData.duration * 1000);
    }
    // Mixed timestamp formats: offsets in `scheduled`, Z with ms in `started`, no fraction in users.created.
    const meta = records('gong', 'calls');
    expect(meta.some((c) => /T\d\d:\d\d:\d\d[-+]\d\d:\d\d$/.test(c.scheduled ?? ''))).toBe(true);
    expect(meta.every((c) => /\.\d{3}Z$/.test(c.started))).toBe(true);
    expect(records('gong', 'users').every((u) => /:\d\dZ$/.test(u.created))).toBe(true);
  });

  it('Gong call context points at Salesforce Account and Opportunity ids that exist, at both timings', () => {
    const accounts = new Set(records('salesforce', 'Account').map((a) => a.Id));
    const opps = new Set(records('salesforce', 'Opportunity').map((o) => o.Id));
    let withContext = 0;
    for (const e of records('gong', 'extensiveCalls')) {
      for (const ctx of e.context) {
        expect(ctx.system).toBe('Salesforce');
        withContext++;
        const timings = ctx.objects.filter((o: any) => o.objectType === 'Account').map((o: any) => o.timing);
        expect(timings.sort()).toEqual(['Now', 'TimeOfCall']);
        for (const o of ctx.objects)
          expect((o.objectType === 'Account' ? accounts : opps).has(o.objectId)).toBe(true);
      }
      for (const p of e.parties)
        for (const c of p.context)
          for (const o of c.objects) if (o.objectType === 'Contact') expect(o.objectId).toMatch(/^003/);
    }
    expect(withContext).toBeGreaterThan(CALLS * 0.8);
  });

  it('Salesforce: attributes, 18-char ids with valid checksums, +0000 (REST) and Z (Bulk) timestamps', () => {
    for (const stream of ['Account', 'Contact', 'Opportunity', 'Case', 'Lead', 'User'])
      for (const r of records('salesforce', stream)) {
        expect(r.attributes).toEqual({
          type: stream,
          url: `/services/data/v57.0/sobjects/${stream}/${r.Id}`,
        });
        expect(salesforceId18(r.Id.slice(0, 15))).toBe(r.Id);
        expect(r.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
      }
    for (const stream of ['Task', 'Event'])
      for (const r of records('salesforce', stream)) expect(r.SystemModstamp).toMatch(/\.000Z$/);
    expect(records('salesforce', 'Opportunity').every((o) => /^\d{4}-\d\d-\d\d$/.test(o.CloseDate))).toBe(
      true,
    );
  });

  it('HubSpot: nested and flattened properties, duplicate associations, +00:00 microseconds vs Z, legacy integer engagements', () => {
    const contacts = records('hubspot', 'contacts');
    expect(contacts.every((c) => c.properties_email === c.properties.email)).toBe(true);
    expect(contacts.some((c) => c.companies.length === 2 && c.companies[0] === c.companies[1])).toBe(true);
    expect(contacts.some((c) => c.properties.phone === '')).toBe(true);
    expect(
      contacts.every((c) => /\.\d{6}\+00:00$/.test(c.properties.createdate) && /\.\d{3}Z$/.test(c.createdAt)),
    ).toBe(true);
    const legacy = records('hubspot', 'engagements');
    expect(
      legacy.every(
        (e) => Number.isInteger(e.id) && Number.isInteger(e.lastUpdated) && Number.isInteger(e.ownerId),
      ),
    ).toBe(true);
    const owners = records('hubspot', 'owners');
    expect(
      owners.every(
        (o) => typeof o.id === 'string' && typeof o.userId === 'number' && String(o.userId) !== o.id,
      ),
    ).toBe(true);
  });

  it('Slack: string ts with float float_ts, join messages, thread parents repeated in threads, users without email', () => {
    const messages = records('slack', 'channel_messages');
    expect(messages.every((m) => typeof m.ts === 'string' && m.float_ts === Number(m.ts))).toBe(true);
    const joins = messages.filter((m) => m.subtype === 'channel_join');
    expect(joins.length).toBeGreaterThan(messages.length / 4);
    expect(joins.every((m) => m.text === `<@${m.user}> has joined the channel`)).toBe(true);
    const keys = new Set(messages.map((m) => `${m.channel_id}/${m.ts}`));
    const parents = records('slack', 'threads').filter((m) => m.reply_count);
    expect(parents.length).toBeGreaterThan(0);
    for (const p of parents) expect(keys.has(`${p.channel_id}/${p.ts}`)).toBe(true);
    const users = records('slack', 'users');
    expect(users.some((u) => u.id === 'USLACKBOT' && !u.profile.email)).toBe(true);
    expect(users.some((u) => u.deleted && u.is_forgotten)).toBe(true);
  });
});

describe('the world', () => {
  it('sells to property managers on Yardi, RealPage, AppFolio and Entrata; Kevin Kane talks more than the consultative reps', () => {
    const pms = new Set(truth.accounts.map((a: any) => a.pms));
    expect(pms).toEqual(new Set(['Yardi', 'RealPage', 'AppFolio', 'Entrata']));
    const kevin = truth.reps.find((r: any) => r.name === 'Kevin Kane');
    expect(kevin).toMatchObject({ role: 'Account Executive', style: 'closer' });
    // Measured talk ratio from Gong's own interaction stats.
    const ratio = new Map<string, [number, number]>();
    for (const e of records('gong', 'extensiveCalls')) {
      if (e.metaData.scope !== 'External' || e.metaData.direction !== 'Conference') continue;
      const primary = e.parties.find((p: any) => p.userId === e.metaData.primaryUserId);
      const talk = e.interaction.speakers as { id: string; talkTime: number }[];
      const mine = talk.find((s) => s.id === primary.id)!.talkTime;
      const all = talk.reduce((n, s) => n + s.talkTime, 0);
      const r = ratio.get(primary.name) ?? [0, 0];
      ratio.set(primary.name, [r[0] + mine, r[1] + all]);
    }
    const of = (name: string) => ratio.get(name)![0] / ratio.get(name)![1];
    const consultative = truth.reps.filter((r: any) => r.style === 'consultative' && ratio.has(r.name));
    expect(consultative.length).toBeGreaterThan(0);
    for (const r of consultative) expect(of('Kevin Kane')).toBeGreaterThan(of(r.name));
  });

  it('planted objections sit in the transcripts at the stated time, said by an external party, answered by the rep', () => {
    const transcripts = new Map(records('gong', 'callTranscripts').map((t) => [t.callId as string, t]));
    const parties = new Map(
      records('gong', 'extensiveCalls').map((e) => [e.id as string, e.parties as any[]]),
    );
    expect(truth.objections.length).toBeGreaterThan(CALLS * 0.5);
    const types = new Set(truth.objections.map((o: any) => o.type));
    expect(types).toEqual(
      new Set(['pricing', 'pms_integration', 'trust_in_ai', 'compliance', 'timing', 'contract_terms']),
    );
    for (const o of truth.objections) {
      const t = transcripts.get(o.callId)!;
      const hit = t.transcript
        .flatMap((m: any) => m.sentences.map((s: any) => ({ ...s, speakerId: m.speakerId })))
        .find((s: any) => s.start === o.startMs);
      expect(hit).toMatchObject({ speakerId: o.speakerId, end: o.endMs, text: o.text });
      const speaker = parties.get(o.callId)!.find((p) => p.speakerId === o.speakerId);
      expect(speaker.affiliation).toBe('External');
      if (o.response) {
        expect(o.response.startMs).toBeGreaterThan(o.startMs);
        expect(parties.get(o.callId)!.find((p) => p.speakerId === o.response.speakerId).affiliation).toBe(
          'Internal',
        );
      }
    }
    // Varied wording: many distinct objection sentences, not one template.
    expect(new Set(truth.objections.map((o: any) => o.text)).size).toBeGreaterThan(25);
  });

  it('identity clusters share emails across sources; account clusters share a registrable domain', () => {
    const sfContacts = new Map(records('salesforce', 'Contact').map((c) => [c.Id, c]));
    const hsContacts = new Map(records('hubspot', 'contacts').map((c) => [c.id, c]));
    const sfAccounts = new Map(records('salesforce', 'Account').map((a) => [a.Id, a]));
    const hsCompanies = new Map(records('hubspot', 'companies').map((c) => [c.id, c]));
    const gongEmails = new Set(
      records('gong', 'extensiveCalls').flatMap((e) =>
        e.parties.map((p: any) => p.emailAddress?.toLowerCase()),
      ),
    );
    let multiSource = 0;
    for (const cluster of truth.identityClusters) {
      const sources = new Set(cluster.members.map((m: any) => m.source));
      if (sources.size > 1) multiSource++;
      for (const m of cluster.members) {
        if (cluster.kind === 'account') {
          const domainOf = (w: string) =>
            w
              .replace(/^https?:\/\//, '')
              .replace(/^www\./, '')
              .replace(/\/$/, '');
          if (m.stream === 'Account') expect(domainOf(sfAccounts.get(m.id)!.Website)).toBe(cluster.domain);
          if (m.stream === 'companies') expect(hsCompanies.get(m.id)!.properties.domain).toBe(cluster.domain);
        } else if (m.stream === 'Contact') expect(sfContacts.get(m.id)!.Email).toBe(cluster.email);
        else if (m.stream === 'contacts')
          expect(hsContacts.get(m.id)!.properties.email.toLowerCase()).toBe(cluster.email);
        else if (m.stream === 'extensiveCalls') expect(gongEmails.has(cluster.email)).toBe(true);
      }
    }
    expect(multiSource).toBeGreaterThan(truth.identityClusters.length / 2);
    expect(
      truth.identityClusters.some((c: any) =>
        c.members.some((m: any) => m.emailAsSpelled && m.emailAsSpelled !== c.email),
      ),
    ).toBe(true);
  });

  it('churners show their warning signs in the streams', () => {
    expect(truth.churners.length).toBeGreaterThan(0);
    const slackTs = new Set(records('slack', 'channel_messages').map((m) => `${m.channel_id}/${m.ts}`));
    const cases = new Map(records('salesforce', 'Case').map((c) => [c.Id, c]));
    let before = 0;
    let after = 0;
    for (const c of truth.churners) {
      expect(c.signals.slackEscalations.length).toBeGreaterThan(0);
      for (const m of c.signals.slackEscalations) expect(slackTs.has(`${m.channelId}/${m.ts}`)).toBe(true);
      expect(c.signals.supportCases.length).toBeGreaterThan(0);
      for (const k of c.signals.supportCases)
        expect(cases.get(k.caseId)!.AccountId).toBe(c.salesforceAccountId);
      const account = records('salesforce', 'Account').find((a) => a.Id === c.salesforceAccountId)!;
      expect(account.Type).toBe('Former Customer');
      before += c.signals.callsInPrior90Days;
      after += c.signals.callsInLast90Days;
    }
    expect(after).toBeLessThan(before);
  });

  it('planted compliance risks are in the data: Fair Housing phrasing, calls at forbidden hours, 8 calls in 7 days', () => {
    const transcripts = new Map(records('gong', 'callTranscripts').map((t) => [t.callId as string, t]));
    expect(truth.fairHousing.length).toBeGreaterThanOrEqual(3);
    for (const f of truth.fairHousing) {
      const text = transcripts
        .get(f.callId)!
        .transcript.flatMap((m: any) => m.sentences)
        .find((s: any) => s.start === f.startMs).text;
      expect(text.toLowerCase()).toContain(f.term);
    }
    const calls = new Map(records('gong', 'extensiveCalls').map((e) => [e.id as string, e]));
    expect(truth.violations.fdcpaTimeOfDay.length).toBeGreaterThanOrEqual(3);
    for (const v of truth.violations.fdcpaTimeOfDay) {
      const e = calls.get(v.callId)!;
      expect(e.metaData.started).toBe(v.started);
      const hour = localTime(Date.parse(e.metaData.started), v.timezone).hour;
      expect(hour < 8 || hour >= 21).toBe(true);
      expect(e.parties.some((p: any) => p.phoneNumber === v.residentPhone)).toBe(true);
    }
    const [freq] = truth.violations.fdcpaFrequency;
    expect(freq.callIds).toHaveLength(8);
    const times = freq.callIds.map((id: string) => Date.parse(calls.get(id)!.metaData.started));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(7 * 86_400_000);
    for (const id of freq.callIds)
      expect(calls.get(id)!.parties.some((p: any) => p.phoneNumber === freq.residentPhone)).toBe(true);
  });
});
