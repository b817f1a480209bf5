import { buildCall, type BuiltCall } from './call.js';
import { streamLines } from './messages.js';
import {
  CASE_SUBJECTS,
  COMPETITORS,
  SLACK_DEAL_UPDATES,
  SLACK_ESCALATIONS,
  SLACK_GENERAL,
  SLACK_REPLIES,
} from './pools.js';
import { Rng } from './random.js';
import {
  dateOnly,
  DAY,
  hubspotPropTime,
  isoMs,
  isoSeconds,
  isoWithOffset,
  sfTime,
  sfTimeZ,
  slackTs,
} from './time.js';
import type { Account, CallPlan, Contact, Rep, World } from './world.js';

/**
 * Records per source, shaped like the real Airbyte connectors' records (../shared/data/airbyte/<source>/*.json and
 * samples/*.jsonl), with the real quirks: Salesforce `attributes` and `+0000` vs `Z` timestamps, HubSpot nested
 * `properties` (+ flattened `properties_<name>`), `+00:00` microsecond property times next to `Z` createdAt,
 * duplicate association ids and `""` phones, the legacy v1 engagements with integer ids and epoch-ms times, Gong
 * 19-20 digit string ids and CRM context, Slack string `ts` + float `float_ts`, join messages, per-partition state
 * and thread parents repeated in `threads`.
 */

export type DemoSource = 'gong' | 'salesforce' | 'hubspot' | 'slack';
export const DEMO_SOURCES: readonly DemoSource[] = ['gong', 'salesforce', 'hubspot', 'slack'];

/** The sync happens the day after the world ends; emitted_at ticks forward per message. */
function clock(start: number): () => number {
  let t = start;
  return () => (t += 3);
}
const SYNC_AT = Date.UTC(2026, 6, 1, 6, 0, 0);

// ---------------------------------------------------------------- Gong

const SYSTEMS = ['Zoom', 'Zoom', 'Google Meet', 'Microsoft Teams'];

export function gongCallMetaData(world: World, call: BuiltCall): Record<string, unknown> {
  const { plan } = call;
  const rep = world.repsByKey.get(plan.repKey)!;
  const account = plan.accountKey ? world.accountsByKey.get(plan.accountKey)! : null;
  const rng = new Rng(`${world.seed}/meta/${plan.index}`);
  const phone = plan.kind === 'collection';
  const scheduled = Math.floor(plan.started / (15 * 60000)) * 15 * 60000;
  const title =
    plan.kind === 'internal'
      ? rng.pick(['Weekly pipeline review', 'Deal review', 'Forecast call', 'Sales team sync'])
      : plan.kind === 'collection'
        ? `Outbound call to ${world.debtorsByKey.get(plan.debtorKey!)!.phone}`
        : `${account!.name} <> Pay Ready | ${({ discovery: 'Intro call', demo: 'Platform demo', negotiation: 'Pricing and terms', checkin: 'Monthly check-in', renewal: 'Renewal discussion', escalation: 'Issue review' } as Record<string, string>)[plan.kind]}`;
  return {
    id: plan.id,
    url: `https://app.gong.io/call?id=${plan.id}`,
    title,
    scheduled: phone ? null : isoWithOffset(scheduled, rep.timezone),
    started: isoMs(plan.started),
    duration: call.durationSeconds,
    primaryUserId: rep.gongUserId,
    direction: phone ? 'Outbound' : 'Conference',
    system: phone ? 'RingCentral' : rng.pick(SYSTEMS),
    scope: plan.kind === 'internal' ? 'Internal' : 'External',
    media: phone ? 'Audio' : 'Video',
    language: 'eng',
    workspaceId: world.workspaceId,
    sdrDisposition: phone ? rng.pick(['Connected', 'Left voicemail', 'Connected']) : null,
    clientUniqueId: null,
    customData: null,
    purpose: null,
    meetingUrl: phone ? null : `https://payready.zoom.us/j/${rng.digits(10)}`,
    isPrivate: false,
    calendarEventId: phone ? null : `${rng.hex(26)}@google.com`,
  };
}

function gongContext(world: World, plan: CallPlan): unknown[] {
  if (!plan.accountKey || plan.kind === 'internal') return [];
  const account = world.accountsByKey.get(plan.accountKey)!;
  const accountFields = [
    { name: 'Name', value: account.name },
    { name: 'Website', value: account.domain },
    { name: 'Industry', value: 'Real Estate' },
  ];
  const objects: unknown[] = [
    { objectType: 'Account', objectId: account.sfId, timing: 'TimeOfCall', fields: accountFields },
    // Airbyte asks for both timings: the same object appears twice, sometimes with other values.
    { objectType: 'Account', objectId: account.sfId, timing: 'Now', fields: accountFields },
  ];
  const opp = plan.opportunityId
    ? account.opportunities.find((o) => o.sfId === plan.opportunityId)
    : undefined;
  if (opp) {
    objects.push({
      objectType: 'Opportunity',
      objectId: opp.sfId,
      timing: 'TimeOfCall',
      fields: [
        { name: 'Name', value: opp.name },
        { name: 'StageName', value: plan.started < opp.closeDate ? 'Proposal/Price Quote' : opp.stage },
        { name: 'Amount', value: opp.amount },
        { name: 'Probability', value: opp.probability },
        { name: 'CloseDate', value: dateOnly(opp.closeDate) },
        { name: 'Type', value: opp.type },
        { name: 'LeadSource', value: opp.leadSource },
      ],
    });
  }
  return [{ system: 'Salesforce', objects }];
}

export function gongExtensiveCall(world: World, call: BuiltCall): Record<string, unknown> {
  const metaData = gongCallMetaData(world, call);
  const { parties, sentences, truth } = call;
  const talk = new Map<number, number>();
  for (const s of sentences) talk.set(s.speaker, (talk.get(s.speaker) ?? 0) + (s.end - s.start) / 1000);
  const topics = new Map<string, number>();
  for (const s of sentences)
    if (s.topic) topics.set(s.topic, (topics.get(s.topic) ?? 0) + (s.end - s.start) / 1000);
  let companyQ = 0;
  let otherQ = 0;
  for (const s of sentences)
    if (s.text.endsWith('?')) {
      if (parties[s.speaker]!.affiliation === 'Internal') companyQ++;
      else otherQ++;
    }
  // Longest monologue: the longest run of consecutive sentences by one speaker.
  let longest = 0;
  let runStart = 0;
  for (let i = 0; i < sentences.length; i++) {
    if (i === 0 || sentences[i]!.speaker !== sentences[i - 1]!.speaker) runStart = sentences[i]!.start;
    longest = Math.max(longest, (sentences[i]!.end - runStart) / 1000);
  }
  const switches = sentences.filter((s, i) => i > 0 && s.speaker !== sentences[i - 1]!.speaker).length;
  const trackers: unknown[] = [];
  if (truth.competitorMentions.length) {
    const occ = truth.competitorMentions.map((m) => ({
      speakerId: m.speakerId,
      startTime: m.startMs / 1000,
    }));
    trackers.push({
      id: '9087654321',
      name: 'Competitors',
      count: occ.length,
      type: 'KEYWORD',
      occurrences: occ,
      phrases: truth.competitorMentions.map((m) => ({
        phrase: m.competitor,
        count: 1,
        occurrences: [{ speakerId: m.speakerId, startTime: m.startMs / 1000 }],
      })),
    });
  }
  const pricing = truth.objections.filter((o) => o.type === 'pricing');
  if (pricing.length)
    trackers.push({
      id: '9087654322',
      name: 'Pricing',
      count: pricing.length,
      type: 'SMART',
      occurrences: pricing.map((o) => ({ speakerId: o.speakerId, startTime: o.startMs / 1000 })),
      phrases: [],
    });
  return {
    metaData,
    context: gongContext(world, call.plan),
    parties: parties.map((p) => ({
      id: p.id,
      emailAddress: p.email,
      name: p.name,
      title: p.title,
      ...(p.userId ? { userId: p.userId } : {}),
      ...(p.speakerId ? { speakerId: p.speakerId } : {}),
      affiliation: p.affiliation,
      methods: p.methods,
      phoneNumber: p.phone,
      // The API sends an array here (Airbyte's schema says object; see protocol.md §4c).
      context: p.crm
        ? [
            {
              system: 'Salesforce',
              objects: [
                {
                  objectType: p.crm.objectType,
                  objectId: p.crm.objectId,
                  timing: 'Now',
                  fields: [{ name: 'Email', value: p.crm.email }],
                },
              ],
            },
          ]
        : [],
    })),
    content: {
      brief:
        call.plan.kind === 'internal'
          ? null
          : `${String(metaData.title)}. ${
              truth.objections.length
                ? `Concerns raised: ${[...new Set(truth.objections.map((o) => o.type.replace('_', ' ')))].join(', ')}.`
                : 'No major concerns raised.'
            }${truth.nextSteps[0] ? ` Next step: ${truth.nextSteps[0].text}` : ''}`,
      topics: [...topics].map(([name, duration]) => ({ name, duration: Math.round(duration) })),
      trackers,
      pointsOfInterest: {
        actionItems: truth.nextSteps.map((n) => {
          const s = sentences.find((x) => x.start === n.startMs)!;
          return {
            snippet: n.text,
            snippetStartTime: s.start / 1000,
            snippetEndTime: s.end / 1000,
            speakerID: n.speakerId,
          };
        }),
      },
      keyPoints: truth.objections
        .slice(0, 2)
        .map((o) => ({ text: `Customer raised a ${o.type.replace('_', ' ')} concern` })),
      outline: [],
      highlights: [],
    },
    interaction: {
      speakers: parties
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.speakerId)
        .map(({ p, i }) => ({
          id: p.id,
          userId: p.userId,
          talkTime: Math.round((talk.get(i) ?? 0) * 10) / 10,
        })),
      interactionStats: [
        { name: 'Longest Monologue', value: Math.round(longest) },
        {
          name: 'Interactivity',
          value: Math.round((switches / Math.max(1, call.durationSeconds / 60)) * 10) / 10,
        },
        { name: 'Patience', value: Math.round((0.4 + ((call.plan.index * 37) % 100) / 100) * 100) / 100 },
      ],
      questions: { companyCount: companyQ, nonCompanyCount: otherQ },
      video: metaData.media === 'Video' ? [{ name: 'Webcam', duration: call.durationSeconds }] : [],
    },
    collaboration: { publicComments: [] },
    media: { audioUrl: null, videoUrl: null },
    id: metaData.id,
    startdatetime: metaData.started,
  };
}

