import { isQuestion, normalizeText, turnsOf } from './text.js';
import type { Sentence, Side } from './types.js';

/**
 * The objection detector: finds the moments a customer pushes back, classifies them by type, and reads the
 * rep's answer. Rules from sales practice, not a trained model:
 *
 * - only customer speech can object (a rep restating an objection is not one);
 * - a sentence objects when it names a TOPIC (price, integration, AI, compliance, timing, contract terms, a
 *   competitor the customer is committed to) AND expresses a CONCERN (worry, doubt, a requirement, a limit, a
 *   comparison against them, a challenge question such as "what happens when ..." or "how do I know ...");
 *   some phrases carry both ("too expensive", "out clause", "not a priority until");
 * - a concern word that is negated ("not worried", "no problem", "isn't an issue") counts as approval, and
 *   approval ("the pricing sheet is clear", "fits our budget", "works for us") outweighs a weak concern:
 *   mentioning a topic is not objecting to it;
 * - with a contrast ("..., but ...") the clause after it is what the speaker means;
 * - a report of something that went wrong with a service already in use ("didn't post again last week") is
 *   a complaint, not an objection, unless it is about a previous vendor or looks ahead ("if", "worry");
 * - a plain question about a topic ("what does pricing look like?") is a question, not an objection.
 *
 * Cue lists are written from domain knowledge of property-management software sales (see domain-notes.md);
 * they deliberately cover many ways of saying each thing rather than any one script.
 */
export const OBJECTION_TYPES = [
  'pricing',
  'integration',
  'ai_trust',
  'compliance',
  'timing',
  'contract',
  'competitor',
  'other',
] as const;
export type ObjectionType = (typeof OBJECTION_TYPES)[number];

export const HANDLING_APPROACHES = [
  'discount',
  'evidence',
  'value_reframe',
  'probe',
  'defer',
  'deflect',
  'empathize',
  'other',
] as const;
export type HandlingApproach = (typeof HANDLING_APPROACHES)[number];

interface Cue {
  re: RegExp;
  w: number;
}
/** Cues are matched against normalised (lower-cased) text, as whole words. */
const cues = (w: number, ...patterns: string[]): Cue[] =>
  patterns.map((p) => ({ re: new RegExp(`(?<![a-z0-9])(?:${p})(?![a-z0-9])`, 'i'), w }));
/** One pattern matching any of the cues (a cheap first test). */
const anyOf = (...lists: Cue[][]): RegExp =>
  new RegExp(
    lists
      .flat()
      .map((c) => c.re.source)
      .join('|'),
    'i',
  );

const PMS =
  'yardi|voyager|realpage|onesite|appfolio|entrata|mri|resman|buildium|rent ?manager|rentcafe|propertyware|pms|property management (?:software|system|platform)|accounting (?:system|software|platform)';

