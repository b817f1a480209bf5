import {
  COMPANY_QUALIFIERS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  CONTACT_TITLES,
  FAIR_HOUSING_PLANTS,
  FIRST_NAMES,
  HANDLING,
  LAST_NAMES,
  PMS_PLATFORMS,
  PRODUCTS,
  REGIONS,
  type Handling,
  type Pms,
} from './pools.js';
import { Rng } from './random.js';
import { atLocalTime, DAY } from './time.js';

/**
 * The demo world's cast and calendar: Pay Ready (payments + AI for property managers), its reps, the
 * property-management companies it sells to, their contacts, opportunities, and a plan for every Gong call.
 * Pure and seeded: `buildWorld({ calls, seed })` gives the same world for the same inputs. Transcripts are not
 * stored here; `buildCall` (call.ts) derives each call's content from its plan on demand, so a 13,069-call world
 * needs memory only for the plans.
 */

export interface WorldOptions {
  calls: number;
  seed: string | number;
}

export interface RepStyle {
  name: string;
  /** Share of a call's sentences the rep speaks (drives talk ratio). */
  talkShare: number;
  /** Chance that a rep turn includes a question. */
  questionRate: number;
  /** Sentences in a rep monologue (pitch), min..max. */
  monologue: readonly [number, number];
  /** How the rep answers objections. */
  handling: readonly (readonly [Handling, number])[];
  /** Chance a rep sentence starts with a filler word. */
  fillerRate: number;
}

export const STYLES: Record<string, RepStyle> = {
  closer: {
    name: 'closer: talks a lot, few questions, long monologues, discounts to close, brushes off concerns',
    talkShare: 0.7,
    questionRate: 0.12,
    monologue: [5, 9],
    handling: [
      ['discount', 5],
      ['deflect', 4],
      ['value_reframe', 1],
      ['evidence', 1],
    ],
    fillerRate: 0.15,
  },
  consultative: {
    name: 'consultative: listens, asks many questions, probes objections, answers with evidence',
    talkShare: 0.43,
    questionRate: 0.55,
    monologue: [2, 4],
    handling: [
      ['probe', 4],
      ['evidence', 4],
      ['value_reframe', 3],
      ['defer', 1],
    ],
    fillerRate: 0.05,
  },
  technical: {
    name: 'technical: detailed answers, moderate talk, defers what it cannot answer',
    talkShare: 0.55,
    questionRate: 0.3,
    monologue: [3, 6],
    handling: [
      ['evidence', 5],
      ['defer', 3],
      ['value_reframe', 1],
      ['probe', 1],
    ],
    fillerRate: 0.08,
  },
  relationship: {
    name: 'relationship: account manager, empathetic, probes, reframes around value',
    talkShare: 0.5,
    questionRate: 0.4,
    monologue: [2, 4],
    handling: [
      ['probe', 3],
      ['value_reframe', 3],
      ['evidence', 2],
      ['defer', 2],
    ],
    fillerRate: 0.06,
  },
  rookie: {
    name: 'rookie: hesitant, many fillers, defers most objections',
    talkShare: 0.58,
    questionRate: 0.25,
    monologue: [3, 5],
    handling: [
      ['defer', 5],
      ['deflect', 2],
      ['discount', 2],
      ['evidence', 1],
    ],
    fillerRate: 0.35,
  },
};

export type RepRole =
  | 'Account Executive'
  | 'Account Manager'
  | 'Sales Development Rep'
  | 'Solutions Engineer'
  | 'Collections Specialist'
  | 'Sales Manager';

export interface Person {
  first: string;
  last: string;
  name: string;
  email: string;
}

export interface Rep extends Person {
  key: string;
  role: RepRole;
  style: string;
  gongUserId: string;
  sfUserId: string;
  hubspotOwnerId: string;
  hubspotUserId: number;
  slackUserId: string;
  /** Some Slack workspaces hide emails (missing `users:read.email` scope); a few reps have none. */
  slackHasEmail: boolean;
  phone: string;
  managerKey: string | null;
  createdAt: number;
  timezone: string;
}

export interface Contact extends Person {
  key: string;
  title: string;
  phone: string;
  sfContactId: string;
  /** Present when the contact is also in HubSpot (same email: a true identity cluster). */
  hubspotContactId: string | null;
  /** How Gong spells the email (sometimes mixed case: normalisation must lowercase it). */
  gongEmail: string;
  accountKey: string;
  createdAt: number;
}