export function gongTranscript(call: BuiltCall): Record<string, unknown> {
  const monologues: {
    speakerId: string;
    topic: string | null;
    sentences: { start: number; end: number; text: string }[];
  }[] = [];
  for (const s of call.sentences) {
    const speakerId = call.parties[s.speaker]!.speakerId!;
    const last = monologues[monologues.length - 1];
    if (last && last.speakerId === speakerId && last.topic === s.topic)
      last.sentences.push({ start: s.start, end: s.end, text: s.text });
    else
      monologues.push({
        speakerId,
        topic: s.topic,
        sentences: [{ start: s.start, end: s.end, text: s.text }],
      });
  }
  return { callId: call.plan.id, transcript: monologues, started: isoMs(call.plan.started) };
}

function gongUser(world: World, rep: Rep): Record<string, unknown> {
  const manager = rep.managerKey ? world.repsByKey.get(rep.managerKey)! : null;
  return {
    id: rep.gongUserId,
    emailAddress: rep.email,
    created: isoSeconds(rep.createdAt),
    active: true,
    emailAliases: [],
    trustedEmailAddress: rep.email,
    firstName: rep.first,
    lastName: rep.last,
    title: rep.role,
    phoneNumber: rep.phone,
    extension: null,
    personalMeetingUrls: [`https://payready.zoom.us/my/${rep.first.toLowerCase()}.${rep.last.toLowerCase()}`],
    settings: {
      webConferencesRecorded: true,
      preventWebConferenceRecording: false,
      telephonyCallsImported: rep.role === 'Collections Specialist',
      emailsImported: true,
      preventEmailImport: false,
      nonRecordedMeetingsImported: true,
      gongConnectEnabled: true,
    },
    managerId: manager?.gongUserId ?? null,
    meetingConsentPageUrl: null,
    spokenLanguages: [{ language: 'en-US', primary: true }],
  };
}

export function* gongLines(world: World, stateEvery: number): Generator<string> {
  const at = clock(SYNC_AT);
  yield* streamLines('users', world.reps, (r) => gongUser(world, r), { stateEvery, emittedAt: at });
  const calls = function* () {
    for (const plan of world.calls) yield buildCall(world, plan);
  };
  yield* streamLines('calls', calls(), (c) => gongCallMetaData(world, c), {
    stateEvery,
    cursor: (c) => isoMs(c.plan.started),
    cursorField: 'started',
    emittedAt: at,
  });
  yield* streamLines('extensiveCalls', calls(), (c) => gongExtensiveCall(world, c), {
    stateEvery,
    cursor: (c) => isoMs(c.plan.started),
    cursorField: 'startdatetime',
    emittedAt: at,
  });
  yield* streamLines('callTranscripts', calls(), (c) => gongTranscript(c), {
    stateEvery,
    cursor: (c) => isoMs(c.plan.started),
    cursorField: 'started',
    emittedAt: at,
  });
}

// ---------------------------------------------------------------- Salesforce

const attributes = (type: string, id: string) => ({
  type,
  url: `/services/data/v57.0/sobjects/${type}/${id}`,
});

function address(street: string | null, city: string | null, state: string | null, zip: string | null) {
  return {
    city,
    country: 'United States',
    geocodeAccuracy: null,
    latitude: null,
    longitude: null,
    postalCode: zip,
    state,
    street,
  };
}

function sfUser(world: World, rep: Rep): Record<string, unknown> {
  const manager = rep.managerKey ? world.repsByKey.get(rep.managerKey)! : null;
  return {
    attributes: attributes('User', rep.sfUserId),
    Id: rep.sfUserId,
    Username: `${rep.email}.prod`,
    LastName: rep.last,
    FirstName: rep.first,
    Name: rep.name,
    CompanyName: 'Pay Ready',
    Division: null,
    Department:
      rep.role === 'Collections Specialist'
        ? 'Collections'
        : rep.role === 'Account Manager'
          ? 'Customer Success'
          : 'Sales',
    Title: rep.role,
    Street: null,
    City: 'Austin',
    State: 'TX',
    PostalCode: null,
    Country: 'United States',
    Address: address(null, 'Austin', 'TX', null),
    Email: rep.email,
    SenderEmail: null,
    Phone: rep.phone,
    MobilePhone: null,
    Alias: (rep.first[0]! + rep.last).slice(0, 8).toLowerCase(),
    CommunityNickname: `${rep.first}.${rep.last}`.toLowerCase(),
    IsActive: true,
    TimeZoneSidKey: rep.timezone,
    LocaleSidKey: 'en_US',
    EmailEncodingKey: 'UTF-8',
    LanguageLocaleKey: 'en_US',
    UserType: 'Standard',
    ManagerId: manager?.sfUserId ?? null,
    FederationIdentifier: rep.email,
    LastLoginDate: sfTime(WORLD_SYNC_MINUS(rep)),
    CreatedDate: sfTime(rep.createdAt),
    CreatedById: world.reps[0]!.sfUserId,
    LastModifiedDate: sfTime(rep.createdAt + 30 * DAY),
    LastModifiedById: world.reps[0]!.sfUserId,
    SystemModstamp: sfTime(rep.createdAt + 30 * DAY),
    IsPortalEnabled: false,
  };
}
const WORLD_SYNC_MINUS = (rep: Rep) => SYNC_AT - (Number(rep.hubspotOwnerId.slice(-3)) % 72) * 3600000;

