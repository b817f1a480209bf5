import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  dedupe,
  fromEpochMs,
  fromEpochSeconds,
  fromSlackTs,
  gongCrmReference,
  join,
  lookup,
  mapEnum,
  pairsToObject,
  parseTransformArgs,
  slackTsText,
  stripHtml,
  toBoolean,
  toDate,
  toDomain,
  toE164,
  toEmail,
  toFirstReference,
  toId,
  toInteger,
  toNumber,
  toReference,
  toText,
  toTimestamp,
  toTimeZone,
  TRANSFORMS,
  type TransformResult,
} from '../../shared/ingest/transforms.js';

const ctx = { source: 'salesforce' as const, record: {} };
/** A 19-digit Gong id as JSON.parse gives it when it was sent as a number: already rounded. */
const GONG_ID_AS_NUMBER = JSON.parse('7782342274025937895') as number;

function value(r: TransformResult): unknown {
  if (!r.ok) throw new Error(`expected ok, got problem: ${r.message}`);
  return r.value;
}
function iso(r: TransformResult): string {
  const v = value(r);
  expect(v).toBeInstanceOf(Date);
  return (v as Date).toISOString();
}
function problem(r: TransformResult): string {
  if (r.ok) throw new Error(`expected a problem, got ${JSON.stringify(r.value)}`);
  return r.message;
}

describe('timestamp: every format the sources send', () => {
  it.each([
    ['Salesforce REST +0000', '2020-10-22T21:03:23.000+0000', '2020-10-22T21:03:23.000Z'],
    ['ISO Z with millis', '2023-02-01T13:08:49.766Z', '2023-02-01T13:08:49.766Z'],
    ['HubSpot +00:00 with microseconds', '2021-02-22T14:01:11.762000+00:00', '2021-02-22T14:01:11.762Z'],
    ['Gong offset -04:00 without fraction', '2024-05-02T11:00:00-04:00', '2024-05-02T15:00:00.000Z'],
    ['offset +05:30', '2024-05-02T11:00:00+05:30', '2024-05-02T05:30:00.000Z'],
    ['offset +05 (hours only)', '2024-05-02T11:00:00+05', '2024-05-02T06:00:00.000Z'],
    ['no seconds', '2024-05-02T11:01Z', '2024-05-02T11:01:00.000Z'],
    ['one fraction digit', '2024-05-02T11:01:37.5Z', '2024-05-02T11:01:37.500Z'],
    ['nine fraction digits (truncated to ms)', '2024-05-02T11:01:37.123456789Z', '2024-05-02T11:01:37.123Z'],
    ['SQL style, no zone (UTC)', '2024-05-02 11:01:37', '2024-05-02T11:01:37.000Z'],
    ['SQL style with fraction', '2024-05-02 11:01:37.25', '2024-05-02T11:01:37.250Z'],
    ['ISO without zone (UTC)', '2024-05-02T11:01:37', '2024-05-02T11:01:37.000Z'],
    ['date only', '2024-05-03', '2024-05-03T00:00:00.000Z'],
    ['epoch ms numeric string', '1614319200000', '2021-02-26T06:00:00.000Z'],
    ['epoch seconds numeric string', '1674485468', '2023-01-23T14:51:08.000Z'],
    ['Slack float ts string', '1675092593.431309', '2023-01-30T15:29:53.431Z'],
    ['lowercase z and blanks', ' 2024-05-02t11:01:37z ', '2024-05-02T11:01:37.000Z'],
  ])('%s: %s', (_name, input, expected) => {
    expect(iso(toTimestamp(input))).toBe(expected);
  });

  it.each([
    ['epoch ms number (HubSpot v1)', 1614319200000, '2021-02-26T06:00:00.000Z'],
    ['epoch seconds number (Slack created)', 1674485468, '2023-01-23T14:51:08.000Z'],
    ['Slack float_ts number', 1675092593.431309, '2023-01-30T15:29:53.431Z'],
  ])('%s: %s', (_name, input, expected) => {
    expect(iso(toTimestamp(input))).toBe(expected);
  });

  it('keeps a Date', () => {
    expect(iso(toTimestamp(new Date('2024-01-01T00:00:00Z')))).toBe('2024-01-01T00:00:00.000Z');
  });

  it.each([
    ['words', 'yesterday'],
    ['month 13', '2024-13-02T00:00:00Z'],
    ['31 February', '2024-02-31'],
    ['hour 25', '2024-05-02T25:00:00Z'],
    ['bad offset', '2024-05-02T11:00:00+25:00'],
    ['US style', '05/02/2024'],
    ['an object', { date: '2024-05-02' }],
    ['a boolean', true],
    ['year 10000 as epoch ms', 253402300800000],
  ])('%s is a problem, not a throw', (_name, input) => {
    expect(problem(toTimestamp(input))).toMatch(/timestamp|date|offset|year/);
  });

  it('an empty string is no value', () => {
    expect(value(toTimestamp('  '))).toBeNull();
  });
});