/** Words that place a sentence on a topic (strong = 2, weak = 1). */
const TOPICS: Record<Exclude<ObjectionType, 'other'>, Cue[]> = {
  pricing: [
    ...cues(
      2,
      'price[sd]?',
      'pricing',
      'costs?',
      'costly',
      'expensive',
      'pricey',
      'fees?',
      'per[- ]?(?:unit|door|property|seat|month)',
      'a unit',
      'budget(?:ed|s)?',
      'quote[sd]?',
      'quoting',
      'discount(?:s|ed)?',
      'cheaper',
      'overpriced',
      'invoices?',
      'subscription',
      'line items?',
      '\\$ ?\\d[\\d,.]*k?',
      '\\d[\\d,.]* ?(?:dollars|bucks)',
      'spend(?:ing)?',
      'pencil(?:s)?(?: out)?',
      'the number',
      'rates?',
      "can(?:'t|not) afford",
      'afford (?:it|this|that)',
      'roi',
      'monthly (?:number|cost|fee|price|bill|spend)',
    ),
    ...cues(
      1,
      'money',
      'margins?',
      'charges?',
      'charged',
      'paying more',
      'pay more',
      'investment',
      'owners?hip',
    ),
  ],
  integration: [
    ...cues(
      2,
      'integrat\\w*',
      'sync(?:s|ing|ed|hroni[sz]\\w*)?',
      'writes? ?back',
      'write-back',
      'post(?:s|ed|ing)? (?:to|into|in) (?:the |our |your )?(?:resident )?(?:ledger|gl|general ledger|' +
        PMS +
        ')',
      'ledgers?',
      'connectors?',
      'apis?',
      'interfaces?',
      'data feeds?',
      'plug(?:s|ged)? (?:in|into)',
      'talks? to (?:our|the) (?:system|software)',
      'double entry',
      'reconcil\\w*',
      'certified (?:\\w+ )?partner',
      'compatib\\w*',
      PMS,
    ),
    ...cues(
      1,
      'it (?:team|department|folks|people)',
      'technical',
      'migrat\\w*',
      'month[- ]end',
      'versions?',
      'system',
    ),
  ],
  ai_trust: [
    ...cues(
      2,
      'ai',
      'a\\.i\\.',
      'artificial intelligence',
      'chat ?bots?',
      'bots?',
      'robots?',
      '(?:virtual|digital|ai|leasing|automated) (?:assistant|agent)s?',
      'assistants?',
      'automated (?:responses?|replies|answers?|conversations?|messages?)',
      'machine',
      'algorithms?',
      'language models?',
      'llms?',
      'gpt',
      'hallucinat\\w*',
      'mak(?:e|es|ing) (?:things|stuff|it) up',
      'made up',
      'without (?:a )?(?:human|person)',
      'human in the loop',
      'real person',
      'reach a (?:real )?(?:person|human)',
    ),
    ...cues(1, 'automat\\w*', 'wrong (?:answers?|information|info|rent|price|special)'),
  ],
  compliance: [
    ...cues(
      2,
      'complian(?:ce|t)',
      'non-?compliant',
      'regulat\\w*',
      'fair housing',
      'hud',
      'fdcpa',
      'reg(?:ulation)? f',
      'tcpa',
      'cfpb',
      'soc ?(?:2|ii|two)',
      'soc ?1',
      'pci(?:[- ]dss)?',
      'gdpr',
      'ccpa',
      'privacy',
      'data (?:security|protection|retention|breach)',
      'security (?:review|questionnaire|audit)',
      'audit(?:s|ors?|ed)?',
      'lawyers?',
      'attorneys?',
      'counsel',
      'consent',
      'recording (?:and storing )?(?:the |resident )?(?:calls?|conversations?)',
      'discriminat\\w*',
      'lawsuits?',
      'sued',
      'penalt(?:y|ies)',
      'encrypt\\w*',
      'breach(?:es)?',
      '(?:state|federal|local) (?:rules?|laws?|regulations?)',
      'wrong (?:hour|time of day)',
      'owes? (?:us )?money',
      'debt collect\\w*',
      'collection (?:rules?|laws?|calls?|reminders?)',
      'disclos\\w*',
      'accessib\\w*',
      'ada',
    ),
    ...cues(1, 'legal', 'liab(?:le|ility)', 'risk (?:team|committee)', 'policy', 'policies'),
  ],
  timing: [
    ...cues(
      2,
      'timing',
      'timeline',
      'right now',
      'at the moment',
      '(?:this|next) (?:quarter|year|fiscal year|month|spring|summer|fall|winter)',
      'q[1-4]',
      '(?:first|second|third|fourth) quarter',
      'end of (?:the )?(?:year|quarter)',
      'revisit',
      'circle back',
      'down the road',
      'later (?:this|next|in the) \\w+',
      'not (?:a|the|our) (?:top )?priority',
      'priorit\\w*',
      'bandwidth',
      '(?:busy|peak|leasing|renewal|budget|planning) (?:season|cycle)',
      'onboard(?:ed|ing)?',
      'in the (?:middle|midst) of',
      'hold off',
      'not ready',
      'too (?:soon|early)',
      'at once',
      'acquisition',
      'mid-?migration',
    ),
    ...cues(
      1,
      'until',
      'after',
      'before then',
      'wait(?:ing)?',
      'later',
      'yet',
      'migrat\\w*',
      'season',
      'year',
    ),
  ],
  contract: [
    ...cues(
      2,
      'contracts?',
      'contractual',
      '(?:one|two|three|five|multi|\\d)[- ]?years? (?:term|deal|contract|commitment|agreement)',
      'terms? (?:length|lengths)',
      'commitments?',
      'lock(?:ed)?[- ]?in',
      '(?:out|exit|termination|opt[- ]out) clauses?',
      'clauses?',
      'terminat\\w*',
      'cancel\\w*',
      'auto[- ]?renew\\w*',
      'renewal (?:language|terms?|clause)',
      'msa',
      'master (?:services? |subscription )?agreement',
      'order forms?',
      'slas?',
      'service levels?',
      'indemnif\\w*',
      'liability caps?',
      'caps? on liability',
      'limitation of liability',
      'net[- ]?(?:15|30|45|60|90|fifteen|thirty|forty[- ]five|sixty|ninety)',
      'payment terms',
      'redlines?',
      'renegotiat\\w*',
      'notice period',
      'minimum (?:term|commit\\w*)',
      'sign(?:ing)? (?:a|the) (?:deal|agreement|paper)',
      'agreements?',
      'paperwork',
      'procurement',
    ),
    ...cues(1, 'terms?', 'legal', 'liab(?:le|ility)', 'add and remove (?:properties|communities)'),
  ],
  competitor: [],
};