function sfAccount(world: World, a: Account): Record<string, unknown> {
  const owner = world.repsByKey.get(a.status === 'prospect' ? a.aeKey : a.amKey)!;
  const street = `${100 + (Number(a.sfId.charCodeAt(8)) % 900)} ${a.propertyNames[0]!.split(' ')[0]} Blvd, Suite ${200 + (a.units % 300)}`;
  const modified = Math.max(a.createdAt, a.churnedAt ?? a.wonAt ?? a.firstContactAt);
  return {
    attributes: attributes('Account', a.sfId),
    Id: a.sfId,
    IsDeleted: false,
    MasterRecordId: null,
    Name: a.name,
    Type:
      a.status === 'customer' ? 'Customer - Direct' : a.status === 'churned' ? 'Former Customer' : 'Prospect',
    ParentId: null,
    BillingStreet: street,
    BillingCity: a.city,
    BillingState: a.state,
    BillingPostalCode: a.zip,
    BillingCountry: 'United States',
    BillingLatitude: null,
    BillingLongitude: null,
    BillingGeocodeAccuracy: null,
    BillingAddress: address(street, a.city, a.state, a.zip),
    ShippingStreet: null,
    ShippingCity: null,
    ShippingState: null,
    ShippingPostalCode: null,
    ShippingCountry: null,
    ShippingAddress: null,
    Phone: `(${a.areaCode}) 555-0${String(a.units % 1000).padStart(3, '0')}`,
    Fax: null,
    AccountNumber: `PR-${a.sfId.slice(-6).toUpperCase()}`,
    // Salesforce users type websites however they like; HubSpot keeps the bare domain.
    Website: [`www.${a.domain}`, `https://www.${a.domain}/`, `http://${a.domain}`, a.domain][a.units % 4],
    PhotoUrl: `/services/images/photo/${a.sfId}`,
    Sic: '6531',
    Industry: 'Real Estate',
    AnnualRevenue: a.units * 14_400,
    NumberOfEmployees: Math.max(12, Math.round(a.units / 45)),
    Ownership: a.units > 10000 ? 'Public' : 'Private',
    TickerSymbol: null,
    Description: `Property management company: ${a.units.toLocaleString('en-US')} units across ${a.properties} communities in the ${a.region}. PMS: ${a.pms}.`,
    Rating: a.status === 'churned' ? 'Cold' : a.status === 'customer' ? 'Hot' : 'Warm',
    Site: null,
    OwnerId: owner.sfUserId,
    CreatedDate: sfTime(a.createdAt),
    CreatedById: owner.sfUserId,
    LastModifiedDate: sfTime(modified),
    LastModifiedById: owner.sfUserId,
    SystemModstamp: sfTime(modified),
    LastActivityDate: null,
    CleanStatus: 'Pending',
    AccountSource: a.opportunities[0]!.leadSource,
    OperatingHoursId: null,
    // Org-specific custom fields, as real orgs have them.
    PMS_Platform__c: a.pms,
    Units_Under_Management__c: a.units,
    Number_of_Communities__c: a.properties,
    Region__c: a.region,
    Customer_Status__c: a.status === 'churned' ? 'Churned' : a.status === 'customer' ? 'Active' : 'Prospect',
    Churn_Date__c: a.churnedAt ? dateOnly(a.churnedAt) : null,
  };
}

function sfContact(world: World, a: Account, c: Contact): Record<string, unknown> {
  const owner = world.repsByKey.get(a.aeKey)!;
  return {
    attributes: attributes('Contact', c.sfContactId),
    Id: c.sfContactId,
    IsDeleted: false,
    MasterRecordId: null,
    AccountId: a.sfId,
    LastName: c.last,
    FirstName: c.first,
    Salutation: null,
    Name: c.name,
    MailingStreet: null,
    MailingCity: a.city,
    MailingState: a.state,
    MailingPostalCode: a.zip,
    MailingCountry: 'United States',
    MailingAddress: address(null, a.city, a.state, a.zip),
    Phone: c.phone,
    MobilePhone: null,
    Email: c.email,
    Title: c.title,
    Department: null,
    LeadSource: a.opportunities[0]!.leadSource,
    OwnerId: owner.sfUserId,
    HasOptedOutOfEmail: false,
    DoNotCall: false,
    CreatedDate: sfTime(c.createdAt),
    CreatedById: owner.sfUserId,
    LastModifiedDate: sfTime(c.createdAt + DAY),
    LastModifiedById: owner.sfUserId,
    SystemModstamp: sfTime(c.createdAt + DAY),
    LastActivityDate: null,
    IsEmailBounced: false,
  };
}

export interface SfActivity {
  id: string;
  kind: 'Task' | 'Event';
  at: number;
  accountSfId: string;
  whoId: string | null;
  whatId: string;
  ownerSfId: string;
  subject: string;
  description: string;
  durationSeconds: number;
  subtype: string;
}

export interface SfCase {
  id: string;
  number: string;
  accountKey: string;
  accountSfId: string;
  contactSfId: string | null;
  contactEmail: string | null;
  at: number;
  closedAt: number | null;
  subject: string;
  priority: string;
  escalated: boolean;
  status: string;
  ownerSfId: string;
}

/** Support cases: a few per customer; churners get more, higher priority, escalated, in their last months. */
export function salesforceCases(world: World): SfCase[] {
  const rng = new Rng(`${world.seed}/cases`);
  const cases: SfCase[] = [];
  let n = 1000;
  for (const a of world.accounts) {
    if (a.status === 'prospect' || a.wonAt === null) continue;
    const churn = a.status === 'churned';
    const count = churn ? rng.int(3, 6) : rng.int(0, 2);
    for (let i = 0; i < count; i++) {
      const late = churn && i > 0;
      const from = late ? a.churnedAt! - 120 * DAY : Math.max(a.wonAt, WORLD_START_CASES);
      const to = late ? a.churnedAt! - 5 * DAY : (a.churnedAt ?? world.end);
      if (to <= from) continue;
      const at = from + Math.floor(rng.next() * (to - from));
      const contact = rng.pick(a.contacts);
      const open = !late && at > world.end - 20 * DAY;
      cases.push({
        id: rng.salesforceId('500'),
        number: String(++n).padStart(8, '0'),
        accountKey: a.key,
        accountSfId: a.sfId,
        contactSfId: contact.sfContactId,
        contactEmail: contact.email,
        at,
        closedAt: open ? null : at + rng.int(1, 14) * DAY,
        subject: rng.pick(CASE_SUBJECTS).replace('{pms}', a.pms),
        priority: late
          ? rng.pick(['High', 'High', 'Critical'])
          : rng.pick(['Low', 'Medium', 'Medium', 'High']),
        escalated: late && rng.chance(0.7),
        status: open ? 'New' : 'Closed',
        ownerSfId: world.repsByKey.get(a.amKey)!.sfUserId,
      });
    }
  }
  return cases.sort((x, y) => x.at - y.at);
}
const WORLD_START_CASES = Date.UTC(2025, 0, 6);