describe('epoch, Slack ts and date', () => {
  it('epoch_ms and epoch_seconds read numbers and numeric strings', () => {
    expect(iso(fromEpochMs(1681915963485))).toBe('2023-04-19T14:52:43.485Z');
    expect(iso(fromEpochMs('1681915963485'))).toBe('2023-04-19T14:52:43.485Z');
    expect(iso(fromEpochSeconds('1674485468'))).toBe('2023-01-23T14:51:08.000Z');
    expect(iso(fromEpochSeconds(1674485468.5))).toBe('2023-01-23T14:51:08.500Z');
    expect(problem(fromEpochMs('soon'))).toMatch(/epoch milliseconds/);
    expect(problem(fromEpochSeconds({}))).toMatch(/epoch seconds/);
  });

  it('slack_ts parses seconds.microseconds; slack_ts_text keeps it exact', () => {
    expect(iso(fromSlackTs('1700000000.123456'))).toBe('2023-11-14T22:13:20.123Z');
    expect(value(slackTsText('1675092593.431309'))).toBe('1675092593.431309');
    expect(value(slackTsText(1675092593.431309))).toBe('1675092593.431309');
    expect(problem(fromSlackTs('2024-05-02'))).toMatch(/Slack ts/);
    expect(problem(slackTsText('abc'))).toMatch(/Slack ts/);
  });

  it('date gives YYYY-MM-DD from any timestamp format', () => {
    expect(value(toDate('2024-06-28'))).toBe('2024-06-28');
    expect(value(toDate('2021-05-31T10:21:28.593000+00:00'))).toBe('2021-05-31');
    expect(value(toDate(1614319200000))).toBe('2021-02-26');
    expect(problem(toDate('2024-02-30'))).toMatch(/no such day/);
  });
});

describe('ids', () => {
  it('strings stay exact, 20-digit Gong ids included', () => {
    expect(value(toId('7782342274025937895'))).toBe('7782342274025937895');
    expect(value(toId(' 18446744073709551615 '))).toBe('18446744073709551615');
    expect(value(toId('0014W000027f6V2QAI'))).toBe('0014W000027f6V2QAI');
  });
  it('safe integers become text (HubSpot v1 ids)', () => {
    expect(value(toId(11257289597))).toBe('11257289597');
    expect(value(toId(52550153))).toBe('52550153');
  });
  it('a number beyond 2^53 has lost digits: a problem that says so', () => {
    expect(problem(toId(GONG_ID_AS_NUMBER))).toMatch(/beyond 2\^53.*rounded/);
    expect(problem(toId(1.5))).toMatch(/text or an integer/);
    expect(problem(toId({ id: 1 }))).toMatch(/must be text/);
  });
  it('empty is no id', () => {
    expect(value(toId(''))).toBeNull();
  });
});

