import { escapeRegExp, normalizeText } from './text.js';

/**
 * Competitor mentions: a competitor's name (or an alias) said on a call, with the context of the mention
 * (evaluating, using, switching, comparing, pricing, or a plain mention).
 */
export interface Competitor {
  name: string;
  aliases?: readonly string[];
}

/**
 * Vendors that sell resident payments, rent collection or AI leasing to property managers (the market
 * Pay Ready sells in). A tenant's own list (competitor trackers) is added to these.
 */
export const DEFAULT_COMPETITORS: readonly Competitor[] = [
  { name: 'ClickPay', aliases: ['click pay'] },
  { name: 'Zego', aliases: ['gozego'] },
  { name: 'PayLease', aliases: ['pay lease'] },
  { name: 'RentPayment', aliases: ['rent payment.com', 'rentpayment.com'] },
  { name: 'EliseAI', aliases: ['elise ai', 'meetelise', 'meet elise'] },
  { name: 'Rentgrata' },
  { name: 'RentRedi' },
  { name: 'Bilt', aliases: ['bilt rewards'] },
  { name: 'Flex', aliases: ['getflex', 'flex rent'] },
  { name: 'RentMoola' },
  { name: 'Domuso' },
  { name: 'Rent Dynamics' },
  { name: 'Knock CRM', aliases: ['knock crm'] },
  { name: 'Funnel Leasing', aliases: ['funnel leasing'] },
];

export type MentionContext = 'evaluating' | 'using' | 'switching' | 'comparing' | 'pricing' | 'mention';

const CONTEXTS: Array<[MentionContext, RegExp]> = [
  [
    'switching',
    /\b(?:switch(?:ed|ing)? (?:from|away|off|to)|mov(?:ed|ing) (?:off|away from|from)|replac(?:e|ed|ing)|left|leaving|churn(?:ed)? from|migrat\w+ (?:from|off))\b/i,
  ],
  ['pricing', /\b(?:quot\w+|price[sd]?|pricing|cheaper|less|discount\w*|offer|fees?|cost\w*|aggressive)\b/i],
  [
    'comparing',
    /\b(?:different from|differ|compare[sd]?|comparison|versus|vs\.?|better than|similar|same as|how are you)\b/i,
  ],
  [
    'evaluating',
    /\b(?:talking to|look(?:ing|ed) at|evaluat\w+|demo(?:ed)?|trial|pitch(?:ed)?|proposal|shortlist\w*|considering|came in)\b/i,
  ],
  ['using', /\b(?:use[sd]?|using|on|with|customer of|happy with|signed with|run(?:s|ning)?)\b/i],
];

export interface CompetitorMention {
  competitor: string;
  phrase: string;
  context: MentionContext;
}

export class CompetitorDetector {
  readonly #patterns: Array<{ name: string; re: RegExp }>;
  readonly #gate: RegExp;

  constructor(competitors: readonly Competitor[] = DEFAULT_COMPETITORS) {
    this.#patterns = competitors.map((c) => ({
      name: c.name,
      re: new RegExp(
        `(?<![a-z0-9])(?:${[c.name, ...(c.aliases ?? [])].map((n) => escapeRegExp(n.toLowerCase()).replace(/\\ /g, '[\\s-]?')).join('|')})(?![a-z0-9])`,
        'i',
      ),
    }));
    this.#gate = new RegExp(this.#patterns.map((p) => p.re.source).join('|'), 'i');
  }

  get names(): string[] {
    return this.#patterns.map((p) => p.name);
  }

  detect(sentence: string): CompetitorMention[] {
    const text = normalizeText(sentence);
    if (!this.#gate.test(text)) return [];
    const out: CompetitorMention[] = [];
    for (const p of this.#patterns) {
      const m = p.re.exec(text);
      if (!m) continue;
      const context = CONTEXTS.find(([, re]) => re.test(text))?.[0] ?? 'mention';
      out.push({ competitor: p.name, phrase: sentence.substr(m.index, m[0].length), context });
    }
    return out;
  }
}