/** Logged calls (Task) and meetings (Event) in Salesforce for a share of the external Gong calls. */
function salesforceActivities(world: World): SfActivity[] {
  const out: SfActivity[] = [];
  for (const plan of world.calls) {
    if (!plan.accountKey || plan.kind === 'internal' || plan.kind === 'collection') continue;
    const rng = new Rng(`${world.seed}/sf-activity/${plan.index}`);
    const account = world.accountsByKey.get(plan.accountKey)!;
    const rep = world.repsByKey.get(plan.repKey)!;
    const who = plan.contactKeys[0] ? world.contactsByKey.get(plan.contactKeys[0])!.sfContactId : null;
    if (rng.chance(0.45)) {
      out.push({
        id: rng.salesforceId('00T'),
        kind: 'Task',
        at: plan.started + 45 * 60000,
        accountSfId: account.sfId,
        whoId: who,
        whatId: plan.opportunityId ?? account.sfId,
        ownerSfId: rep.sfUserId,
        subject: `Call: ${account.name} (${plan.kind})`,
        description: `Logged from Gong call ${plan.id}`,
        durationSeconds: rng.int(600, 3000),
        subtype: 'Call',
      });
    }
    if ((plan.kind === 'demo' || plan.kind === 'negotiation' || plan.kind === 'renewal') && rng.chance(0.6)) {
      out.push({
        id: rng.salesforceId('00U'),
        kind: 'Event',
        at: plan.started,
        accountSfId: account.sfId,
        whoId: who,
        whatId: plan.opportunityId ?? account.sfId,
        ownerSfId: rep.sfUserId,
        subject: `${plan.kind === 'demo' ? 'Demo' : plan.kind === 'renewal' ? 'Renewal meeting' : 'Pricing review'} - ${account.name}`,
        description: '',
        durationSeconds: rng.pick([30, 45, 60]) * 60,
        subtype: 'Event',
      });
    }
    if (rng.chance(0.3)) {
      out.push({
        id: rng.salesforceId('00T'),
        kind: 'Task',
        at: plan.started + rng.int(2, 48) * 3600000,
        accountSfId: account.sfId,
        whoId: who,
        whatId: plan.opportunityId ?? account.sfId,
        ownerSfId: rep.sfUserId,
        subject: `Email: Follow-up from our call`,
        description: 'Sent recap and next steps.',
        durationSeconds: 0,
        subtype: 'Email',
      });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export function* salesforceLines(world: World, stateEvery: number): Generator<string> {
  const at = clock(SYNC_AT + 3600000);
  const modstamp = (r: Record<string, unknown>) => String(r.SystemModstamp);
  const opts = { stateEvery, cursor: modstamp, cursorField: 'SystemModstamp', emittedAt: at };
  const sortBy = (rows: Record<string, unknown>[]) =>
    rows.sort((a, b) => modstamp(a).localeCompare(modstamp(b)));
  yield* streamLines('User', sortBy(world.reps.map((r) => sfUser(world, r))), (r) => r, opts);
  yield* streamLines('Account', sortBy(world.accounts.map((a) => sfAccount(world, a))), (r) => r, opts);
  yield* streamLines(
    'Contact',
    sortBy(world.accounts.flatMap((a) => a.contacts.map((c) => sfContact(world, a, c)))),
    (r) => r,
    opts,
  );
  const leads = world.leads.map((l) => {
    const owner = world.repsByKey.get(l.ownerKey)!;
    return {
      attributes: attributes('Lead', l.sfLeadId),
      Id: l.sfLeadId,
      IsDeleted: false,
      LastName: l.last,
      FirstName: l.first,
      Name: l.name,
      Title: l.title,
      Company: l.company,
      Street: null,
      City: l.city,
      State: l.state,
      PostalCode: null,
      Country: 'United States',
      Address: address(null, l.city, l.state, null),
      Phone: l.phone,
      MobilePhone: null,
      Email: l.email,
      Website: null,
      LeadSource: 'Web',
      Status: l.status,
      Industry: 'Real Estate',
      Rating: null,
      NumberOfEmployees: null,
      OwnerId: owner.sfUserId,
      IsConverted: false,
      ConvertedDate: null,
      ConvertedAccountId: null,
      ConvertedContactId: null,
      ConvertedOpportunityId: null,
      IsUnreadByOwner: l.status.startsWith('Open'),
      CreatedDate: sfTime(l.createdAt),
      CreatedById: owner.sfUserId,
      LastModifiedDate: sfTime(l.createdAt + 2 * DAY),
      LastModifiedById: owner.sfUserId,
      SystemModstamp: sfTime(l.createdAt + 2 * DAY),
    };
  });
  yield* streamLines('Lead', sortBy(leads), (r) => r, opts);
  const opps = world.accounts.flatMap((a) =>
    a.opportunities.map((o) => {
      const owner = world.repsByKey.get(o.ownerKey)!;
      const d = new Date(o.closeDate);
      const modified = Math.min(
        Math.max(o.createdAt, o.isClosed ? o.closeDate : o.createdAt + 20 * DAY),
        world.end,
      );
      return {
        attributes: attributes('Opportunity', o.sfId),
        Id: o.sfId,
        IsDeleted: false,
        AccountId: a.sfId,
        IsPrivate: false,
        Name: o.name,
        Description: `${o.product} for ${a.units.toLocaleString('en-US')} units on ${a.pms}.`,
        StageName: o.stage,
        Amount: o.amount,
        Probability: o.probability,
        ExpectedRevenue: Math.round((o.amount * o.probability) / 100),
        TotalOpportunityQuantity: a.units,
        CloseDate: dateOnly(o.closeDate),
        Type: o.type,
        NextStep: o.isClosed ? null : 'Send revised proposal',
        LeadSource: o.leadSource,
        IsClosed: o.isClosed,
        IsWon: o.isWon,
        ForecastCategory: o.isWon
          ? 'Closed'
          : o.isClosed
            ? 'Omitted'
            : o.probability >= 70
              ? 'Commit'
              : 'Pipeline',
        ForecastCategoryName: o.isWon
          ? 'Closed'
          : o.isClosed
            ? 'Omitted'
            : o.probability >= 70
              ? 'Commit'
              : 'Pipeline',
        CampaignId: null,
        HasOpportunityLineItem: false,
        Pricebook2Id: null,
        OwnerId: owner.sfUserId,
        CreatedDate: sfTime(o.createdAt),
        CreatedById: owner.sfUserId,
        LastModifiedDate: sfTime(modified),
        LastModifiedById: owner.sfUserId,
        SystemModstamp: sfTime(modified),
        LastActivityDate: null,
        FiscalQuarter: Math.floor(d.getUTCMonth() / 3) + 1,
        FiscalYear: d.getUTCFullYear(),
        Fiscal: `${d.getUTCFullYear()} ${Math.floor(d.getUTCMonth() / 3) + 1}`,
        HasOpenActivity: false,
        HasOverdueTask: false,
        Product_Line__c: o.product,
      };
    }),
  );
  yield* streamLines('Opportunity', sortBy(opps), (r) => r, opts);
  // Task and Event come from the Bulk API in the same sync: `Z` timestamps, not `+0000`.
  const activities = salesforceActivities(world);
  const tasks = activities
    .filter((x) => x.kind === 'Task')
    .map((x) => ({
      attributes: attributes('Task', x.id),
      Id: x.id,
      WhoId: x.whoId,
      WhatId: x.whatId,
      Subject: x.subject,
      ActivityDate: dateOnly(x.at),
      Status: 'Completed',
      Priority: 'Normal',
      IsHighPriority: false,
      OwnerId: x.ownerSfId,
      Description: x.description,
      IsDeleted: false,
      AccountId: x.accountSfId,
      IsClosed: true,
      CreatedDate: sfTimeZ(x.at),
      CreatedById: x.ownerSfId,
      LastModifiedDate: sfTimeZ(x.at),
      LastModifiedById: x.ownerSfId,
      SystemModstamp: sfTimeZ(x.at),
      IsArchived: false,
      CallDurationInSeconds: x.subtype === 'Call' ? x.durationSeconds : null,
      CallType: x.subtype === 'Call' ? 'Outbound' : null,
      CallDisposition: null,
      CallObject: null,
      ReminderDateTime: null,
      IsReminderSet: false,
      IsRecurrence: false,
      TaskSubtype: x.subtype,
    }));
  yield* streamLines('Task', tasks, (r) => r, opts);
  const events = activities
    .filter((x) => x.kind === 'Event')
    .map((x) => ({
      attributes: attributes('Event', x.id),
      Id: x.id,
      WhoId: x.whoId,
      WhatId: x.whatId,
      Subject: x.subject,
      Location: 'Zoom',
      IsAllDayEvent: false,
      ActivityDateTime: sfTimeZ(x.at),
      ActivityDate: dateOnly(x.at),
      DurationInMinutes: x.durationSeconds / 60,
      StartDateTime: sfTimeZ(x.at),
      EndDateTime: sfTimeZ(x.at + x.durationSeconds * 1000),
      Description: x.description || null,
      AccountId: x.accountSfId,
      OwnerId: x.ownerSfId,
      IsPrivate: false,
      ShowAs: 'Busy',
      IsDeleted: false,
      IsChild: false,
      IsGroupEvent: false,
      GroupEventType: null,
      CreatedDate: sfTimeZ(x.at - DAY),
      CreatedById: x.ownerSfId,
      LastModifiedDate: sfTimeZ(x.at),
      LastModifiedById: x.ownerSfId,
      SystemModstamp: sfTimeZ(x.at),
      IsArchived: false,
      IsRecurrence: false,
      IsReminderSet: true,
      EventSubtype: 'Event',
    }));
  yield* streamLines('Event', events, (r) => r, opts);
  const cases = salesforceCases(world).map((c) => {
    const account = world.accountsByKey.get(c.accountKey)!;
    const modified = c.closedAt ?? c.at;
    return {
      attributes: attributes('Case', c.id),
      Id: c.id,
      IsDeleted: false,
      CaseNumber: c.number,
      ContactId: c.contactSfId,
      AccountId: c.accountSfId,
      AssetId: null,
      ParentId: null,
      SuppliedName: null,
      SuppliedEmail: c.contactEmail,
      SuppliedPhone: null,
      SuppliedCompany: account.name,
      Type: 'Problem',
      Status: c.status,
      Reason: 'Performance',
      Origin: c.escalated ? 'Phone' : 'Email',
      Subject: c.subject,
      Priority: c.priority,
      Description: `${c.subject}. Reported by ${account.name}.`,
      IsClosed: c.closedAt !== null,
      ClosedDate: c.closedAt ? sfTime(c.closedAt) : null,
      IsEscalated: c.escalated,
      OwnerId: c.ownerSfId,
      ContactEmail: c.contactEmail,
      CreatedDate: sfTime(c.at),
      CreatedById: c.ownerSfId,
      LastModifiedDate: sfTime(modified),
      LastModifiedById: c.ownerSfId,
      SystemModstamp: sfTime(modified),
    };
  });
  yield* streamLines('Case', sortBy(cases), (r) => r, opts);
}

// ---------------------------------------------------------------- HubSpot

/** Nested `properties` plus the flattened `properties_<name>` copies the current connector adds. */
function withProperties(
  top: Record<string, unknown>,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...top, properties };
  for (const [k, v] of Object.entries(properties)) out[`properties_${k}`] = v;
  return out;
}

/** Association arrays: v3/v4 return labelled and unlabelled associations, so ids repeat. */
function dupAssoc(ids: string[], rng: Rng): string[] {
  return ids.flatMap((id) => (rng.chance(0.5) ? [id, id] : [id]));
}

export function* hubspotLines(world: World, stateEvery: number): Generator<string> {
  const at = clock(SYNC_AT + 2 * 3600000);
  const rng = new Rng(`${world.seed}/hubspot`);
  const byUpdated = (r: Record<string, unknown>) => String(r.updatedAt);
  const opts = { stateEvery, cursor: byUpdated, cursorField: 'updatedAt', emittedAt: at };
  const sorted = (rows: Record<string, unknown>[]) =>
    rows.sort((a, b) => byUpdated(a).localeCompare(byUpdated(b)));
  const hsReps = world.reps.filter((r) => r.role !== 'Collections Specialist');
  yield* streamLines(
    'owners',
    sorted(
      hsReps.map((r) => ({
        id: r.hubspotOwnerId,
        email: r.email,
        firstName: r.first,
        lastName: r.last,
        userId: r.hubspotUserId,
        createdAt: isoMs(r.createdAt),
        updatedAt: isoMs(r.createdAt + 40 * DAY),
        archived: false,
      })),
    ),
    (r) => r,
    opts,
  );
  const hsAccounts = world.accounts.filter((a) => a.hubspotCompanyId);
  const companies = hsAccounts.map((a) => {
    const owner = world.repsByKey.get(a.aeKey)!;
    const updated = Math.min(world.end, (a.churnedAt ?? a.wonAt ?? a.firstContactAt) + 3 * DAY);
    const contactIds = a.contacts.filter((c) => c.hubspotContactId).map((c) => c.hubspotContactId!);
    return withProperties(
      {
        id: a.hubspotCompanyId,
        createdAt: isoMs(a.createdAt + 3600000),
        updatedAt: isoMs(updated),
        archived: false,
        contacts: dupAssoc(contactIds, rng),
      },
      {
        name: a.name,
        domain: a.domain,
        website: rng.pick([`https://www.${a.domain}`, `www.${a.domain}`, a.domain]),
        city: a.city,
        state: a.state,
        zip: a.zip,
        country: 'United States',
        phone: rng.chance(0.3) ? '' : `+1 ${a.areaCode} 555 0${String(a.units % 1000).padStart(3, '0')}`,
        industry: 'REAL_ESTATE',
        numberofemployees: Math.max(12, Math.round(a.units / 45)),
        annualrevenue: a.units * 14_400,
        description: `${a.units.toLocaleString('en-US')} units, ${a.properties} communities, ${a.pms}`,
        lifecyclestage:
          a.status === 'prospect' ? 'opportunity' : a.status === 'churned' ? 'other' : 'customer',
        type: a.status === 'prospect' ? 'PROSPECT' : 'CUSTOMER',
        hubspot_owner_id: owner.hubspotOwnerId,
        hs_all_owner_ids: owner.hubspotOwnerId,
        hs_created_by_user_id: owner.hubspotUserId,
        hs_object_id: Number(a.hubspotCompanyId),
        createdate: hubspotPropTime(a.createdAt + 3600000),
        hs_createdate: null,
        hs_lastmodifieddate: hubspotPropTime(updated),
        num_associated_contacts: contactIds.length,
        num_associated_deals: a.opportunities.filter((o) => o.hubspotDealId).length,
        timezone: a.timezone,
        pms_platform: a.pms,
        units_under_management: a.units,
      },
    );
  });
  yield* streamLines('companies', sorted(companies), (r) => r, opts);
  const contactRows: Record<string, unknown>[] = [];
  for (const a of hsAccounts) {
    for (const c of a.contacts) {
      if (!c.hubspotContactId) continue;
      const owner = world.repsByKey.get(a.aeKey)!;
      const updated = c.createdAt + rng.int(2, 200) * DAY;
      contactRows.push(
        withProperties(
          {
            id: c.hubspotContactId,
            createdAt: isoMs(c.createdAt + 7200000),
            updatedAt: isoMs(Math.min(updated, world.end)),
            archived: false,
            companies: dupAssoc([a.hubspotCompanyId!], rng),
          },
          {
            email: rng.chance(0.1) ? c.email.toUpperCase() : c.email,
            firstname: c.first,
            lastname: c.last,
            jobtitle: c.title,
            phone: rng.chance(0.25) ? '' : rng.chance(0.2) ? null : c.phone,
            mobilephone: null,
            company: a.name,
            associatedcompanyid: a.hubspotCompanyId,
            city: a.city,
            state: a.state,
            lifecyclestage: a.status === 'prospect' ? 'salesqualifiedlead' : 'customer',
            hubspot_owner_id: owner.hubspotOwnerId,
            hs_all_owner_ids: owner.hubspotOwnerId,
            hs_created_by_user_id: owner.hubspotUserId,
            hs_email_domain: a.domain,
            hs_object_id: Number(c.hubspotContactId),
            hs_additional_emails: null,
            createdate: hubspotPropTime(c.createdAt + 7200000),
            lastmodifieddate: hubspotPropTime(Math.min(updated, world.end)),
          },
        ),
      );
    }
  }
  for (const l of world.leads) {
    if (!l.hubspotContactId) continue;
    contactRows.push(
      withProperties(
        {
          id: l.hubspotContactId,
          createdAt: isoMs(l.createdAt - DAY),
          updatedAt: isoMs(l.createdAt + DAY),
          archived: false,
          companies: [],
        },
        {
          email: l.email,
          firstname: l.first,
          lastname: l.last,
          jobtitle: l.title,
          phone: l.phone,
          company: l.company,
          associatedcompanyid: null,
          city: l.city,
          state: l.state,
          lifecyclestage: 'lead',
          hubspot_owner_id: null,
          hs_object_id: Number(l.hubspotContactId),
          createdate: hubspotPropTime(l.createdAt - DAY),
          lastmodifieddate: hubspotPropTime(l.createdAt + DAY),
        },
      ),
    );
  }
  yield* streamLines('contacts', sorted(contactRows), (r) => r, opts);
  const stageOf = (stage: string) =>
    ({
      'Closed Won': 'closedwon',
      'Closed Lost': 'closedlost',
      Qualification: 'qualifiedtobuy',
      'Needs Analysis': 'appointmentscheduled',
      'Proposal/Price Quote': 'presentationscheduled',
      'Negotiation/Review': 'contractsent',
    })[stage] ?? 'appointmentscheduled';
  const deals = hsAccounts.flatMap((a) =>
    a.opportunities
      .filter((o) => o.hubspotDealId)
      .map((o) => {
        const owner = world.repsByKey.get(o.ownerKey)!;
        const updated = Math.min(world.end, o.isClosed ? o.closeDate : o.createdAt + 10 * DAY);
        return withProperties(
          {
            id: o.hubspotDealId,
            createdAt: isoMs(o.createdAt),
            updatedAt: isoMs(updated),
            archived: false,
            companies: dupAssoc([a.hubspotCompanyId!], rng),
            contacts: dupAssoc(
              a.contacts
                .filter((c) => c.hubspotContactId)
                .slice(0, 2)
                .map((c) => c.hubspotContactId!),
              rng,
            ),
            line_items: [],
          },
          {
            dealname: o.name,
            amount: o.amount,
            dealstage: stageOf(o.stage),
            pipeline: 'default',
            dealtype: o.type === 'New Business' ? 'newbusiness' : 'existingbusiness',
            closedate: hubspotPropTime(o.closeDate),
            createdate: hubspotPropTime(o.createdAt),
            hs_lastmodifieddate: hubspotPropTime(updated),
            hs_is_closed: o.isClosed,
            hs_is_closed_won: o.isWon,
            closed_lost_reason:
              o.stage === 'Closed Lost'
                ? rng.pick(['Price', 'Went with competitor', 'Integration concerns', 'No decision'])
                : null,
            hubspot_owner_id: owner.hubspotOwnerId,
            hs_object_id: Number(o.hubspotDealId),
            hs_deal_stage_probability: o.probability / 100,
          },
        );
      }),
  );
  yield* streamLines('deals', sorted(deals), (r) => r, opts);

  // Engagements from the external calls on HubSpot-synced accounts.
  const calls: Record<string, unknown>[] = [];
  const emails: Record<string, unknown>[] = [];
  const meetings: Record<string, unknown>[] = [];
  const notes: Record<string, unknown>[] = [];
  const legacy: Record<string, unknown>[] = [];
  for (const plan of world.calls) {
    if (!plan.accountKey || plan.kind === 'internal' || plan.kind === 'collection') continue;
    const a = world.accountsByKey.get(plan.accountKey)!;
    if (!a.hubspotCompanyId) continue;
    const r = new Rng(`${world.seed}/hs-eng/${plan.index}`);
    const rep = world.repsByKey.get(plan.repKey)!;
    const owner = rep.role === 'Collections Specialist' ? world.repsByKey.get(a.aeKey)! : rep;
    const contactIds = plan.contactKeys
      .map((k) => world.contactsByKey.get(k)!.hubspotContactId)
      .filter((x): x is string => !!x);
    const deal = a.opportunities.find((o) => o.sfId === plan.opportunityId)?.hubspotDealId;
    const assoc = () => ({
      contacts: dupAssoc(contactIds, r),
      companies: dupAssoc([a.hubspotCompanyId!], r),
      deals: deal ? dupAssoc([deal], r) : [],
      tickets: [],
    });
    const common = (t: number) => ({
      hs_timestamp: hubspotPropTime(t),
      hs_createdate: hubspotPropTime(t),
      hs_lastmodifieddate: hubspotPropTime(t + 600000),
      hubspot_owner_id: owner.hubspotOwnerId,
      hs_created_by_user_id: owner.hubspotUserId,
    });
    const top = (id: string, t: number) => ({
      id,
      createdAt: isoMs(t),
      updatedAt: isoMs(t + 600000),
      archived: false,
      ...assoc(),
    });
    if (r.chance(0.25)) {
      const id = r.digits(11);
      meetings.push(
        withProperties(top(id, plan.started), {
          ...common(plan.started),
          hs_meeting_title: `${a.name} - ${plan.kind}`,
          hs_meeting_body: `Meeting with ${a.name} about ${plan.kind === 'demo' ? 'a platform demo' : 'next steps'}.`,
          hs_meeting_start_time: hubspotPropTime(plan.started),
          hs_meeting_end_time: hubspotPropTime(plan.started + 45 * 60000),
          hs_meeting_outcome: 'COMPLETED',
          hs_object_id: Number(id),
        }),
      );
    }
    if (r.chance(0.3)) {
      const t = plan.started + r.int(1, 30) * 3600000;
      const id = r.digits(11);
      emails.push(
        withProperties(top(id, t), {
          ...common(t),
          hs_email_subject: r.pick([
            'Recap and next steps',
            'Pay Ready proposal',
            'Following up',
            'Integration questions',
          ]),
          hs_email_text: `Hi, thanks for the time today. As discussed, next steps for ${a.name} are attached.`,
          hs_email_direction: r.chance(0.7) ? 'EMAIL' : 'INCOMING_EMAIL',
          hs_email_status: 'SENT',
          hs_object_id: Number(id),
        }),
      );
    }
    if (r.chance(0.12)) {
      const id = r.digits(11);
      calls.push(
        withProperties(top(id, plan.started - DAY), {
          ...common(plan.started - DAY),
          hs_call_title: `Call with ${a.name}`,
          hs_call_body: '<p>Quick call to confirm the agenda.</p>',
          hs_call_duration: r.int(60, 600) * 1000,
          hs_call_direction: 'OUTBOUND',
          hs_call_status: 'COMPLETED',
          hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
          hs_object_id: Number(id),
        }),
      );
    }
    if (r.chance(0.1) || (plan.negative && r.chance(0.5))) {
      const t = plan.started + 2 * 3600000;
      const id = r.digits(11);
      const body = plan.negative
        ? `${a.name} unhappy: sync problems with ${a.pms}, renewal at risk.`
        : `Good call with ${a.name}, they are evaluating ${COMPETITORS[plan.index % COMPETITORS.length]} as well.`;
      notes.push(
        withProperties(top(id, t), {
          ...common(t),
          hs_note_body: `<div style="" dir="auto" data-top-level="true"><p style="margin:0;">${body}</p></div>`,
          hs_body_preview: body,
          hs_object_id: Number(id),
        }),
      );
    }
    if (r.chance(0.05)) {
      // Legacy v1 engagement: integer ids, epoch-ms times, associations as integer arrays.
      const t = plan.started + 3 * 3600000;
      legacy.push({
        id: Number(r.digits(11)),
        portalId: world.hubspotPortalId,
        active: true,
        createdAt: t,
        lastUpdated: t + 3600000,
        createdBy: owner.hubspotUserId,
        modifiedBy: owner.hubspotUserId,
        ownerId: Number(owner.hubspotOwnerId),
        type: 'TASK',
        timestamp: t + 2 * DAY,
        allAccessibleTeamIds: [],
        bodyPreview: `Follow up with ${a.name}`,
        queueMembershipIds: [],
        bodyPreviewIsTruncated: false,
        bodyPreviewHtml: `<html>\n <head></head>\n <body>\n Follow up with ${a.name}\n </body>\n</html>`,
        gdprDeleted: false,
        associations: {
          contactIds: contactIds.map(Number),
          companyIds: [Number(a.hubspotCompanyId)],
          dealIds: deal ? [Number(deal)] : [],
          ownerIds: [],
          workflowIds: [],
          ticketIds: [],
          contentIds: [],
          quoteIds: [],
          marketingEventIds: [],
        },
        attachments: [],
        scheduledTasks: [],
        metadata: {
          body: `Follow up with ${a.name}`,
          status: 'NOT_STARTED',
          forObjectType: 'OWNER',
          subject: `Follow up: ${a.name}`,
          taskType: 'TODO',
          reminders: [t + 2 * DAY],
          priority: 'NONE',
          isAllDay: false,
        },
      });
    }
  }
  yield* streamLines(
    'engagements',
    legacy.sort((x, y) => Number(x.lastUpdated) - Number(y.lastUpdated)),
    (r) => r,
    {
      stateEvery,
      cursor: (r) => Number(r.lastUpdated),
      cursorField: 'lastUpdated',
      emittedAt: at,
    },
  );
  yield* streamLines('engagements_calls', sorted(calls), (r) => r, opts);
  yield* streamLines('engagements_emails', sorted(emails), (r) => r, opts);
  yield* streamLines('engagements_meetings', sorted(meetings), (r) => r, opts);
  yield* streamLines('engagements_notes', sorted(notes), (r) => r, opts);
}

// ---------------------------------------------------------------- Slack

export interface SlackUser {
  id: string;
  name: string;
  realName: string;
  first: string;
  last: string;
  email: string | null;
  title: string;
  teamId: string;
  tz: string;
  deleted: boolean;
  isBot: boolean;
  external: boolean;
  /** Identity: the rep or contact behind the user. */
  repKey: string | null;
  contactKey: string | null;
}

export interface SlackChannel {
  id: string;
  name: string;
  created: number;
  creator: string;
  purpose: string;
  members: string[];
  shared: boolean;
  accountKey: string | null;
  isGeneral: boolean;
}

export interface SlackMessage {
  channelId: string;
  ts: string;
  user: string;
  text: string;
  subtype: string | null;
  threadTs: string | null;
  replies: SlackMessage[];
  /** For ground truth: the account an escalation is about. */
  escalationAccountKey: string | null;
}

export interface SlackWorkspace {
  users: SlackUser[];
  channels: SlackChannel[];
  messages: SlackMessage[];
}

const TZ_LABEL: Record<string, [string, number]> = {
  'America/New_York': ['Eastern Standard Time', -18000],
  'America/Chicago': ['Central Standard Time', -21600],
  'America/Denver': ['Mountain Standard Time', -25200],
  'America/Los_Angeles': ['Pacific Standard Time', -28800],
  'America/Phoenix': ['Mountain Standard Time', -25200],
};

export function slackWorkspace(world: World): SlackWorkspace {
  const rng = new Rng(`${world.seed}/slack`);
  const users: SlackUser[] = [
    {
      id: 'USLACKBOT',
      name: 'slackbot',
      realName: 'Slackbot',
      first: 'slackbot',
      last: '',
      email: null,
      title: '',
      teamId: world.slackTeamId,
      tz: 'America/Los_Angeles',
      deleted: false,
      isBot: false,
      external: false,
      repKey: null,
      contactKey: null,
    },
  ];
  for (const r of world.reps) {
    users.push({
      id: r.slackUserId,
      name: `${r.first}.${r.last}`.toLowerCase(),
      realName: r.name,
      first: r.first,
      last: r.last,
      email: r.slackHasEmail ? r.email : null,
      title: r.role,
      teamId: world.slackTeamId,
      tz: r.timezone,
      deleted: false,
      isBot: false,
      external: false,
      repKey: r.key,
      contactKey: null,
    });
  }
  users.push({
    id: `U0${rng.upperAlnum(9)}`,
    name: 'deactivateduser' + rng.digits(6),
    realName: 'Deactivated User',
    first: 'Deactivated',
    last: 'User',
    email: null,
    title: '',
    teamId: world.slackTeamId,
    tz: 'America/Chicago',
    deleted: true,
    isBot: false,
    external: false,
    repKey: null,
    contactKey: null,
  });
  const repUser = new Map(world.reps.map((r) => [r.key, r.slackUserId]));
  const byRole = (...roles: string[]) =>
    world.reps.filter((r) => roles.includes(r.role)).map((r) => r.slackUserId);
  const everyone = world.reps.map((r) => r.slackUserId);
  const base = Date.UTC(2024, 2, 4, 15);
  const channel = (
    name: string,
    purpose: string,
    members: string[],
    extra: Partial<SlackChannel> = {},
  ): SlackChannel => ({
    id: `C0${rng.upperAlnum(9)}`,
    name,
    created: base + rng.int(0, 200) * DAY,
    creator: members[0] ?? everyone[0]!,
    purpose,
    members,
    shared: false,
    accountKey: null,
    isGeneral: false,
    ...extra,
  });
  const general = channel('general', 'This is the one channel that will always include everyone.', everyone, {
    isGeneral: true,
  });
  const sales = channel(
    'sales',
    'Deal updates, wins and questions',
    byRole(
      'Account Executive',
      'Sales Manager',
      'Sales Development Rep',
      'Solutions Engineer',
      'Account Manager',
    ),
  );
  const dealDesk = channel(
    'deal-desk',
    'Pricing approvals and contract terms',
    byRole('Account Executive', 'Sales Manager', 'Account Manager'),
  );
  const escalations = channel(
    'cs-escalations',
    'Customer escalations: tag the account and the owner',
    byRole('Account Manager', 'Sales Manager', 'Solutions Engineer', 'Account Executive'),
  );
  const collections = channel(
    'collections',
    'Collections team coordination',
    byRole('Collections Specialist', 'Sales Manager'),
  );
  const random = channel(
    'random',
    'Non-work banter',
    everyone.filter((_, i) => i % 3 !== 2),
  );
  const channels = [general, sales, dealDesk, escalations, collections, random];
  // Slack Connect channels with some customers: their people are in the workspace as external users.
  for (const a of world.accounts.filter((x) => x.sharedSlack)) {
    const extTeam = `T0${rng.upperAlnum(9)}`;
    const ext: string[] = [];
    for (const c of a.contacts.slice(0, 2)) {
      const u: SlackUser = {
        id: `U0${rng.upperAlnum(9)}`,
        name: `${c.first}.${c.last}`.toLowerCase(),
        realName: c.name,
        first: c.first,
        last: c.last,
        email: rng.chance(0.7) ? c.email : null,
        title: c.title,
        teamId: extTeam,
        tz: a.timezone,
        deleted: false,
        isBot: false,
        external: true,
        repKey: null,
        contactKey: c.key,
      };
      users.push(u);
      ext.push(u.id);
    }
    const slug = a.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 40)
      .replace(/-+$/, '');
    channels.push(
      channel(
        `ext-${slug}`,
        `Shared channel between Pay Ready and ${a.name}`,
        [repUser.get(a.amKey)!, repUser.get(a.aeKey)!, ...ext].filter((v, i, arr) => arr.indexOf(v) === i),
        {
          shared: true,
          accountKey: a.key,
          created: Math.max(base, (a.wonAt ?? world.start) + 5 * DAY),
        },
      ),
    );
  }

  const messages: SlackMessage[] = [];
  let micro = 0;
  const ts = (ms: number) => slackTs(ms, (micro = (micro + 7919) % 1000));
  // Join messages dominate real channel history.
  for (const c of channels) {
    c.members.forEach((m, i) => {
      messages.push({
        channelId: c.id,
        ts: ts(c.created + i * 61_000 + 1000),
        user: m,
        text: `<@${m}> has joined the channel`,
        subtype: 'channel_join',
        threadTs: null,
        replies: [],
        escalationAccountKey: null,
      });
    });
  }
  const say = (
    c: SlackChannel,
    at: number,
    user: string,
    text: string,
    escalationAccountKey: string | null = null,
    replyCount = 0,
  ): SlackMessage => {
    at += rng.int(0, 3_599_999); // people post at any second
    const m: SlackMessage = {
      channelId: c.id,
      ts: ts(at),
      user,
      text,
      subtype: null,
      threadTs: null,
      replies: [],
      escalationAccountKey,
    };
    for (let i = 0; i < replyCount; i++) {
      m.replies.push({
        channelId: c.id,
        ts: ts(at + (i + 1) * rng.int(60, 3600) * 1000),
        user: rng.pick(c.members),
        text: rng.pick(SLACK_REPLIES),
        subtype: null,
        threadTs: m.ts,
        replies: [],
        escalationAccountKey: null,
      });
    }
    if (m.replies.length) for (const r of m.replies) r.threadTs = m.ts;
    messages.push(m);
    return m;
  };
  const fill = (t: string, a: Account | null, extra: Record<string, string> = {}) =>
    t.replace(
      /\{(\w+)\}/g,
      (_m, k: string) =>
        ({
          company: a?.name ?? '',
          pms: a?.pms ?? '',
          units: a ? a.units.toLocaleString('en-US') : '',
          competitor: a?.competitor ?? 'ClickPay',
          ...extra,
        })[k] ?? k,
    );
  // Deal chatter on a share of sales calls.
  for (const plan of world.calls) {
    if (!plan.accountKey || !['demo', 'negotiation', 'discovery'].includes(plan.kind)) continue;
    const r = new Rng(`${world.seed}/slack-deal/${plan.index}`);
    if (!r.chance(0.18)) continue;
    const a = world.accountsByKey.get(plan.accountKey)!;
    const c = r.chance(0.75) ? sales : dealDesk;
    const rep = repUser.get(plan.repKey)!;
    say(
      c,
      plan.started + r.int(1, 6) * 3600000,
      c.members.includes(rep) ? rep : c.members[0]!,
      fill(r.pick(SLACK_DEAL_UPDATES), a),
      null,
      r.chance(0.35) ? r.int(1, 3) : 0,
    );
  }
  // Escalations for accounts heading to churn, in their last months.
  for (const a of world.accounts.filter((x) => x.status === 'churned')) {
    const n = rng.int(2, 5);
    for (let i = 0; i < n; i++) {
      const at = a.churnedAt! - rng.int(10, 110) * DAY + rng.int(9, 17) * 3600000;
      say(escalations, at, repUser.get(a.amKey)!, fill(rng.pick(SLACK_ESCALATIONS), a), a.key, rng.int(1, 3));
    }
    const shared = channels.find((c) => c.accountKey === a.key);
    if (shared) {
      const ext = shared.members.filter((m) => users.find((u) => u.id === m)?.external);
      if (ext.length)
        say(
          shared,
          a.churnedAt! - rng.int(15, 60) * DAY,
          ext[0]!,
          `We are still seeing payments missing in ${a.pms}. This needs to be fixed before our renewal conversation.`,
          a.key,
          1,
        );
    }
  }
  // General chatter.
  const chatter = Math.max(5, Math.round(world.callCount / 25));
  for (let i = 0; i < chatter; i++) {
    const c = rng.pick([general, random, collections]);
    say(
      c,
      world.start + rng.int(0, 530) * DAY + rng.int(13, 23) * 3600000,
      rng.pick(c.members),
      fill(rng.pick(SLACK_GENERAL), null, { name: rng.pick(world.reps).first }),
      null,
      rng.chance(0.2) ? 1 : 0,
    );
  }
  messages.sort((x, y) =>
    x.channelId === y.channelId ? Number(x.ts) - Number(y.ts) : x.channelId < y.channelId ? -1 : 1,
  );
  return { users, channels, messages };
}

function slackMessageData(m: SlackMessage, team: string): Record<string, unknown> {
  if (m.subtype === 'channel_join')
    return {
      type: 'message',
      subtype: 'channel_join',
      ts: m.ts,
      user: m.user,
      text: m.text,
      channel_id: m.channelId,
      float_ts: Number(m.ts),
    };
  const blockId = m.ts.slice(-5).replace(/\./g, 'x');
  const data: Record<string, unknown> = {
    client_msg_id: new Rng(`${m.channelId}/${m.ts}`).uuid(),
    type: 'message',
    text: m.text,
    user: m.user,
    ts: m.ts,
    blocks: [
      {
        type: 'rich_text',
        block_id: blockId,
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: m.text }] }],
      },
    ],
    team,
  };
  if (m.threadTs) {
    data.thread_ts = m.threadTs;
    if (m.threadTs !== m.ts) data.parent_user_id = m.user;
  }
  if (m.replies.length) {
    data.thread_ts = m.ts;
    data.reply_count = m.replies.length;
    data.reply_users_count = new Set(m.replies.map((r) => r.user)).size;
    data.latest_reply = m.replies[m.replies.length - 1]!.ts;
    data.reply_users = [...new Set(m.replies.map((r) => r.user))];
    data.is_locked = false;
    data.subscribed = false;
  }
  data.channel_id = m.channelId;
  data.float_ts = Number(m.ts);
  return data;
}

