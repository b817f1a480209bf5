import {
  ACKNOWLEDGEMENTS,
  AGENDA_REP,
  DEMO_REACTIONS,
  DEMO_STEPS,
  CLOSINGS,
  COLLECTION_AGENT,
  COLLECTION_RESIDENT,
  COMPETITOR_MENTIONS,
  COMPETITOR_RESPONSES,
  CUSTOMER_ACCEPTS,
  CUSTOMER_ANSWERS,
  CUSTOMER_PORTFOLIO,
  CUSTOMER_UNCONVINCED,
  DISCOVERY_QUESTIONS,
  FAIR_HOUSING_DECOYS,
  FAIR_HOUSING_PLANTS,
  FILLERS,
  GREETINGS_CUSTOMER,
  GREETINGS_REP,
  INTERNAL_LINES,
  NEGATIVE_TONE,
  NEXT_STEPS_CUSTOMER,
  NEXT_STEPS_REP,
  OBJECTIONS,
  PITCH_REP,
  POSITIVE_TONE,
  RENEWAL_REP,
  RESPONSE_OPENERS,
  RESPONSE_SUBSTANCE,
  SMALL_TALK,
  type Handling,
  type ObjectionType,
} from './pools.js';
import { Rng } from './random.js';
import { STYLES, type CallKind, type CallPlan, type World } from './world.js';

/**
 * One Gong call built from its plan: parties, a timed and diarised transcript (monologues of sentences with
 * start/end in ms from the start of the call, speaker joined through `parties[].speakerId`), Gong's content and
 * interaction summaries, and the ground truth of what was planted in it. Deterministic per (world seed, call index).
 */

export interface Party {
  id: string;
  speakerId: string | null;
  role: 'rep' | 'colleague' | 'contact' | 'debtor';
  name: string;
  title: string | null;
  email: string | null;
  phone: string | null;
  userId: string | null;
  affiliation: 'Internal' | 'External';
  /** Salesforce object the party is linked to in Gong's party context. */
  crm: { objectType: 'User' | 'Contact'; objectId: string; email: string } | null;
  methods: string[];
}

export interface Sentence {
  speaker: number;
  text: string;
  topic: string | null;
  start: number;
  end: number;
}

export interface ObjectionTruth {
  callId: string;
  type: ObjectionType;
  speakerId: string;
  speakerName: string;
  startMs: number;
  endMs: number;
  text: string;
  response: { speakerId: string; repName: string; handling: Handling; startMs: number; text: string } | null;
  outcome: 'accepted' | 'unresolved';
}

export interface CallTruth {
  objections: ObjectionTruth[];
  competitorMentions: {
    callId: string;
    competitor: string;
    speakerId: string;
    startMs: number;
    text: string;
  }[];
  fairHousing: {
    callId: string;
    speakerId: string;
    speakerRole: string;
    startMs: number;
    text: string;
    term: string;
    protectedClass: string;
  }[];
  fairHousingDecoys: { callId: string; startMs: number; text: string }[];
  negativeSentences: number;
  nextSteps: { callId: string; speakerId: string; startMs: number; text: string }[];
}

export interface BuiltCall {
  plan: CallPlan;
  parties: Party[];
  sentences: Sentence[];
  durationSeconds: number;
  truth: CallTruth;
}

const TOPIC = {
  setup: 'Call Setup',
  discovery: 'Discovery',
  pitch: 'Product Overview',
  objection: 'Objections',
  pricing: 'Pricing',
  integration: 'Integration',
  competition: 'Competition',
  next: 'Next Steps',
  wrap: 'Wrap-up',
  collections: 'Payment Arrangement',
  account: 'Account Review',
  pipeline: 'Pipeline Review',
} as const;

const OBJECTION_WEIGHTS: Record<CallKind, readonly (readonly [ObjectionType, number])[]> = {
  discovery: [
    ['timing', 3],
    ['pms_integration', 3],
    ['trust_in_ai', 2],
    ['pricing', 2],
    ['compliance', 1],
  ],
  demo: [
    ['pms_integration', 3],
    ['trust_in_ai', 3],
    ['compliance', 2],
    ['pricing', 2],
  ],
  negotiation: [
    ['pricing', 5],
    ['contract_terms', 4],
    ['timing', 1],
    ['compliance', 1],
  ],
  checkin: [
    ['pms_integration', 2],
    ['pricing', 1],
    ['trust_in_ai', 1],
  ],
  renewal: [
    ['pricing', 4],
    ['contract_terms', 3],
    ['timing', 1],
  ],
  escalation: [
    ['pms_integration', 4],
    ['trust_in_ai', 2],
    ['contract_terms', 1],
  ],
  collection: [],
  internal: [],
};

