import { STOPWORDS } from '../search/text/stopwords.js';

/**
 * Terms for trends: the content words and two-word phrases people say (lower case, plural folded), without
 * stop words, conversational filler, numbers or names of weekdays and months. "yardi integration",
 * "delinquency", "ai leasing" are terms; "yeah", "thanks", "thirty" are not.
 */
const FILLER = new Set(
  (
    'yeah yes okay ok um uh hmm oh hi hello bye thanks thank please sorry sure right well really actually ' +
    'basically honestly just like maybe kind sort lot lots thing things stuff way ways guys get got gets getting ' +
    'go goes going gone went make makes made making know knows knew think thinks thought say says said tell ' +
    'told want wants wanted need needs let lets see look looks looking mean means come comes came take takes ' +
    'good great nice fine little bit much many also even still back one two three four five six seven eight ' +
    'nine ten first last next new old day days week weeks month months year years time times today tomorrow ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december morning afternoon evening call calls talk talking question ' +
    'questions something anything everything someone anyone everyone us we i you they it he she them our ' +
    "able around whether another every would could should might must shall can will don't i'm we're it's " +
    "that's you're i'll we'll i'd we'd let's there's"
  ).split(' '),
);

function fold(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1);
  return w;
}

function isContent(w: string): boolean {
  return w.length > 2 && !STOPWORDS.has(w) && !FILLER.has(w) && !/\d/.test(w);
}

/** The distinct terms of a text: content words and adjacent content-word pairs. */
export function extractTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z0-9'-]*/g) ?? [];
  const out = new Set<string>();
  let prev: string | undefined;
  for (const raw of words) {
    const w = raw.replace(/'s$/, '').replace(/^-+|-+$/g, '');
    if (!isContent(w)) {
      prev = undefined;
      continue;
    }
    const f = fold(w);
    out.add(f);
    if (prev) out.add(`${prev} ${f}`);
    prev = f;
  }
  return [...out];
}

export interface TermCount {
  calls: number;
  mentions: number;
  customerMentions: number;
  example?: { callId: string; startMs: number; text: string };
}

/** Counts terms per period: calls mentioning each term, mentions, mentions by customers, one example. */
export class TermCounter {
  readonly periods = new Map<string, Map<string, TermCount>>();

  /** Adds one call's sentences. `kind` separates words from topics, objection types and competitors. */
  addCall(
    period: string,
    callId: string,
    items: ReadonlyArray<{ kind: string; term: string; customer: boolean; startMs: number; text: string }>,
  ): void {
    let byTerm = this.periods.get(period);
    if (!byTerm) {
      byTerm = new Map();
      this.periods.set(period, byTerm);
    }
    const seen = new Set<string>();
    for (const it of items) {
      const key = `${it.kind}\u0000${it.term}`;
      let c = byTerm.get(key);
      if (!c) {
        c = { calls: 0, mentions: 0, customerMentions: 0 };
        byTerm.set(key, c);
      }
      c.mentions++;
      if (it.customer) {
        c.customerMentions++;
        c.example ??= { callId, startMs: it.startMs, text: it.text };
      }
      if (!seen.has(key)) {
        seen.add(key);
        c.calls++;
      }
    }
  }

  /** Rows to store: terms said on at least `minCalls` calls of the period (topics etc. always). */
  rows(minCalls = 2): Array<{ period: string; kind: string; term: string } & TermCount> {
    const out: Array<{ period: string; kind: string; term: string } & TermCount> = [];
    for (const [period, byTerm] of this.periods) {
      for (const [key, c] of byTerm) {
        const [kind, term] = key.split('\u0000') as [string, string];
        if (kind === 'term' && c.calls < minCalls) continue;
        out.push({ period, kind, term, ...c });
      }
    }
    return out;
  }
}