export interface Opportunity {
  sfId: string;
  hubspotDealId: string | null;
  accountKey: string;
  name: string;
  type: 'New Business' | 'Renewal' | 'Expansion';
  product: string;
  stage: string;
  amount: number;
  probability: number;
  isClosed: boolean;
  isWon: boolean;
  createdAt: number;
  closeDate: number;
  ownerKey: string;
  leadSource: string;
}

export interface Account {
  key: string;
  name: string;
  domain: string;
  sfId: string;
  hubspotCompanyId: string | null;
  region: string;
  city: string;
  state: string;
  areaCode: string;
  zip: string;
  timezone: string;
  pms: Pms;
  units: number;
  properties: number;
  propertyNames: string[];
  status: 'customer' | 'prospect' | 'churned';
  firstContactAt: number;
  wonAt: number | null;
  churnedAt: number | null;
  aeKey: string;
  amKey: string;
  contacts: Contact[];
  opportunities: Opportunity[];
  createdAt: number;
  /** Has a Slack Connect channel with Pay Ready. */
  sharedSlack: boolean;
  competitor: string;
}

export interface Lead extends Person {
  sfLeadId: string;
  company: string;
  title: string;
  phone: string;
  status: string;
  createdAt: number;
  ownerKey: string;
  hubspotContactId: string | null;
  city: string;
  state: string;
}

export type CallKind =
  'discovery' | 'demo' | 'negotiation' | 'checkin' | 'renewal' | 'escalation' | 'collection' | 'internal';

export interface Debtor {
  key: string;
  name: string;
  phone: string;
  accountKey: string;
  property: string;
  amountCents: number;
  timezone: string;
}

export interface CallPlan {
  index: number;
  id: string;
  kind: CallKind;
  started: number;
  accountKey: string | null;
  opportunityId: string | null;
  repKey: string;
  /** Other internal people on the call (SE, manager, AM). */
  colleagueKeys: string[];
  contactKeys: string[];
  debtorKey: string | null;
  /** Churn-bound account near the end: negative tone. */
  negative: boolean;
  /** Index into FAIR_HOUSING_PLANTS when this call carries a planted Fair Housing risk. */
  fairHousing: number | null;
  /** Planted: collection call outside 08:00-21:00 local. */
  forbiddenHour: boolean;
}

export interface World {
  seed: string;
  callCount: number;
  start: number;
  end: number;
  workspaceId: string;
  slackTeamId: string;
  hubspotPortalId: number;
  reps: Rep[];
  accounts: Account[];
  leads: Lead[];
  debtors: Debtor[];
  calls: CallPlan[];
  repsByKey: Map<string, Rep>;
  accountsByKey: Map<string, Account>;
  contactsByKey: Map<string, Contact>;
  debtorsByKey: Map<string, Debtor>;
}

/** The world's calendar: eighteen months ending 2026-06-30 (fixed, so output never depends on the clock). */
export const WORLD_START = Date.UTC(2025, 0, 6);
export const WORLD_END = Date.UTC(2026, 5, 30);

function person(rng: Rng, domain: string, used: Set<string>): Person {
  for (let attempt = 0; ; attempt++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = rng.weighted<string>([
      [`${first}.${last}`, 6],
      [`${first[0]}${last}`, 3],
      [`${first}`, attempt > 2 ? 0 : 1],
      [`${first}${last[0]}`, 1],
    ]);
    const email = `${local.toLowerCase().replace(/[^a-z.]/g, '')}${attempt > 4 ? attempt : ''}@${domain}`;
    if (used.has(email)) continue;
    used.add(email);
    return { first, last, name: `${first} ${last}`, email };
  }
}

/** `dana.ruiz@x.com` -> `Dana.Ruiz@x.com`: how some systems keep the address people typed. */
function mixedCase(email: string): string {
  const [local, domain] = email.split('@') as [string, string];
  return `${local.replace(/(^|\.)([a-z])/g, (_m, dot: string, ch: string) => dot + ch.toUpperCase())}@${domain}`;
}