const OBJECTION_COUNT: Record<CallKind, readonly [number, number]> = {
  discovery: [0, 2],
  demo: [1, 2],
  negotiation: [1, 3],
  checkin: [0, 1],
  renewal: [1, 2],
  escalation: [1, 2],
  collection: [0, 0],
  internal: [0, 0],
};

const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'end of day tomorrow',
  'early next week',
];

export function buildCall(world: World, plan: CallPlan): BuiltCall {
  const rng = new Rng(`paready-demo/${world.seed}/call/${plan.index}`);
  const rep = world.repsByKey.get(plan.repKey)!;
  const style = STYLES[rep.style]!;
  const account = plan.accountKey ? world.accountsByKey.get(plan.accountKey)! : null;
  const debtor = plan.debtorKey ? world.debtorsByKey.get(plan.debtorKey)! : null;

  // ---- parties ----
  const parties: Party[] = [];
  const partyId = () => rng.digits(19);
  const addRep = (key: string, role: 'rep' | 'colleague') => {
    const r = world.repsByKey.get(key)!;
    parties.push({
      id: partyId(),
      speakerId: rng.digits(19),
      role,
      name: r.name,
      title: r.role,
      email: r.email,
      phone: null,
      userId: r.gongUserId,
      affiliation: 'Internal',
      crm: { objectType: 'User', objectId: r.sfUserId, email: r.email },
      methods: ['Invitee', 'Attendee'],
    });
  };
  addRep(plan.repKey, 'rep');
  for (const key of plan.colleagueKeys) addRep(key, 'colleague');
  for (const key of plan.contactKeys) {
    const c = world.contactsByKey.get(key)!;
    parties.push({
      id: partyId(),
      speakerId: rng.digits(19),
      role: 'contact',
      name: c.name,
      title: c.title,
      email: c.gongEmail,
      phone: null,
      userId: null,
      affiliation: 'External',
      crm: { objectType: 'Contact', objectId: c.sfContactId, email: c.email },
      methods: rng.chance(0.8) ? ['Invitee', 'Attendee'] : ['Attendee'],
    });
  }
  if (debtor) {
    parties.push({
      id: partyId(),
      speakerId: rng.digits(19),
      role: 'debtor',
      name: debtor.name,
      title: null,
      email: null,
      phone: debtor.phone,
      userId: null,
      affiliation: 'External',
      crm: null,
      methods: ['Attendee'],
    });
  }
  // Sometimes an invitee never shows up: a party without a speakerId.
  if (account && plan.kind !== 'collection' && rng.chance(0.15)) {
    const extra = account.contacts.find((c) => !plan.contactKeys.includes(c.key));
    if (extra) {
      parties.push({
        id: partyId(),
        speakerId: null,
        role: 'contact',
        name: extra.name,
        title: extra.title,
        email: extra.gongEmail,
        phone: null,
        userId: null,
        affiliation: 'External',
        crm: { objectType: 'Contact', objectId: extra.sfContactId, email: extra.email },
        methods: ['Invitee'],
      });
    }
  }

  const speakers = parties.map((p, i) => ({ p, i })).filter(({ p }) => p.speakerId !== null);
  const repIdx = 0;
  const customers = speakers.filter(({ p }) => p.role === 'contact' || p.role === 'debtor').map(({ i }) => i);
  const colleagues = speakers.filter(({ p }) => p.role === 'colleague').map(({ i }) => i);
  const customer = () => (customers.length ? rng.pick(customers) : rng.pick([repIdx, ...colleagues]));
  const firstContact = plan.contactKeys[0] ? world.contactsByKey.get(plan.contactKeys[0])! : null;

  const ctx: Record<string, string> = {
    company: account?.name ?? 'the team',
    units: account ? account.units.toLocaleString('en-US') : '0',
    properties: String(account?.properties ?? 0),
    pms: account?.pms ?? 'Yardi',
    region: account?.region ?? 'Southeast',
    city: account?.city ?? 'Austin',
    competitor: account?.competitor ?? 'ClickPay',
    contact: firstContact?.first ?? debtor?.name.split(' ')[0] ?? 'everyone',
    price: `$${rng.pick(['1.50', '2', '2.50', '3', '3.50'])}`,
    agent: rep.first,
    property: debtor?.property ?? '',
    amount: debtor ? `$${(debtor.amountCents / 100).toFixed(2)}` : '',
    day: rng.pick(WEEKDAYS),
  };
  const fill = (t: string) => t.replace(/\{(\w+)\}/g, (_m, k: string) => ctx[k] ?? k);
  // A line is not repeated within a call while its pool has unused lines.
  const used = new Set<string>();
  const pick = (pool: readonly string[]): string => {
    const fresh = pool.filter((t) => !used.has(t));
    const t = rng.pick(fresh.length ? fresh : pool);
    used.add(t);
    return t;
  };
  const fresh = (pool: readonly string[], n: number): string[] => {
    const out = rng.sample(
      pool.filter((t) => !used.has(t)),
      n,
    );
    out.forEach((t) => used.add(t));
    return out;
  };

  // ---- script ----
  const lines: { speaker: number; text: string; topic: string | null }[] = [];
  const say = (speaker: number, text: string, topic: string | null): number => {
    let t = fill(text);
    if (speaker === repIdx && rng.chance(style.fillerRate)) {
      const f = rng.pick(FILLERS);
      if (f) t = f + t[0]!.toLowerCase() + t.slice(1);
    }
    lines.push({ speaker, text: t, topic });
    return lines.length - 1;
  };
  const custSentences = () => 1 + rng.int(0, Math.round(4 * (1 - style.talkShare)));

  const pendingObjections: {
    type: ObjectionType;
    line: number;
    response: number | null;
    handling: Handling | null;
    accepted: boolean;
  }[] = [];
  const competitorLines: { line: number; competitor: string }[] = [];
  const fhLines: { line: number; plant: (typeof FAIR_HOUSING_PLANTS)[number] }[] = [];
  const decoyLines: number[] = [];
  const nextStepLines: number[] = [];
  let negativeSentences = 0;

  const objectionEpisode = (type: ObjectionType) => {
    const who = customer();
    const topic =
      type === 'pricing' ? TOPIC.pricing : type === 'pms_integration' ? TOPIC.integration : TOPIC.objection;
    const line = say(who, pick(OBJECTIONS[type]), topic);
    if (rng.chance(0.3)) say(who, pick(OBJECTIONS[type].filter((o) => fill(o) !== lines[line]!.text)), topic);
    const handling = rng.weighted(style.handling);
    const response = say(repIdx, pick(RESPONSE_OPENERS[handling]), topic);
    if (handling === 'probe') {
      say(who, pick(CUSTOMER_ANSWERS), topic);
      say(repIdx, pick(RESPONSE_SUBSTANCE[type]), topic);
    } else if (handling === 'evidence' || handling === 'value_reframe') {
      say(repIdx, pick(RESPONSE_SUBSTANCE[type]), topic);
      if (rng.chance(0.5)) say(repIdx, pick(RESPONSE_SUBSTANCE[type]), topic);
    } else if (handling === 'discount' && rng.chance(0.5)) {
      say(repIdx, 'I just need a signature by the end of the month to hold that number.', topic);
    }
    const pAccept: Record<Handling, number> = {
      evidence: 0.75,
      value_reframe: 0.65,
      probe: 0.7,
      discount: 0.6,
      defer: 0.35,
      deflect: 0.15,
    };
    const accepted = rng.chance(plan.negative ? pAccept[handling] * 0.4 : pAccept[handling]);
    say(who, pick(accepted ? CUSTOMER_ACCEPTS : CUSTOMER_UNCONVINCED), topic);
    pendingObjections.push({ type, line, response, handling, accepted });
  };

  if (plan.kind === 'collection' && debtor) {
    const resident = customers[0]!;
    say(repIdx, COLLECTION_AGENT[0]!, TOPIC.collections);
    say(
      resident,
      rng.pick(['Hello?', 'Yes, this is ' + debtor.name.split(' ')[0] + '.', 'Who is this?']),
      TOPIC.collections,
    );
    for (const t of rng.sample(COLLECTION_AGENT.slice(1), rng.int(3, 5))) {
      say(repIdx, t, TOPIC.collections);
      if (rng.chance(0.6)) say(resident, pick(COLLECTION_RESIDENT), TOPIC.collections);
    }
    say(resident, pick(COLLECTION_RESIDENT), TOPIC.collections);
    say(repIdx, 'Thank you, I have noted that on your account.', TOPIC.wrap);
  } else if (plan.kind === 'internal') {
    const team = [repIdx, ...colleagues];
    say(repIdx, 'Okay, looks like everyone is here, let us get started.', TOPIC.pipeline);
    const n = rng.int(10, 22);
    for (let i = 0; i < n; i++) {
      ctx.company = rng.pick(world.accounts).name;
      ctx.pms = rng.pick(world.accounts).pms;
      say(rng.pick(team), pick(INTERNAL_LINES), TOPIC.pipeline);
    }
    say(repIdx, pick(CLOSINGS), TOPIC.wrap);
  } else {
    // Opening.
    say(repIdx, pick(GREETINGS_REP), TOPIC.setup);
    say(customer(), pick(GREETINGS_CUSTOMER), TOPIC.setup);
    if (rng.chance(0.4)) {
      say(customer(), pick(SMALL_TALK), null);
      say(
        repIdx,
        rng.pick(['Ha, I know the feeling.', 'Oh nice, congrats on that.', 'No worries at all.']),
        null,
      );
    }
    say(
      repIdx,
      plan.kind === 'renewal' || plan.kind === 'checkin' ? rng.pick(RENEWAL_REP) : rng.pick(AGENDA_REP),
      TOPIC.setup,
    );
    // Discovery: the number of questions follows the rep's style.
    const questions =
      plan.kind === 'negotiation'
        ? rng.int(0, 2)
        : Math.max(
            1,
            Math.round(
              style.questionRate *
                (plan.kind === 'discovery' || plan.kind === 'demo' ? rng.int(12, 20) : rng.int(6, 12)),
            ),
          );
    for (const q of fresh(DISCOVERY_QUESTIONS, questions)) {
      say(repIdx, q, TOPIC.discovery);
      const who = customer();
      const n = custSentences();
      for (let i = 0; i < n; i++)
        say(who, pick(i === 0 ? CUSTOMER_ANSWERS : CUSTOMER_PORTFOLIO), TOPIC.discovery);
      if (rng.chance(style.talkShare)) say(repIdx, pick(ACKNOWLEDGEMENTS), TOPIC.discovery);
      if (rng.chance(style.talkShare - 0.2)) say(repIdx, pick(PITCH_REP), TOPIC.discovery);
    }
    if (plan.kind === 'discovery' || plan.kind === 'demo')
      say(customer(), pick(CUSTOMER_PORTFOLIO), TOPIC.discovery);
    // Tone of the relationship.
    if (plan.negative) {
      const n = rng.int(2, 4);
      for (let i = 0; i < n; i++) {
        say(customer(), pick(NEGATIVE_TONE), TOPIC.account);
        negativeSentences++;
      }
    } else if (plan.kind === 'checkin' || plan.kind === 'renewal') {
      say(customer(), pick(POSITIVE_TONE), TOPIC.account);
    }
    // Account review on customer calls: the rep walks through usage, the customer reacts.
    if (plan.kind === 'checkin' || plan.kind === 'renewal' || plan.kind === 'escalation') {
      const n = rng.int(3, 6);
      for (let i = 0; i < n; i++) {
        say(repIdx, pick(i % 2 ? ACKNOWLEDGEMENTS : RENEWAL_REP), TOPIC.account);
        if (plan.negative && rng.chance(0.5)) {
          say(customer(), pick(NEGATIVE_TONE), TOPIC.account);
          negativeSentences++;
        } else
          say(
            customer(),
            rng.pick(plan.negative ? CUSTOMER_ANSWERS : [...CUSTOMER_ANSWERS, ...POSITIVE_TONE]),
            TOPIC.account,
          );
      }
    }
    // Pitch: a monologue whose length follows the rep's style.
    if (plan.kind !== 'escalation') {
      const n = rng.int(style.monologue[0], style.monologue[1]);
      for (const t of fresh(PITCH_REP, n)) say(repIdx, t, TOPIC.pitch);
      if (plan.kind === 'demo') {
        for (const step of fresh(DEMO_STEPS, rng.int(6, 10))) {
          say(colleagues.length && rng.chance(0.4) ? rng.pick(colleagues) : repIdx, step, 'Product Demo');
          if (rng.chance(1 - style.talkShare)) say(customer(), pick(DEMO_REACTIONS), 'Product Demo');
        }
      }
      if (colleagues.length && rng.chance(0.7))
        for (const t of fresh(PITCH_REP, 2)) say(rng.pick(colleagues), t, TOPIC.pitch);
      // Rep checks in with a question now and then.
      if (rng.chance(style.questionRate)) {
        say(
          repIdx,
          rng.pick([
            'Does that make sense so far?',
            'How does that compare to what you do today?',
            'Any questions on that part?',
          ]),
          TOPIC.pitch,
        );
        say(customer(), pick(CUSTOMER_ANSWERS), TOPIC.pitch);
      }
    }
    if (plan.fairHousing !== null) {
      const plant = FAIR_HOUSING_PLANTS[plan.fairHousing]!;
      say(customer(), 'One thing about the AI leasing assistant.', TOPIC.pitch);
      fhLines.push({ line: say(customer(), plant[0], TOPIC.pitch), plant });
      say(
        repIdx,
        rng.chance(0.5)
          ? "We'd actually steer away from that wording, the assistant follows Fair Housing rules."
          : 'Sure, we can configure the messaging however you like.',
        TOPIC.pitch,
      );
    } else if ((plan.kind === 'demo' || plan.kind === 'discovery') && rng.chance(0.08)) {
      decoyLines.push(say(customer(), pick(FAIR_HOUSING_DECOYS), TOPIC.discovery));
    }
    // Objections.
    const [lo, hi] = OBJECTION_COUNT[plan.kind];
    const types = rng.sample(
      OBJECTION_WEIGHTS[plan.kind].flatMap(([t, w]) => Array<ObjectionType>(w).fill(t)),
      rng.int(lo, hi) * 3,
    );
    const chosen = [...new Set(types)].slice(0, rng.int(lo, hi));
    for (const t of chosen) objectionEpisode(t);
    // Competition.
    if (plan.kind !== 'escalation' && rng.chance(plan.kind === 'negotiation' ? 0.5 : 0.25)) {
      const who = customer();
      competitorLines.push({
        line: say(who, pick(COMPETITOR_MENTIONS), TOPIC.competition),
        competitor: ctx.competitor!,
      });
      say(repIdx, pick(COMPETITOR_RESPONSES), TOPIC.competition);
    }
    // Next steps and close.
    nextStepLines.push(say(repIdx, pick(NEXT_STEPS_REP), TOPIC.next));
    say(customer(), pick(NEXT_STEPS_CUSTOMER), TOPIC.next);
    say(repIdx, pick(CLOSINGS), TOPIC.wrap);
    if (rng.chance(0.7))
      say(customer(), pick(['Thanks, bye.', 'Take care.', 'Talk soon.', 'Bye everyone.']), TOPIC.wrap);
  }

  // ---- timing ----
  const sentences: Sentence[] = [];
  let t = rng.int(300, 4000);
  let prev = -1;
  for (const line of lines) {
    if (prev !== -1) t += line.speaker === prev ? rng.int(80, 450) : rng.int(250, 1600);
    const words = line.text.split(/\s+/).length;
    const dur = Math.round(words * rng.int(300, 420) + rng.int(150, 700));
    sentences.push({ speaker: line.speaker, text: line.text, topic: line.topic, start: t, end: t + dur });
    t += dur;
    prev = line.speaker;
  }
  const durationSeconds = Math.ceil(t / 1000) + rng.int(4, 45);

  const sid = (i: number) => parties[i]!.speakerId!;
  const truth: CallTruth = {
    objections: pendingObjections.map((o) => {
      const s = sentences[o.line]!;
      const r = o.response !== null ? sentences[o.response]! : null;
      return {
        callId: plan.id,
        type: o.type,
        speakerId: sid(s.speaker),
        speakerName: parties[s.speaker]!.name,
        startMs: s.start,
        endMs: s.end,
        text: s.text,
        response: r
          ? {
              speakerId: sid(r.speaker),
              repName: parties[r.speaker]!.name,
              handling: o.handling!,
              startMs: r.start,
              text: r.text,
            }
          : null,
        outcome: o.accepted ? 'accepted' : 'unresolved',
      };
    }),
    competitorMentions: competitorLines.map(({ line, competitor }) => ({
      callId: plan.id,
      competitor,
      speakerId: sid(sentences[line]!.speaker),
      startMs: sentences[line]!.start,
      text: sentences[line]!.text,
    })),
    fairHousing: fhLines.map(({ line, plant }) => ({
      callId: plan.id,
      speakerId: sid(sentences[line]!.speaker),
      speakerRole: parties[sentences[line]!.speaker]!.role,
      startMs: sentences[line]!.start,
      text: sentences[line]!.text,
      term: plant[1],
      protectedClass: plant[2],
    })),
    fairHousingDecoys: decoyLines.map((line) => ({
      callId: plan.id,
      startMs: sentences[line]!.start,
      text: sentences[line]!.text,
    })),
    negativeSentences,
    nextSteps: nextStepLines.map((line) => ({
      callId: plan.id,
      speakerId: sid(sentences[line]!.speaker),
      startMs: sentences[line]!.start,
      text: sentences[line]!.text,
    })),
  };
  return { plan, parties, sentences, durationSeconds, truth };
}