describe('text, email, phone, domain', () => {
  it('text trims, stringifies scalars, refuses objects, truncates on request', () => {
    expect(value(toText('  Acme  '))).toBe('Acme');
    expect(value(toText(42))).toBe('42');
    expect(value(toText(false))).toBe('false');
    expect(value(toText('   '))).toBeNull();
    expect(value(toText('abcdef', 3))).toBe('abc');
    expect(problem(toText({ value: 'x' }))).toMatch(/expected text, got object/);
    expect(problem(toText(['a']))).toMatch(/got array/);
  });

  it('email lowercases and checks the shape', () => {
    expect(value(toEmail(' Dana.Ruiz@Acme.COM '))).toBe('dana.ruiz@acme.com');
    expect(value(toEmail('mailto:sam@example.com'))).toBe('sam@example.com');
    expect(value(toEmail('Sam Lee <Sam@Example.com>'))).toBe('sam@example.com');
    for (const bad of ['not-an-email', 'a@b', 'a@@b.com', 'a b@c.com', 'x@y..com'])
      expect(problem(toEmail(bad))).toMatch(/not an email address/);
    expect(problem(toEmail(12))).toMatch(/expected an email/);
  });

  it('e164 with default region US; invalid numbers are problems', () => {
    expect(value(toE164('(503) 421-7800'))).toBe('+15034217800');
    expect(value(toE164('415.555.0199'))).toBe('+14155550199');
    expect(value(toE164('+1 (415) 555-0134'))).toBe('+14155550134');
    expect(value(toE164('+44 20 7946 0958'))).toBe('+442079460958');
    expect(value(toE164('020 7946 0958', 'GB'))).toBe('+442079460958');
    expect(value(toE164(5034217800))).toBe('+15034217800');
    expect(problem(toE164('555-0134'))).toMatch(/not a valid phone number/);
    expect(problem(toE164('12'))).toMatch(/not a valid phone number/);
    expect(problem(toE164('call me'))).toMatch(/not a valid phone number/);
    expect(problem(toE164({}))).toMatch(/expected a phone number/);
  });

  it('domain: registrable domain of a URL, email or host', () => {
    expect(value(toDomain('https://www.SummitResidential.com/about?x=1'))).toBe('summitresidential.com');
    expect(value(toDomain('www.acme.com'))).toBe('acme.com');
    expect(value(toDomain('dataline.io'))).toBe('dataline.io');
    expect(value(toDomain('dana@mail.acme.co.uk'))).toBe('acme.co.uk');
    expect(value(toDomain('http://portal.acme.com:8080'))).toBe('acme.com');
    expect(problem(toDomain('www.expressl&t.net'))).toMatch(/no registrable domain/);
    expect(problem(toDomain('http://192.168.0.1/x'))).toMatch(/no registrable domain/);
    expect(problem(toDomain('localhost'))).toMatch(/no registrable domain/);
  });
});

describe('time zones', () => {
  it('IANA names, any case, and HubSpot option values', () => {
    expect(value(toTimeZone('America/Los_Angeles'))).toBe('America/Los_Angeles');
    expect(value(toTimeZone('america/chicago'))).toBe('America/Chicago');
    expect(value(toTimeZone('america_slash_los_angeles'))).toBe('America/Los_Angeles');
    expect(value(toTimeZone('america_slash_argentina_slash_buenos_aires'))).toMatch(
      /^America\/(Argentina\/)?Buenos_Aires$/, // ICU may canonicalise to the older link name
    );
    expect(value(toTimeZone('Europe/Helsinki'))).toBe('Europe/Helsinki');
    expect(problem(toTimeZone('Mars/Olympus'))).toMatch(/not a known time zone/);
    expect(problem(toTimeZone(-25200))).toMatch(/expected a time zone/);
  });
});

describe('numbers and booleans', () => {
  it('integer rounds and scales; number keeps fractions', () => {
    expect(value(toInteger(150.0))).toBe(150);
    expect(value(toInteger('125000', 0.001))).toBe(125);
    expect(value(toInteger(45, 60))).toBe(2700);
    expect(value(toInteger('12.6'))).toBe(13);
    expect(value(toNumber('950000000.5'))).toBe(950000000.5);
    expect(value(toNumber(0.2, 100))).toBe(20);
    expect(problem(toInteger('abc'))).toMatch(/expected an integer/);
    expect(problem(toNumber('1,234'))).toMatch(/expected a number/);
    expect(problem(toInteger(1e12))).toMatch(/out of the integer range/);
  });

  it('boolean reads true/false, 1/0 and words; invert', () => {
    expect(value(toBoolean(true))).toBe(true);
    expect(value(toBoolean('false'))).toBe(false);
    expect(value(toBoolean('Yes'))).toBe(true);
    expect(value(toBoolean(0))).toBe(false);
    expect(value(toBoolean(true, true))).toBe(false);
    expect(problem(toBoolean('maybe'))).toMatch(/expected a boolean/);
    expect(problem(toBoolean(2))).toMatch(/expected a boolean/);
  });
});