function phone(rng: Rng, areaCode: string): string {
  const n = `${rng.int(2, 9)}${rng.int(0, 9)}${rng.int(0, 9)}`;
  const m = `${rng.int(0, 9)}${rng.int(0, 9)}${rng.int(0, 9)}${rng.int(0, 9)}`;
  // Sources format phones however people typed them.
  return rng.pick([
    `(${areaCode}) ${n}-${m}`,
    `${areaCode}-${n}-${m}`,
    `+1 ${areaCode} ${n} ${m}`,
    `${areaCode}.${n}.${m}`,
  ]);
}

function uniqueDigits(rng: Rng, n: number, used: Set<string>): string {
  for (;;) {
    const id = rng.digits(n);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** A Gong call id: 19 digits, or 20 digits starting with 1 (ids are up to 20 digits; never a JS number). */
function gongCallId(rng: Rng, used: Set<string>): string {
  for (;;) {
    const id = rng.chance(0.35) ? `1${rng.digits(19)}` : rng.digits(19);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

export function buildWorld(options: WorldOptions): World {
  const callCount = Math.max(1, Math.floor(options.calls));
  const seed = String(options.seed);
  const root = new Rng(`paready-demo/${seed}`);
  const usedEmails = new Set<string>();
  const usedIds = new Set<string>();
  const rng = root.fork('cast');

  // ---- Pay Ready's team ----
  const accountCount = Math.min(1500, Math.max(12, Math.round(callCount / 14)));
  const aeCount = Math.max(4, Math.round(accountCount / 35));
  const amCount = Math.max(2, Math.round(accountCount / 60));
  const reps: Rep[] = [];
  const tzPool = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  const addRep = (role: RepRole, style: string, fixed?: [string, string]): Rep => {
    const p = fixed
      ? {
          first: fixed[0],
          last: fixed[1],
          name: `${fixed[0]} ${fixed[1]}`,
          email: `${fixed[0]}.${fixed[1]}@payready.com`.toLowerCase(),
        }
      : person(rng, 'payready.com', usedEmails);
    usedEmails.add(p.email);
    const rep: Rep = {
      ...p,
      key: `rep-${reps.length + 1}`,
      role,
      style,
      gongUserId: uniqueDigits(rng, rng.pick([15, 18, 19]), usedIds),
      sfUserId: rng.salesforceId('005'),
      hubspotOwnerId: uniqueDigits(rng, 8, usedIds),
      hubspotUserId: Number(uniqueDigits(rng, 8, usedIds)),
      slackUserId: `U0${rng.upperAlnum(9)}`,
      slackHasEmail: true,
      phone: phone(rng, rng.pick(['512', '737', '404', '303'])),
      managerKey: null,
      createdAt: WORLD_START - rng.int(60, 900) * DAY,
      timezone: rng.pick(tzPool),
    };
    reps.push(rep);
    return rep;
  };
  const vpSales = addRep('Sales Manager', 'consultative');
  const csLead = addRep('Sales Manager', 'relationship');
  const kevin = addRep('Account Executive', 'closer', ['Kevin', 'Kane']);
  kevin.timezone = 'America/Chicago';
  const aeStyles = ['consultative', 'technical', 'closer', 'rookie', 'consultative', 'technical'];
  const aes = [kevin];
  for (let i = 1; i < aeCount; i++)
    aes.push(addRep('Account Executive', aeStyles[(i - 1) % aeStyles.length]!));
  const ams: Rep[] = [];
  for (let i = 0; i < amCount; i++)
    ams.push(addRep('Account Manager', i % 3 === 2 ? 'rookie' : 'relationship'));
  const ses = [addRep('Solutions Engineer', 'technical')];
  const sdrs = [addRep('Sales Development Rep', 'rookie'), addRep('Sales Development Rep', 'consultative')];
  const collectors: Rep[] = [];
  for (let i = 0; i < Math.max(2, Math.round(callCount / 3000)); i++)
    collectors.push(addRep('Collections Specialist', 'technical'));
  for (const r of [...aes, ...sdrs, ...ses]) r.managerKey = vpSales.key;
  for (const r of [...ams, ...collectors]) r.managerKey = csLead.key;
  // A rep without email in Slack (scope missing / guest): a true cluster that email cannot close.
  reps[reps.length - 1]!.slackHasEmail = false;

  // ---- Customers and prospects ----
  const accounts: Account[] = [];
  const usedNames = new Set<string>();
  const usedDomains = new Set<string>();
  const arng = root.fork('accounts');
  for (let i = 0; i < accountCount; i++) {
    let name = '';
    let domain = '';
    for (let attempt = 0; ; attempt++) {
      const word = arng.pick(COMPANY_WORDS);
      const qual = arng.pick(COMPANY_QUALIFIERS);
      const suffix = arng.pick(COMPANY_SUFFIXES);
      name = [word, qual, suffix].filter(Boolean).join(' ');
      const stem = [word, qual]
        .join('')
        .toLowerCase()
        .replace(/[^a-z]/g, '');
      const tail = arng.pick(['living', 'residential', 'pm', 'apts', 'homes', 'properties', 'mgmt', '']);
      domain = `${stem}${tail}${attempt > 6 ? attempt : ''}.com`;
      if (!usedNames.has(name) && !usedDomains.has(domain)) break;
    }
    usedNames.add(name);
    usedDomains.add(domain);
    const region = arng.pick(REGIONS);
    const [city, state, areaCode, zip] = arng.pick(region.cities);
    const units =
      Math.round(
        arng.weighted([
          [arng.int(300, 1500), 5],
          [arng.int(1500, 8000), 4],
          [arng.int(8000, 40000), 1],
        ]) / 10,
      ) * 10;
    const properties = Math.max(1, Math.round(units / arng.int(180, 320)));
    let firstContactAt = WORLD_START + arng.int(-200, 420) * DAY;
    const roll = arng.next();
    // Every world, however small, has customers, churners and prospects.
    const status: Account['status'] =
      i === 4 || i === 5
        ? 'churned'
        : i === 6
          ? 'prospect'
          : roll < 0.52
            ? 'customer'
            : roll < 0.64
              ? 'churned'
              : 'prospect';
    // Churners were customers for a while before the window's end: their history starts early.
    if (status === 'churned') firstContactAt = WORLD_START - arng.int(60, 240) * DAY;
    let wonAt: number | null = null;
    let churnedAt: number | null = null;
    if (status !== 'prospect') {
      wonAt = firstContactAt + arng.int(35, 120) * DAY;
      if (status === 'churned') {
        wonAt = Math.min(wonAt, WORLD_START + 60 * DAY);
        churnedAt = Math.max(wonAt + 200 * DAY, WORLD_START + arng.int(300, 520) * DAY);
        churnedAt = Math.min(churnedAt, WORLD_END - 10 * DAY);
      }
    }
    const propertyNames: string[] = [];
    for (let p = 0; p < Math.min(properties, 6); p++) {
      propertyNames.push(
        `${arng.pick(COMPANY_WORDS)} ${arng.pick(['Apartments', 'at ' + city, 'Flats', 'Commons', 'Lofts', 'Villas'])}`,
      );
    }
    const account: Account = {
      key: `acct-${i + 1}`,
      name,
      domain,
      sfId: arng.salesforceId('001'),
      hubspotCompanyId: arng.chance(0.75) ? uniqueDigits(arng, 10, usedIds) : null,
      region: region.name,
      city,
      state,
      areaCode,
      zip,
      timezone: region.timezone,
      pms:
        i < PMS_PLATFORMS.length
          ? PMS_PLATFORMS[i]!
          : arng.weighted(PMS_PLATFORMS.map((p, j) => [p, [4, 3, 3, 2][j]!] as const)),
      units,
      properties,
      propertyNames,
      status,
      firstContactAt,
      wonAt,
      churnedAt,
      aeKey: arng.pick(aes).key,
      amKey: arng.pick(ams).key,
      contacts: [],
      opportunities: [],
      createdAt: firstContactAt - arng.int(1, 20) * DAY,
      sharedSlack: status !== 'prospect' && arng.chance(0.25),
      competitor: arng.pick(['ClickPay', 'Zego', 'RentPayment', 'PayLease', 'EliseAI', 'Rentgrata']),
    };
    const contactCount = arng.int(2, units > 8000 ? 7 : 5);
    for (let c = 0; c < contactCount; c++) {
      const p = person(arng, domain, usedEmails);
      account.contacts.push({
        ...p,
        key: `${account.key}-c${c + 1}`,
        title: arng.weighted(CONTACT_TITLES),
        phone: phone(arng, areaCode),
        sfContactId: arng.salesforceId('003'),
        hubspotContactId:
          account.hubspotCompanyId && arng.chance(0.8) ? String(arng.int(1000, 99_999_999)) : null,
        gongEmail: arng.chance(0.15) ? mixedCase(p.email) : p.email,
        accountKey: account.key,
        createdAt: account.createdAt + arng.int(0, 30) * DAY,
      });
    }
    // Opportunities: the new-business deal, then renewals/expansions for customers.
    const pricePerUnit = arng.pick([1.5, 2, 2.5, 3, 3.5]);
    const product = arng.pick(PRODUCTS);
    const nb = opportunity(
      arng,
      account,
      'New Business',
      product,
      Math.round(units * pricePerUnit * 12),
      firstContactAt,
      usedIds,
    );
    if (status === 'prospect') {
      const lost = arng.chance(0.35) && firstContactAt < WORLD_END - 120 * DAY;
      nb.stage = lost
        ? 'Closed Lost'
        : arng.pick(['Qualification', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review']);
      nb.isClosed = lost;
      nb.probability = lost
        ? 0
        : (
            {
              Qualification: 10,
              'Needs Analysis': 20,
              'Proposal/Price Quote': 60,
              'Negotiation/Review': 80,
            } as Record<string, number>
          )[nb.stage]!;
      nb.closeDate = lost ? firstContactAt + arng.int(40, 110) * DAY : WORLD_END + arng.int(10, 90) * DAY;
    } else {
      nb.stage = 'Closed Won';
      nb.isClosed = true;
      nb.isWon = true;
      nb.probability = 100;
      nb.closeDate = wonAt!;
    }
    account.opportunities.push(nb);
    if (status === 'churned') {
      const renewal = opportunity(
        arng,
        account,
        'Renewal',
        product,
        Math.round(nb.amount * 0.95),
        churnedAt! - 120 * DAY,
        usedIds,
      );
      renewal.stage = 'Closed Lost';
      renewal.isClosed = true;
      renewal.probability = 0;
      renewal.closeDate = churnedAt!;
      renewal.ownerKey = account.amKey;
      account.opportunities.push(renewal);
    } else if (status === 'customer' && arng.chance(0.5)) {
      const type = arng.chance(0.5) ? 'Renewal' : 'Expansion';
      const exp = opportunity(
        arng,
        account,
        type,
        arng.pick(PRODUCTS),
        Math.round(nb.amount * (type === 'Renewal' ? 1.05 : 0.4)),
        Math.max(wonAt! + 60 * DAY, WORLD_END - 200 * DAY),
        usedIds,
      );
      const won = exp.createdAt < WORLD_END - 90 * DAY && arng.chance(0.7);
      exp.stage = won ? 'Closed Won' : 'Negotiation/Review';
      exp.isClosed = won;
      exp.isWon = won;
      exp.probability = won ? 100 : 75;
      exp.closeDate = won ? exp.createdAt + arng.int(30, 80) * DAY : WORLD_END + 30 * DAY;
      exp.ownerKey = account.amKey;
      account.opportunities.push(exp);
    }
    accounts.push(account);
  }

  // ---- Salesforce leads (marketing), some also HubSpot contacts ----
  const leads: Lead[] = [];
  const lrng = root.fork('leads');
  for (let i = 0; i < Math.max(6, Math.round(accountCount * 0.6)); i++) {
    const word = lrng.pick(COMPANY_WORDS);
    const company = `${word} ${lrng.pick(COMPANY_SUFFIXES)}`;
    const domain = `${word.toLowerCase().replace(/[^a-z]/g, '')}${lrng.pick(['group', 'rentals', 'res', 'apartments'])}.com`;
    const region = lrng.pick(REGIONS);
    const [city, state, areaCode] = lrng.pick(region.cities);
    const p = person(lrng, domain, usedEmails);
    leads.push({
      ...p,
      sfLeadId: lrng.salesforceId('00Q'),
      company,
      title: lrng.weighted(CONTACT_TITLES),
      phone: phone(lrng, areaCode),
      status: lrng.pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']),
      createdAt: WORLD_START + lrng.int(0, 500) * DAY,
      ownerKey: lrng.pick(sdrs).key,
      hubspotContactId: lrng.chance(0.6) ? String(lrng.int(1000, 99_999_999)) : null,
      city,
      state,
    });
  }

  // ---- Residents behind on rent (collection calls) ----
  const debtors: Debtor[] = [];
  const drng = root.fork('debtors');
  const customerAccounts = accounts.filter((a) => a.status !== 'prospect');
  // Small worlds still get the planted collection calls (8 in 7 days needs 8) when there is room for them.
  const collectionCalls =
    callCount >= 20 ? Math.max(10, Math.round(callCount * 0.08)) : Math.floor(callCount * 0.3);
  const debtorCount = Math.max(3, Math.round(collectionCalls / 3));
  for (let i = 0; i < debtorCount; i++) {
    const account = drng.pick(customerAccounts);
    debtors.push({
      key: `debtor-${i + 1}`,
      name: `${drng.pick(FIRST_NAMES)} ${drng.pick(LAST_NAMES)}`,
      phone: `+1${account.areaCode}${drng.int(200, 999)}${drng.digits(4)}`,
      accountKey: account.key,
      property: drng.pick(account.propertyNames),
      amountCents: drng.int(300, 4200) * 100 + drng.pick([0, 50, 75]),
      timezone: account.timezone,
    });
  }

  // ---- The call calendar ----
  const crng = root.fork('calls');
  const plans: Omit<CallPlan, 'index' | 'id'>[] = [];
  const internalCalls = callCount >= 20 ? Math.max(2, Math.round(callCount * 0.05)) : callCount >= 5 ? 1 : 0;
  const accountCalls = Math.max(0, callCount - collectionCalls - internalCalls);
  const weights = accounts.map(
    (a) => [a, Math.sqrt(a.units) * (a.status === 'prospect' ? 0.7 : 1.2)] as const,
  );
  const repsByKey = new Map(reps.map((r) => [r.key, r]));
  let guard = 0;
  while (plans.length < accountCalls && guard++ < accountCalls * 20) {
    const account = crng.weighted(weights);
    const lifeEnd = account.churnedAt ?? WORLD_END;
    const from = Math.max(account.firstContactAt, WORLD_START);
    if (lifeEnd - from < 7 * DAY) continue;
    let day = from + crng.next() * (lifeEnd - from);
    // Churn signal: the last 90 days before churn see far fewer calls.
    if (account.churnedAt && day > account.churnedAt - 90 * DAY && crng.chance(0.7)) continue;
    const won = account.wonAt !== null && day >= account.wonAt;
    const nearChurn = account.churnedAt !== null && day > account.churnedAt - 150 * DAY;
    let kind: CallKind;
    if (!won)
      kind = crng.weighted<CallKind>([
        ['discovery', 4],
        ['demo', 3],
        ['negotiation', 2],
      ]);
    else if (nearChurn)
      kind = crng.weighted<CallKind>([
        ['escalation', 3],
        ['checkin', 2],
        ['renewal', 1],
      ]);
    else
      kind = crng.weighted<CallKind>([
        ['checkin', 5],
        ['renewal', 1],
        ['escalation', 1],
      ]);
    const rep = won
      ? repsByKey.get(account.amKey)!
      : kind === 'discovery' && crng.chance(0.3)
        ? crng.pick(sdrs)
        : repsByKey.get(account.aeKey)!;
    const colleagues: string[] = [];
    if (kind === 'demo' && crng.chance(0.5)) colleagues.push(ses[0]!.key);
    if (kind === 'negotiation' && crng.chance(0.3)) colleagues.push(vpSales.key);
    if (kind === 'escalation' && crng.chance(0.4)) colleagues.push(csLead.key);
    const opps = account.opportunities.filter((o) => o.createdAt <= day + 30 * DAY);
    const opp = won
      ? (opps.find((o) => o.type !== 'New Business' && day >= o.createdAt) ?? null)
      : (opps[0] ?? null);
    const contacts = crng.sample(
      account.contacts,
      crng.weighted([
        [1, 6],
        [2, 3],
        [3, 1],
      ]),
    );
    // Business hours in the rep's zone.
    day =
      atLocalTime(day, rep.timezone, crng.int(8, 17), crng.pick([0, 0, 15, 30, 30, 45])) +
      crng.int(0, 240) * 1000;
    plans.push({
      kind,
      started: day,
      accountKey: account.key,
      opportunityId: opp?.sfId ?? null,
      repKey: rep.key,
      colleagueKeys: colleagues,
      contactKeys: contacts.map((c) => c.key),
      debtorKey: null,
      negative: nearChurn,
      fairHousing: null,
      forbiddenHour: false,
    });
  }
  // Collection calls: business hours in the resident's zone, except the planted ones.
  const forbidden = Math.max(3, Math.round(collectionCalls / 40));
  const repeatDebtor = debtors[0]!;
  for (let i = 0; i < collectionCalls; i++) {
    const planted7in7 = i < 8;
    const debtor = planted7in7 ? repeatDebtor : crng.pick(debtors);
    const isForbidden = !planted7in7 && i < 8 + forbidden;
    let at: number;
    if (planted7in7) {
      // Eight calls within seven days to one resident about one debt (12 CFR 1006.14(b)(2)(i)(A)).
      const base = WORLD_START + 300 * DAY;
      at = atLocalTime(base + Math.floor((i * 6.5 * DAY) / 8), debtor.timezone, 10 + (i % 6), 5 * i);
    } else {
      const day = WORLD_START + crng.int(20, 530) * DAY;
      at = isForbidden
        ? atLocalTime(day, debtor.timezone, crng.pick([6, 7, 21, 22]), crng.int(10, 50))
        : atLocalTime(day, debtor.timezone, crng.int(9, 19), crng.int(0, 59));
    }
    plans.push({
      kind: 'collection',
      started: at + crng.int(0, 59) * 1000,
      accountKey: debtor.accountKey,
      opportunityId: null,
      repKey: crng.pick(collectors).key,
      colleagueKeys: [],
      contactKeys: [],
      debtorKey: debtor.key,
      negative: false,
      fairHousing: null,
      forbiddenHour: isForbidden,
    });
  }
  for (let i = 0; i < internalCalls; i++) {
    const team = crng.sample(
      reps.filter((r) => r.role !== 'Collections Specialist'),
      crng.int(2, 4),
    );
    const day = WORLD_START + crng.int(0, 535) * DAY;
    plans.push({
      kind: 'internal',
      started: atLocalTime(day, team[0]!.timezone, crng.int(9, 16), crng.pick([0, 30])),
      accountKey: null,
      opportunityId: null,
      repKey: team[0]!.key,
      colleagueKeys: team.slice(1).map((r) => r.key),
      contactKeys: [],
      debtorKey: null,
      negative: false,
      fairHousing: null,
      forbiddenHour: false,
    });
  }
  // Planted Fair Housing risks on sales calls that talk about the AI leasing assistant.
  const salesPlans = plans.filter((p) => p.kind === 'demo' || p.kind === 'discovery');
  const fhCount = Math.min(salesPlans.length, Math.max(3, Math.round(callCount / 700)));
  for (const [j, p] of crng.sample(salesPlans, fhCount).entries())
    p.fairHousing = j % FAIR_HOUSING_PLANTS.length;

  // Cursor order: Gong returns calls by start time.
  plans.sort((a, b) => a.started - b.started);
  const idRng = root.fork('call-ids');
  const calls: CallPlan[] = plans.map((p, index) => ({ ...p, index, id: gongCallId(idRng, usedIds) }));

  return {
    seed,
    callCount: calls.length,
    start: WORLD_START,
    end: WORLD_END,
    workspaceId: root.fork('ws').digits(18),
    slackTeamId: `T0${root.fork('slack').upperAlnum(9)}`,
    hubspotPortalId: root.fork('hs').int(1_000_000, 9_999_999),
    reps,
    accounts,
    leads,
    debtors,
    calls,
    repsByKey,
    accountsByKey: new Map(accounts.map((a) => [a.key, a])),
    contactsByKey: new Map(accounts.flatMap((a) => a.contacts.map((c) => [c.key, c] as const))),
    debtorsByKey: new Map(debtors.map((d) => [d.key, d])),
  };
}

function opportunity(
  rng: Rng,
  account: Account,
  type: Opportunity['type'],
  product: string,
  amount: number,
  createdAt: number,
  usedIds: Set<string>,
): Opportunity {
  return {
    sfId: rng.salesforceId('006'),
    hubspotDealId: account.hubspotCompanyId && rng.chance(0.6) ? uniqueDigits(rng, 10, usedIds) : null,
    accountKey: account.key,
    name: `${account.name} - ${product}${type === 'New Business' ? '' : ` ${type}`}`,
    type,
    product,
    stage: 'Qualification',
    amount,
    probability: 10,
    isClosed: false,
    isWon: false,
    createdAt,
    closeDate: createdAt + 60 * DAY,
    ownerKey: account.aeKey,
    leadSource: rng.pick(['Web', 'Partner Referral', 'Trade Show', 'Outbound', 'Customer Referral']),
  };
}

export { HANDLING };