/** Phrases that are at once a topic and a concern. */
const INTRINSIC: Record<Exclude<ObjectionType, 'competitor'>, Cue[]> = {
  pricing: cues(
    3,
    'too (?:expensive|pricey|costly|much money|steep|high)',
    'over (?:our |the )?budget',
    'out of (?:our |the )?(?:budget|price range|range)',
    '(?:higher|more|bigger) than (?:what )?(?:we|i|our)\\b[^.?!]{0,25}(?:budget\\w*|pay\\w*|expect\\w*|spend\\w*|planned|afford|set aside|allocated)',
    '(?:almost |nearly |about |roughly )?(?:double|twice|triple|two times|three times) (?:what|the price|the cost|our)',
    'justify (?:the |that |this )?(?:cost|price|spend|expense|fee|investment)',
    'sticker shock',
    'steep',
    'tough sell',
    'hard sell',
    "doesn(?:'t| not) pencil",
    "won(?:'t| not) pencil",
    'squeez\\w*',
    'tight(?:er)? budgets?',
    'budgets? (?:is|are) tight',
    '(?:big|large|huge|serious) (?:number|ask|check|investment)',
    'flexib\\w* (?:on|in|with) (?:the )?(?:price|pricing|cost|fees?|rate|number)',
    'best (?:you|price you) can do',
    'come down (?:on|in) (?:price|the price)',
    '(?:quite a bit|a lot|much|way|significantly) (?:less|cheaper)',
    'cheaper (?:option|alternative|elsewhere)',
    'basically free',
    'nickel and dim\\w*',
    'hidden fees?',
    'pricing (?:feels|seems|looks|is) (?:high|steep|aggressive|rich|off)',
    "can(?:'t|not) afford",
  ),
  integration: cues(
    3,
    'burn(?:ed|t) by (?:\\w+ )?(?:sync|integration|connector|vendor)\\w*',
    "(?:doesn(?:'t| not)|don(?:'t| not)|won(?:'t| not)) (?:even )?(?:support|integrate|sync|talk to|work with|post)",
    'not (?:supported|compatible|certified)',
    'double entry',
    'manual reconcil\\w*',
  ),
  ai_trust: cues(
    3,
    'hallucinat\\w*',
    'mak(?:e|es|ing) (?:things|stuff) up',
    "(?:don(?:'t| not)|doesn(?:'t| not)|never|hardly) (?:really |fully )?trust",
    'trust (?:an?|the) (?:ai|bot|robot|machine|chatbot|assistant)',
    'without (?:a )?(?:human|person) (?:checking|reviewing|watching|in the loop|involved|looking)',
    "can(?:'t|not) reach a (?:real )?(?:person|human)",
    'wrong (?:rent|price|pricing|answer|special|move-in special|information)',
  ),
  compliance: cues(
    3,
    'who (?:is|would be|will be) (?:liable|responsible)',
    'compliance (?:team|folks|people) (?:has|have) (?:concerns|questions)',
  ),
  timing: cues(
    3,
    "timing (?:really )?(?:isn(?:'t| not)|is not|is bad|is tough|is off|doesn(?:'t| not) work)",
    'bad timing',
    'not (?:a|the|our) (?:top )?priority',
    "(?:not|isn't|is not|wasn't) (?:the |a )?(?:right|good|best|great|ideal) (?:time|moment|timing)",
    '(?:knee|waist|neck)[- ]deep',
    'in the thick of',
    "(?:can(?:'t|not)|won(?:'t| not)|couldn(?:'t| not)) (?:move|start|commit|do (?:this|it|anything)|take (?:this|it) on)\\b[^.?!]{0,30}(?:before|until|right now|this (?:year|quarter))",
    'revisit (?:this|it|that)',
    'circle back (?:after|in|next)',
    'hold off',
    'too (?:much|many (?:changes|things)) (?:at once|right now|going on)',
    '(?:too busy|swamped|slammed|crazy) (?:right now|this|with)',
    'on (?:our|the) plate',
  ),
  contract: cues(
    3,
    'a lot to ask',
    '(?:term|contract|commitment|agreement)\\b[^.?!]{0,15}\\btoo (?:long|short|restrictive|rigid|one-sided)',
    'too long (?:a |of a )?(?:term|contract|commitment)',
    'push back on',
    'out clause',
    'exit clause',
    '(?:lower|higher|shorter|longer) than (?:what )?(?:we|our)\\b[^.?!]{0,20}(?:accept|sign|standard|normally|usually)',
  ),
  other: cues(
    3,
    'deal[- ]?breaker',
    'non[- ]?starter',
    'not interested',
    "don(?:'t| not) see (?:the )?(?:value|need)",
  ),
};