describe('HTML, arrays, joins, enums, pairs', () => {
  it('html_text strips tags and decodes entities', () => {
    expect(value(stripHtml('<div style=""><p style="margin:0;">test</p></div>'))).toBe('test');
    expect(
      value(stripHtml('<p>Demo of the <b>resident&nbsp;portal</b></p><p>A &amp; B &#39;C&#39; &#x41;</p>')),
    ).toBe("Demo of the resident portal\nA & B 'C' A");
    expect(value(stripHtml('<html><head><style>p{}</style></head><body>Hi<br>there</body></html>'))).toBe(
      'Hi\nthere',
    );
    expect(value(stripHtml('<p> </p>'))).toBeNull();
    expect(problem(stripHtml(3))).toMatch(/expected HTML/);
  });

  it('dedupe removes HubSpot duplicate associations, keeps order', () => {
    expect(value(dedupe(['151', '151', '152', 151, '']))).toEqual(['151', '152']);
    expect(problem(dedupe('151'))).toMatch(/expected an array/);
  });

  it('join (first + last), requireAll for composite keys', () => {
    expect(value(join(['Dana', 'Ruiz']))).toBe('Dana Ruiz');
    expect(value(join(['Dana', null]))).toBe('Dana');
    expect(value(join([null, null]))).toBeNull();
    expect(value(join(['C04', '1675092593.431309'], ':', true))).toBe('C04:1675092593.431309');
    expect(value(join(['C04', null], ':', true))).toBeNull();
    expect(problem(join([{ a: 1 }, 'x']))).toMatch(/expected text/);
  });

  it('enum maps values (Gong direction), case-insensitively by default', () => {
    const args = { values: { Inbound: 'inbound', Outbound: 'outbound' } };
    expect(value(mapEnum('Inbound', args))).toBe('inbound');
    expect(value(mapEnum('OUTBOUND', args))).toBe('outbound');
    expect(problem(mapEnum('Sideways', args))).toMatch(/not one of Inbound, Outbound/);
    expect(value(mapEnum('Sideways', { ...args, otherwise: null }))).toBeNull();
    expect(value(mapEnum('Sideways', { ...args, passthrough: true }))).toBe('Sideways');
    expect(problem(mapEnum('OUTBOUND', { ...args, caseSensitive: true }))).toMatch(/not one of/);
  });

  it('pairs_to_object turns Gong interactionStats into an object', () => {
    expect(
      value(
        pairsToObject([
          { name: 'Longest Monologue', value: 125 },
          { name: 'Patience', value: 0.92 },
        ]),
      ),
    ).toEqual({ 'Longest Monologue': 125, Patience: 0.92 });
    expect(problem(pairsToObject({}))).toMatch(/name\/value pairs/);
  });
});