export function* slackLines(world: World, stateEvery: number): Generator<string> {
  const at = clock(SYNC_AT + 3 * 3600000);
  const ws = slackWorkspace(world);
  yield* streamLines(
    'users',
    ws.users,
    (u) => {
      const [tzLabel, tzOffset] = TZ_LABEL[u.tz] ?? ['Central Standard Time', -21600];
      const profile: Record<string, unknown> = {
        title: u.title,
        phone: '',
        skype: '',
        real_name: u.realName,
        real_name_normalized: u.realName,
        display_name: u.realName,
        display_name_normalized: u.realName,
        fields: null,
        status_text: '',
        status_emoji: '',
        status_emoji_display_info: [],
        status_expiration: 0,
        avatar_hash: `g${u.id.slice(-11).toLowerCase()}`,
        first_name: u.first,
        last_name: u.last,
        image_24: `https://secure.gravatar.com/avatar/${u.id.toLowerCase()}.jpg?s=24`,
        image_72: `https://secure.gravatar.com/avatar/${u.id.toLowerCase()}.jpg?s=72`,
        status_text_canonical: '',
        team: u.teamId,
      };
      if (u.email) profile.email = u.email;
      const data: Record<string, unknown> = {
        id: u.id,
        team_id: u.teamId,
        name: u.name,
        deleted: u.deleted,
        color: u.id
          .slice(-6)
          .toLowerCase()
          .replace(/[^0-9a-f]/g, 'a'),
        real_name: u.realName,
        tz: u.tz,
        tz_label: tzLabel,
        tz_offset: tzOffset,
        profile,
        is_admin: u.id === world.reps[0]!.slackUserId,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: u.external,
        is_ultra_restricted: false,
        is_bot: u.isBot,
        is_app_user: false,
        updated: Math.floor(world.start / 1000),
        is_email_confirmed: !!u.email,
        who_can_share_contact_card: 'EVERYONE',
      };
      if (u.deleted) {
        data.is_forgotten = true;
        data.is_invited_user = true;
        delete data.tz;
        delete data.tz_label;
        delete data.tz_offset;
      }
      return data;
    },
    { stateEvery, emittedAt: at },
  );
  yield* streamLines(
    'channels',
    ws.channels,
    (c) => ({
      id: c.id,
      name: c.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: false,
      created: Math.floor(c.created / 1000),
      is_archived: false,
      is_general: c.isGeneral,
      unlinked: 0,
      name_normalized: c.name,
      is_shared: c.shared,
      is_org_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: world.slackTeamId,
      updated: c.created + 3_600_123,
      parent_conversation: null,
      creator: c.creator,
      is_ext_shared: c.shared,
      shared_team_ids: c.shared
        ? [
            world.slackTeamId,
            ws.users.find((u) => c.members.includes(u.id) && u.external)?.teamId ?? world.slackTeamId,
          ]
        : [world.slackTeamId],
      pending_connected_team_ids: [],
      is_member: true,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: c.purpose, creator: c.creator, last_set: Math.floor(c.created / 1000) },
      previous_names: [],
      num_members: c.members.length,
    }),
    { stateEvery, emittedAt: at },
  );
  yield* streamLines(
    'channel_members',
    ws.channels.flatMap((c) => c.members.map((m) => ({ member_id: m, channel_id: c.id }))),
    (r) => r,
    { stateEvery, emittedAt: at },
  );
  yield* streamLines('channel_messages', ws.messages, (m) => slackMessageData(m, world.slackTeamId), {
    stateEvery,
    cursor: (m) => m.ts,
    cursorField: 'float_ts',
    partition: (m) => ({ channel_id: m.channelId }),
    emittedAt: at,
  });
  // conversations.replies returns the parent first: the same message appears in both streams.
  const threadMessages = ws.messages.filter((m) => m.replies.length).flatMap((m) => [m, ...m.replies]);
  yield* streamLines('threads', threadMessages, (m) => slackMessageData(m, world.slackTeamId), {
    stateEvery,
    cursor: (m) => m.ts,
    cursorField: 'float_ts',
    partition: (m) => ({ channel: m.channelId, ts: m.threadTs ?? m.ts }),
    emittedAt: at,
  });
}

export function sourceLines(world: World, source: DemoSource, stateEvery: number): Generator<string> {
  switch (source) {
    case 'gong':
      return gongLines(world, stateEvery);
    case 'salesforce':
      return salesforceLines(world, stateEvery);
    case 'hubspot':
      return hubspotLines(world, stateEvery);
    case 'slack':
      return slackLines(world, stateEvery);
  }
}

export type { Contact };