/** Concern, doubt, requirement, limitation: the speaker resists. */
const CONCERN: Cue[] = [
  ...cues(
    2,
    'worr(?:y|ied|ies|ying)',
    'concern(?:s|ed)?',
    'nervous',
    'hesitant',
    'hesitat\\w*',
    'skeptic\\w*',
    'afraid',
    'scared',
    'uneasy',
    'wary',
    'not (?:sure|convinced|comfortable|ready|confident)',
    "i(?:'m| am) not sure",
    'problem(?:s|atic)?',
    'risk(?:s|y)?',
    'liabilit(?:y|ies)',
    'tough',
    'hard (?:to|for)',
    'difficult',
    'burn(?:ed|t)',
    'bad experience',
    'last (?:vendor|provider|company|time|tool)',
    'previous (?:vendor|provider)',
    '(?:still )?(?:broke|broken|break|breaks|failed|fails)',
    'non[- ]?starter',
    'deal[- ]?breaker',
    'red flag',
    'push(?:ed)? back',
    'pushback',
    "we(?:'d| would| will|'ll)? need",
    'we need',
    'need to see',
    'needs? to (?:be|see|have)',
    'have to (?:see|have|be)',
    'must',
    'unless',
    'otherwise',
    'before (?:anything|we|this|it) (?:moves|goes|can|sign)',
    'first question',
    'want(?:s)? to know',
    'ask (?:whether|if|about)',
    'what happens (?:when|if)',
    'how do (?:i|we) know',
    'how (?:does|do|would|will|can) (?:this|it|that|you) (?:actually|really)',
    'how (?:do|would|will) you (?:handle|deal with|make sure|guarantee|ensure|prevent)',
    'what if',
    '(?:is|are|will|would|can) (?:the|your|it|you|they|this|that)\\b[^.?!]{0,50}\\b(?:compliant|certified|secure|legal|allowed|supported|compatible|accurate|reliable)',
    'help me understand',
    'is there any (?:flexibility|wiggle room|way)',
    'lower than',
    'higher than',
    'more than (?:we|what)',
    'less than (?:we|what)',
    'a lot to ask',
    'frustrat\\w*',
    'complain\\w*',
    'struggl\\w*',
    'pain(?:ful)?',
    'mess',
    'tight',
    'squeez\\w*',
    'our standard is',
    'we (?:only|normally|usually|typically) (?:accept|sign|do|require|work)',
    'gonna be a',
    "(?:won't|will not|wouldn't|would not|will never|would never|never|can't|cannot|couldn't) (?:\\w+ )?(?:sign|approve|accept|agree|go for|pay|budget|commit|move forward|proceed|go ahead|get approval)",
    "(?:will|'ll|would|'d|are going to|is going to|gonna) (?:need|want|have) to (?:review|see|approve|check|vet|sign off|understand|know)",
    'need to (?:review|vet|approve)',
    'without (?:seeing|getting|having|a|an|the)',
    '(?:almost |nearly )?(?:double|twice|triple)',
    '(?:longer|shorter|bigger|slower|more expensive) than',
    'too (?:long|high|much|many|expensive|steep|risky|complicated|complex|slow|rigid|restrictive|big|soon|early|busy|late|short)',
    'not going through (?:that|this)',
    'going to (?:be a|ask|want|push)',
  ),
  ...cues(
    1,
    "can(?:'t|not)",
    "won(?:'t| not)",
    "wouldn(?:'t| not)",
    "couldn(?:'t| not)",
    "isn(?:'t| not)",
    "aren(?:'t| not)",
    "doesn(?:'t| not)",
    "don(?:'t| not)",
    'not',
    'no way',
    'too',
    'only if',
    'if',
    'honestly',
    'frankly',
    'to be honest',
    'big',
    'gap',
    'whether',
  ),
];

/** Approval, acceptance, fit: the speaker is fine with the topic. */
const POSITIVE: Cue[] = cues(
  3,
  '(?:is|are|was|looks?|seems?|sounds?|feels?) (?:\\w+ )?(?:clear|fine|good|great|reasonable|fair|straightforward|simple|easy|solid|competitive|okay|ok|acceptable|manageable|doable|workable|in line)',
  'fits? (?:our|the|within|into|in|nicely|well)',
  'within (?:our |the )?(?:budget|range|plan)',
  'works? (?:for|with) (?:us|our|me)',
  "(?:we(?:'re| are)|i(?:'m| am)) (?:\\w+ )?(?:happy|comfortable|fine|good|okay|ok|satisfied|pleased|excited|impressed|on board)",
  'no (?:real )?(?:concerns?|issues?|problems?|worries|objections?|complaints)',
  "(?:not|n't|never) (?:\\w+ )?(?:worried|concerned|an issue|a problem|a concern|an obstacle|a blocker)",
  "(?:doesn(?:'t| not)|don(?:'t| not)) (?:\\w+ )?(?:worry|concern|bother)",
  'makes sense',
  'that helps',
  '(?:i|we|they|residents|the team|team) (?:really |just |all )?(?:like|love|loved|liked)',
  'worth (?:it|the)',
  'good value',
  'pays for itself',
  '(?:already|is|are|was|were|been|got) (?:\\w+ )?(?:approved|signed off|budgeted(?: for)?|set aside|allocated)',
  'no brainer',
  'easy (?:decision|sell|yes)',
  'looking forward',
);

export const TOPIC_GATE = anyOf(...Object.values(TOPICS), ...Object.values(INTRINSIC));