describe('references', () => {
  it('reference names a row by source id, with Salesforce prefixes for polymorphic ids', () => {
    const r = toReference('0064W00000XyZabQAB', { entity: 'opportunities', prefix: '006' }, ctx);
    expect(r).toEqual({
      ok: true,
      value: null,
      ref: { entity: 'opportunities', source: 'salesforce', sourceId: '0064W00000XyZabQAB' },
    });
    expect(toReference('0014W000027f6V2QAI', { entity: 'opportunities', prefix: '006' }, ctx)).toEqual({
      ok: true,
      value: null,
    });
    expect(
      toReference('00Q4W00001AbCdEUAV', { entity: 'contacts', prefix: ['003', '00Q'] }, ctx),
    ).toMatchObject({
      ref: { sourceId: '00Q4W00001AbCdEUAV' },
    });
    expect(toReference(52550153, { entity: 'users', source: 'hubspot' }, ctx)).toMatchObject({
      ref: { source: 'hubspot', sourceId: '52550153' },
    });
    expect(problem(toReference(GONG_ID_AS_NUMBER, { entity: 'users' }, ctx))).toMatch(/2\^53/);
  });

  it('first_reference de-duplicates an association array', () => {
    expect(toFirstReference(['5438025334', '5438025334'], { entity: 'accounts' }, ctx)).toMatchObject({
      ref: { entity: 'accounts', sourceId: '5438025334' },
    });
    expect(toFirstReference([], { entity: 'accounts' }, ctx)).toEqual({ ok: true, value: null });
  });

  const context = [
    {
      system: 'Salesforce',
      objects: [
        { objectType: 'Opportunity', objectId: '0064W00000XyZabQAB', timing: 'TimeOfCall', fields: [] },
        { objectType: 'Account', objectId: '0014W000027f6V2QAI', timing: 'TimeOfCall', fields: [] },
        { objectType: 'Account', objectId: '0014W000027f6V2QAI', timing: 'Now', fields: [] },
      ],
    },
  ];

  it('gong_crm_reference finds the Salesforce Account and Opportunity of a call', () => {
    expect(gongCrmReference(context, { objectType: 'Account', entity: 'accounts' })).toMatchObject({
      ref: { entity: 'accounts', source: 'salesforce', sourceId: '0014W000027f6V2QAI' },
    });
    expect(gongCrmReference(context, { objectType: 'Opportunity', entity: 'opportunities' })).toMatchObject({
      ref: { entity: 'opportunities', source: 'salesforce', sourceId: '0064W00000XyZabQAB' },
    });
  });

  it('gong_crm_reference: HubSpot objects, Salesforce preferred, unknown systems ignored, party context object', () => {
    const mixed = [
      { system: 'HubSpot', objects: [{ objectType: 'Account', objectId: '5000526215' }] },
      { system: 'Generic', objects: [{ objectType: 'Account', objectId: 'x' }] },
      ...context,
    ];
    expect(gongCrmReference(mixed, { objectType: 'Account', entity: 'accounts' })).toMatchObject({
      ref: { source: 'salesforce' },
    });
    expect(gongCrmReference(mixed.slice(0, 2), { objectType: 'Account', entity: 'accounts' })).toMatchObject({
      ref: { source: 'hubspot', sourceId: '5000526215' },
    });
    const partyObject = {
      system: 'Salesforce',
      objects: [{ objectType: 'Contact', objectId: '0034W00003AbCdEQAV' }],
    };
    expect(
      gongCrmReference(partyObject, { objectType: ['Contact', 'Lead'], entity: 'contacts' }),
    ).toMatchObject({
      ref: { sourceId: '0034W00003AbCdEQAV' },
    });
    expect(gongCrmReference([], { objectType: 'Account', entity: 'accounts' })).toEqual({
      ok: true,
      value: null,
    });
    expect(problem(gongCrmReference('Acme', { objectType: 'Account', entity: 'accounts' }))).toMatch(
      /CRM context/,
    );
  });

  it('lookup joins through another list of the record (Gong talk time by party id)', () => {
    const record = { interaction: { speakers: [{ id: '55', talkTime: 620.8 }] } };
    const c = { source: 'gong' as const, record };
    expect(
      value(lookup('55', { list: 'interaction.speakers', match: 'id', take: 'talkTime', scale: 1000 }, c)),
    ).toBe(620800);
    expect(
      value(lookup('56', { list: 'interaction.speakers', match: 'id', take: 'talkTime' }, c)),
    ).toBeNull();
    expect(value(lookup('55', { list: 'nowhere', match: 'id', take: 'talkTime' }, c))).toBeNull();
  });
});

describe('registry', () => {
  it('every transform is named and checks its arguments', () => {
    expect(Object.keys(TRANSFORMS).sort()).toEqual(
      [
        'boolean',
        'constant',
        'date',
        'dedupe',
        'domain',
        'e164',
        'email',
        'enum',
        'epoch_ms',
        'epoch_seconds',
        'first_reference',
        'gong_crm_reference',
        'html_text',
        'id',
        'identity',
        'integer',
        'join',
        'json',
        'lookup',
        'lowercase',
        'number',
        'pairs_to_object',
        'reference',
        'slack_ts',
        'slack_ts_text',
        'text',
        'time_zone',
        'timestamp',
      ].sort(),
    );
    expect(parseTransformArgs('e164', { region: 'GB' })).toEqual({ ok: true, args: { region: 'GB' } });
    expect(parseTransformArgs('e164', null)).toMatchObject({ ok: true });
    const bad = parseTransformArgs('reference', { entity: 'planets' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/bad arguments for transform 'reference'.*entity/);
    expect(parseTransformArgs('email', { region: 'US' }).ok).toBe(false);
    expect(parseTransformArgs('nope', null)).toMatchObject({
      ok: false,
      message: /unknown transform 'nope'/,
    });
  });

  it('applyTransform never throws', () => {
    expect(applyTransform('nope', 1, null, ctx)).toMatchObject({ ok: false });
    expect(
      applyTransform('lookup', '1', { list: 'a', match: 'b', take: 'c' }, { ...ctx, record: null as never }),
    ).toMatchObject({
      ok: true,
    });
  });
});