const CONTRAST = /\b(?:but|however|though|although|except that|the only thing is|that said)\b/i;

/** Reports of a failure in a service already in use (complaints, churn signals). */
const COMPLAINT =
  /\b(?:again|keeps?|kept|last (?:week|month|night|cycle)|this (?:week|month)|(?:opened|filed|logged|raised) (?:\w+ )?tickets?|tickets?|escalat\w*|nothing (?:has been|got|was) fixed|went out twice|(?:were|was|has been|have been) (?:a mess|broken|down|wrong|late)|(?:didn't|did not|never) (?:post|sync|work|show up|go through|go out|arrive|land))\b/i;
const LOOKS_AHEAD =
  /\b(?:if|would|worr\w*|concern\w*|going to|gonna|need|before we|what happens|vendors?|providers?|not going through|never again)\b/i;

export interface ObjectionMatch {
  type: ObjectionType;
  confidence: number;
  cue: string;
}

/**
 * A list of cues compiled into one pattern (one scan of the text instead of one per cue); each distinct
 * cue that matches adds its weight once.
 */
class CueSet {
  readonly #re: RegExp;
  readonly #weights: number[];
  constructor(list: readonly Cue[]) {
    this.#weights = list.map((c) => c.w);
    const body = list.map((c) => `(${c.re.source.replace(/\((?!\?)/g, '(?:')})`).join('|');
    this.#re = new RegExp(body || '(?!)', 'gi');
  }
  score(text: string, hits?: string[]): number {
    let s = 0;
    const seen = new Set<number>();
    this.#re.lastIndex = 0;
    for (const m of text.matchAll(this.#re)) {
      for (let g = 1; g < m.length; g++) {
        if (m[g] === undefined) continue;
        if (!seen.has(g)) {
          seen.add(g);
          s += this.#weights[g - 1]!;
          hits?.push(m[g]!);
        }
        break;
      }
    }
    return s;
  }
}

const compiled = new WeakMap<readonly Cue[], CueSet>();
function score(list: readonly Cue[], text: string, hits?: string[]): number {
  let set = compiled.get(list);
  if (!set) {
    set = new CueSet(list);
    compiled.set(list, set);
  }
  return set.score(text, hits);
}

function topicScores(text: string, cueOut: Map<ObjectionType, string[]>): Map<ObjectionType, number> {
  const out = new Map<ObjectionType, number>();
  for (const [type, list] of Object.entries(TOPICS) as Array<[ObjectionType, Cue[]]>) {
    const hits: string[] = [];
    const s = score(list, text, hits);
    if (s > 0) {
      out.set(type, s);
      cueOut.set(type, hits);
    }
  }
  return out;
}

/** Competitors a customer is committed to or happy with ("we're happy with X", "we already use X"). */
function competitorCommitment(text: string, competitors: readonly string[]): string | undefined {
  for (const name of competitors) {
    const n = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(
      `\\b(?:we(?:'re| are|'ve| have)?|i(?:'m| am)|our team(?: is)?)\\b[^.?!]{0,30}\\b(?:happy|fine|locked in|under contract|signed|already (?:use|using|have|on|with)|stick(?:ing)? with|invested in|committed to)\\b[^.?!]{0,25}\\b${n}\\b|\\b${n}\\b[^.?!]{0,30}\\b(?:works? (?:fine|well) for us|does (?:the job|everything we need))`,
      'i',
    );
    if (re.test(text)) return name;
  }
  return undefined;
}

/**
 * Classifies one customer sentence: the objection it raises, or undefined. `competitors` are the names a
 * tenant competes with (a customer committed to one of them is a competitor objection).
 */
export function classifyObjection(
  sentence: string,
  competitors: readonly string[] = [],
): ObjectionMatch | undefined {
  const text = normalizeText(sentence);
  if (text.length < 8) return undefined;
  if (!TOPIC_GATE.test(text) && !competitors.some((c) => text.includes(c.toLowerCase()))) return undefined;
  const parts = text.split(CONTRAST);
  // The clause after the last contrast carries the speaker's position, when it says anything.
  let focus = text;
  for (let i = parts.length - 1; i > 0; i--) {
    const p = parts[i]!.trim();
    if (p.split(' ').length >= 3) {
      focus = p;
      break;
    }
  }
  const cueHits = new Map<ObjectionType, string[]>();
  let topics = topicScores(focus, cueHits);
  if (topics.size === 0 && focus !== text) topics = topicScores(text, cueHits);

  let intrinsicType: ObjectionType | undefined;
  let intrinsicScore = 0;
  for (const [type, list] of Object.entries(INTRINSIC) as Array<[ObjectionType, Cue[]]>) {
    const hits: string[] = [];
    const s = score(list, focus, hits);
    if (s > 0) {
      topics.set(type, (topics.get(type) ?? 0) + s);
      cueHits.set(type, [...hits, ...(cueHits.get(type) ?? [])]);
      if (s > intrinsicScore) {
        intrinsicScore = s;
        intrinsicType = type;
      }
    }
  }
  const committed = competitorCommitment(focus, competitors);
  if (committed) {
    topics.set('competitor', (topics.get('competitor') ?? 0) + 3);
    cueHits.set('competitor', [committed]);
    intrinsicScore = Math.max(intrinsicScore, 3);
  }
  if (topics.size === 0) return undefined;

  // Being happy with a competitor is the objection itself.
  const positive = committed ? 0 : score(POSITIVE, focus);
  let concern = score(CONCERN, focus) + intrinsicScore;
  if (process.env.SOPHIA_DEBUG_OBJECTIONS)
    process.stderr.write(
      `${JSON.stringify({ text: sentence, topics: [...topics], cues: [...cueHits], positive, concern, intrinsicScore })}\n`,
    );
  // "not worried", "no problem": the negated concern word was counted as a concern too; approval wins.
  if (positive > 0) concern -= positive + 1;
  if (concern < 2) return undefined;

  // A complaint about a service in use is a churn signal, not an objection to buying.
  if (COMPLAINT.test(focus) && !LOOKS_AHEAD.test(focus) && intrinsicScore === 0) return undefined;

  // A question needs a challenge (what happens if, how do I know, ...) or an intrinsic objection.
  if (isQuestion(sentence) && concern < 2 && intrinsicScore === 0) return undefined;

  let best: ObjectionType | undefined;
  let bestScore = 0;
  for (const type of OBJECTION_TYPES) {
    const s = topics.get(type) ?? 0;
    if (s > bestScore) {
      best = type;
      bestScore = s;
    }
  }
  if (!best) return undefined;
  // Pricing mentioned with a competitor is a pricing objection ("X quoted us less").
  if (best === 'competitor' && (topics.get('pricing') ?? 0) >= 2) best = 'pricing';
  if (best === 'other' && bestScore < 3) return undefined;
  if (bestScore < 2 && intrinsicType !== best) return undefined;
  const confidence = Math.min(0.99, 0.4 + 0.06 * (bestScore + concern));
  return {
    type: best,
    confidence: Math.round(confidence * 100) / 100,
    cue: (cueHits.get(best) ?? [])[0] ?? best,
  };
}

const HANDLING_CUES: Record<Exclude<HandlingApproach, 'other' | 'empathize'>, Cue[]> = {
  discount: cues(
    2,
    'discount\\w*',
    '(?:\\d+|five|ten|fifteen|twenty|twenty-five) ?(?:%|percent) off',
    '(?:take|knock|shave)\\b[^.?!]{0,25}\\boff',
    'waive\\w*',
    'sharpen (?:the|my) pencil',
    'knock\\b[^.?!]{0,30}\\b(?:off|down)',
    '(?:do|make) something (?:on|for|with) (?:the )?(?:first year|price|pricing|rate|fee|number)',
    'hold (?:that|this|the) (?:number|price|rate|pricing)',
    'better (?:number|price|rate)',
    'take (?:\\w+ )?off (?:the )?(?:price|top)',
    'lower (?:the |your )?(?:price|rate|fee)',
    '(?:reduce|cut|drop|bring down) (?:the |your |our )?(?:price|rate|fee|cost)',
    '(?:special|introductory|promotional|founding|launch) (?:pricing|rate|price|offer)',
    'free (?:months?|setup|implementation|onboarding|trial)',
    'price lock',
    'lock in (?:the |this |that )?(?:price|rate)',
    'meet you (?:halfway|in the middle|somewhere)',
    'best (?:price|deal|number)',
    'incentive',
    'match (?:their|that|the) (?:price|quote|offer)',
    'work with you on (?:the )?(?:price|pricing|number)',
    'get (?:you )?(?:a )?better (?:price|number|deal)',
    'approval (?:for|on) (?:a |some )?(?:discount|concession)',
    'concession',
  ),
  evidence: cues(
    2,
    'data',
    'case stud(?:y|ies)',
    'references?',
    'benchmarks?',
    'report',
    'numbers show',
    'proof',
    'results',
    'track record',
    'customers? (?:like you|similar|your size|in your)',
    '(?:other|similar) (?:customers|clients|operators|companies|portfolios)',
    '\\d+ ?(?:%|percent)',
    "we(?:'ve| have) seen",
    'on average',
    'certif\\w*',
    'audited',
    'let me show you',
    "i(?:'ll| will)? (?:can )?show you",
    'dashboard',
    'logs?',
    'documented',
    'studies',
  ),
  value_reframe: cues(
    2,
    'roi',
    'return on (?:the )?investment',
    'total cost',
    'cost of (?:doing nothing|the manual|not)',
    'pays? for itself',
    'value',
    'sav(?:e|es|ings)',
    'instead of',
    'compared (?:to|with) (?:what|the cost)',
    'think (?:about|of) it (?:as|like)',
    'the real question',
    'bigger picture',
    'what it replaces',
    'reframe',
    'what it returns',
    'returns? (?:rather|more) than',
    'against what (?:you|your team|your staff) (?:spend|spends|pay|pays)',
    'what (?:you|your team) (?:spend|spends|pay|pays) today',
    "(?:you're|you are) carrying today",
    'in terms of (?:what|the)',
    'manual work',
    'hours? (?:back|saved|a week)',
    'revenue',
    'delinquency',
    'upside',
    'in the long run',
  ),
  probe: cues(
    2,
    'help me understand',
    'tell me more',
    'walk me through',
    "what(?:'s| is) driving",
    'what would (?:it|you|make)',
    'what do you mean',
    'can you (?:share|say|tell) more',
    'what (?:specifically|exactly)',
    'what (?:is|are) (?:you|your team) (?:most )?(?:worried|concerned)',
    'when you say',
    'how (?:are|is) (?:you|your team) (?:handling|doing|thinking)',
    'is that (?:the|your) main',
    'what else',
  ),
  defer: cues(
    2,
    "(?:let me|i(?:'ll| will)) (?:check|confirm|find out|look into|get back|follow up|loop in|bring in|ask)",
    'get back to you',
    'follow up (?:on|with)',
    'loop in',
    'take (?:that|this) (?:offline|back)',
    '(?:our|my) (?:engineer|engineering|legal|product|technical|solutions|security|integration|compliance)\\w* (?:team |lead |folks |people )?(?:can|will|would)',
    "(?:don't|do not) (?:want to )?(?:have|know) (?:that|the) (?:answer|details)",
    'not (?:the )?(?:best|right) person',
    'set up a (?:separate |follow-up |technical )?(?:call|session|meeting)',
    'next call',
  ),
  deflect: cues(
    2,
    "(?:don't|do not|no need to) worry",
    'not (?:really )?(?:an? )?(?:issue|problem|concern|big deal)',
    'never (?:had|been|seen) (?:an? )?(?:issue|problem|complaint)',
    'trust me',
    'everyone (?:uses|loves|says)',
    "(?:let's|let us) not get (?:hung up|stuck|bogged down)",
    '(?:moving|move) on',
    'anyway',
    'we can (?:figure|sort) (?:that|it) out later',
    "(?:that's|it's) (?:just )?a (?:formality|detail)",
    'nobody (?:else )?(?:has|complains)',
    "(?:i wouldn't|wouldn't) (?:worry|overthink)",
    "(?:let's|let us) (?:focus|get back) (?:on|to)",
    'it (?:just )?works',
    '(?:a )?detail for later',
    'sorts? (?:itself|themselves) out',
    "(?:let's|let us) keep (?:going|moving)",
    'cross that bridge',
    "(?:we can|we'll) (?:deal with|worry about|figure out) (?:that|it) later",
    "not something (?:i'd|i would|you'd|you should) worry",
  ),
};

const EMPATHY = cues(
  1,
  'i (?:hear|understand|get) (?:you|that|it)',
  "(?:totally|completely|that is|that's) (?:fair|understandable|reasonable)",
  'makes sense',
  'great question',
  'good question',
  'fair (?:point|concern|question)',
  "i(?:'d| would) feel the same",
);

/** The approach of a rep's answer to an objection. */
export function classifyHandling(response: string): HandlingApproach {
  const text = normalizeText(response);
  if (!text) return 'other';
  // The opening sentence says how the rep takes the objection; what follows counts half.
  const [opener = '', ...rest] = text.split(/(?<=[.?!])\s+/);
  const tail = rest.join(' ');
  let best: HandlingApproach = 'other';
  let bestScore = 0;
  for (const [approach, list] of Object.entries(HANDLING_CUES) as Array<[HandlingApproach, Cue[]]>) {
    const s = 2 * score(list, opener) + score(list, tail);
    if (s > bestScore) {
      best = approach;
      bestScore = s;
    }
  }
  if (bestScore > 0) return best;
  // An answer that is a question back is a probe.
  if (isQuestion(response)) return 'probe';
  if (score(EMPATHY, text) > 0) return 'empathize';
  return 'other';
}

/** Concrete next steps: a meeting, a send, a follow-up with a time, a pilot, a proposal. */
const NEXT_STEP = [
  /\b(?:i(?:'ll| will)|we(?:'ll| will)|let me|let's|let us|i can|we can|i'm going to|we're going to)\b[^.?!]{0,40}\b(?:send|share|follow up|set up|schedule|book|put together|draft|get|loop in|circle back|introduce|scope|walk)\b/i,
  /\b(?:next steps?|action items?|on the calendar|calendar invite|send (?:over|you) (?:a |the )?(?:proposal|contract|order form|quote|deck|agreement|link|invite)|proposal by|pilot|kick-?off|sign(?:ed)? (?:the )?(?:contract|order form|agreement))\b/i,
  /\b(?:can we|could we|shall we|let's|let us)\b[^.?!]{0,30}\b(?:meet|get (?:\w+ )?(?:minutes|time|a call)|schedule|set up|book|regroup|reconnect)\b/i,
];
const WHEN =
  /\b(?:today|tomorrow|tonight|this week|next week|monday|tuesday|wednesday|thursday|friday|end of (?:the )?(?:day|week|month)|by \w+|on \w+day|in (?:a|two|three|\d+) (?:days?|weeks?)|next (?:call|meeting|time)|calendar|invite)\b/i;

/** Whether a sentence commits to a concrete next step. */
export function isNextStep(text: string): boolean {
  const t = text.trim();
  const strong = NEXT_STEP[1]!.test(t);
  if (strong) return true;
  return (NEXT_STEP[0]!.test(t) || NEXT_STEP[2]!.test(t)) && WHEN.test(t);
}

export interface ObjectionEpisode {
  type: ObjectionType;
  confidence: number;
  cue: string;
  /** Index into the sentences array of the objection's first sentence. */
  sentence: number;
  quote: string;
  speakerId: string | null;
  startMs: number;
  endMs: number;
  response?: {
    speakerId: string | null;
    /** Index into the sentences array. */
    sentence: number;
    text: string;
    startMs: number;
    handling: HandlingApproach;
    pauseMs: number;
  };
  /** Rep share of talk from the objection until the customer speaks again after the answer. */
  episodeRepTalkRatio: number | null;
  nextStep?: { sentence: number; text: string };
}

export interface ObjectionOptions {
  competitors?: readonly string[];
  /** How many rep sentences of the answer are kept as its text. */
  responseSentences?: number;
}

/**
 * The objection episodes of a call: each objecting customer turn (one episode per type per turn), the
 * rep's answer (the next rep turn), its handling approach, the pause before it, the rep's share of talk in
 * the exchange, and the first next step after it.
 */
export function detectObjections(
  sentences: readonly Sentence[],
  sideOfSpeaker: (speakerId: string | null) => Side,
  options: ObjectionOptions = {},
): ObjectionEpisode[] {
  const hasRep = sentences.some((s) => sideOfSpeaker(s.speakerId) === 'rep');
  const customerSide = (id: string | null) => {
    const side = sideOfSpeaker(id);
    return side === 'customer' || (side === 'unknown' && hasRep);
  };
  const turns = turnsOf(sentences, sideOfSpeaker);
  const nextSteps: number[] = [];
  sentences.forEach((s, i) => {
    if (isNextStep(s.text)) nextSteps.push(i);
  });
  const out: ObjectionEpisode[] = [];
  for (let ti = 0; ti < turns.length; ti++) {
    const turn = turns[ti]!;
    if (!customerSide(turn.speakerId)) continue;
    const seen = new Set<ObjectionType>();
    for (let i = turn.first; i <= turn.last; i++) {
      const s = sentences[i]!;
      const m = classifyObjection(s.text, options.competitors);
      if (!m || seen.has(m.type)) continue;
      seen.add(m.type);
      const episode: ObjectionEpisode = {
        type: m.type,
        confidence: m.confidence,
        cue: m.cue,
        sentence: i,
        quote: s.text,
        speakerId: s.speakerId,
        startMs: s.startMs,
        endMs: s.endMs,
        episodeRepTalkRatio: null,
      };
      // The answer: the next rep turn (another customer may speak in between).
      let rj = ti + 1;
      while (rj < turns.length && turns[rj]!.side !== 'rep') rj++;
      const answer = turns[rj];
      if (answer) {
        const n = options.responseSentences ?? 2;
        const parts = sentences.slice(answer.first, Math.min(answer.last, answer.first + n - 1) + 1);
        const text = parts.map((p) => p.text).join(' ');
        episode.response = {
          speakerId: answer.speakerId,
          sentence: answer.first,
          text,
          startMs: answer.startMs,
          handling: classifyHandling(text),
          pauseMs: Math.max(0, answer.startMs - turn.endMs),
        };
        // The exchange: from the objection until the customer speaks again after the answer.
        let ej = rj + 1;
        while (ej < turns.length && turns[ej]!.side === 'rep') ej++;
        const end = turns[ej]?.startMs ?? answer.endMs;
        let rep = 0;
        let all = 0;
        for (let k = i; k < sentences.length && sentences[k]!.startMs < end; k++) {
          const d = Math.max(0, Math.min(sentences[k]!.endMs, end) - sentences[k]!.startMs);
          all += d;
          if (sideOfSpeaker(sentences[k]!.speakerId) === 'rep') rep += d;
        }
        episode.episodeRepTalkRatio = all > 0 ? Math.round((rep / all) * 1000) / 1000 : null;
      }
      const ns = nextSteps.find((k) => k > i);
      if (ns !== undefined) episode.nextStep = { sentence: ns, text: sentences[ns]!.text };
      out.push(episode);
    }
  }
  return out;
}
