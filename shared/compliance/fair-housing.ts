import { fairHousingTerms, type FairHousingTerm } from './fair-housing-terms.js';

/**
 * The one Fair Housing matcher (HUD's advertising terms, data/fair_housing_terms.csv) that every surface uses:
 * github-review's rule over user-facing text, and the analysis of calls and Slack messages.
 *  - `flag` terms are reported wherever they appear as words or phrases;
 *  - `context` terms (black, white, private, exclusive, kids, families...) only when the same sentence describes
 *    people or an area (residents, neighbourhood, community...) or states a preference or limit (only, no,
 *    great for...), so "black appliances", "white cabinets", "private patio" and "we serve families" pass;
 *  - `ok` phrases (master bedroom, family room, walk-in closets, jogging trails...) are blanked first and
 *    never flagged;
 *  - `flag_if_state_law` (no Section 8, no vouchers) is for the caller to report as a warning.
 */

/** Lower case, straight quotes and dashes, single spaces: what the matcher compares. */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2014]/g, '-')
    .replace(/\s+/g, ' ');
}

const PERSON_OR_AREA =
  /\b(people|persons?|residents?|tenants?|neighbou?rs?|neighbou?rhoods?|communit(?:y|ies)|area|district|block|famil(?:y|ies)|couples?|buyers?|renters?|applicants?|individuals?|occupants?|m[ae]n|wom[ae]n|folks|kids|households?|professionals?|students?|population|crowd|owners?|members?|guests?|seniors?|clientele|locals?)\b/;
const PREFERENCE_OR_LIMIT =
  /\b(only|no|not|never|without|prefer(?:red|s|ence)?|ideal(?:ly)?|perfect|great|best|suit(?:s|able|ed)?|welcome[ds]?|allowed|permitted|must|exclusively|restricted|limit(?:ed)?|maximum|max|under|over|geared|aimed|targeted|designed|catering|caters)\b/;

/** Ordinary collocations of listed words that describe things, not people (HUD: facially neutral). */
const BENIGN = [
  /\boriental (?:rugs?|carpets?)\b/g,
  /\bhandicap(?:ped)?[- ](?:accessible|access|parking|ramps?|units?|spaces?|bathrooms?)\b/g,
  /\bwindow blinds?\b/g,
  /\b(?:black|white)(?:[- ]and[- ](?:black|white))? (?:appliances|cabinets|cabinetry|countertops|tiles?|trim|finish(?:es)?|walls|paint|fixtures|marble|granite|quartz|fence|board|list|noise|background)\b/g,
];

interface Matcher {
  term: FairHousingTerm;
  re: RegExp;
}

let matchers: { ok: RegExp[]; others: Matcher[] } | undefined;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?[- ]/g, '[- ]?\\s*');
}

function build(): { ok: RegExp[]; others: Matcher[] } {
  if (matchers) return matchers;
  const terms = fairHousingTerms();
  const ok = terms.filter((t) => t.verdict === 'ok').map((t) => new RegExp(`\\b${escape(t.term)}\\b`, 'g'));
  const others = terms
    .filter((t) => t.verdict !== 'ok')
    .sort((a, b) => b.term.length - a.term.length)
    .map((t) => ({ term: t, re: new RegExp(`\\b${escape(t.term)}\\b`, 'g') }));
  matchers = { ok, others };
  return matchers;
}

function blank(text: string, re: RegExp): string {
  return text.replace(re, (m) => ' '.repeat(m.length));
}

/** Up to `n` words either side of [start, end), without crossing a sentence boundary. */
export function wordsAround(text: string, start: number, end: number, n = 4): string {
  const boundary = /[.!?;:•|]/;
  let left = start;
  while (left > 0 && !boundary.test(text[left - 1]!)) left--;
  let right = end;
  while (right < text.length && !boundary.test(text[right]!)) right++;
  const before = text.slice(left, start).trim().split(/\s+/).filter(Boolean).slice(-n);
  const after = text.slice(end, right).trim().split(/\s+/).filter(Boolean).slice(0, n);
  return [...before, ...after].join(' ');
}

export interface FairHousingHit {
  term: FairHousingTerm;
  index: number;
}

/** The listed terms a piece of reader-facing text contains, after the ok phrases and context checks. */
export function fairHousingHits(raw: string): FairHousingHit[] {
  const { ok, others } = build();
  let text = normaliseText(raw);
  for (const re of ok) text = blank(text, re);
  for (const re of BENIGN) text = blank(text, re);
  const hits: FairHousingHit[] = [];
  for (const m of others) {
    for (const found of text.matchAll(m.re)) {
      const start = found.index!;
      const end = start + found[0].length;
      if (m.term.verdict === 'context') {
        const rest = wordsAround(text, start, end);
        let contextual: boolean;
        if (m.term.protected_class === 'catch_word') {
          // catch words (exclusive, private, restricted...) matter when they describe the community or its
          // people: "exclusive community", not "exclusive offer for new residents"
          contextual = PERSON_OR_AREA.test(wordsAround(text, end, end, 2));
        } else if (m.term.protected_class === 'familial_status') {
          contextual = PREFERENCE_OR_LIMIT.test(rest);
        } else {
          contextual = PREFERENCE_OR_LIMIT.test(rest) || PERSON_OR_AREA.test(rest);
        }
        if (!contextual) continue;
      }
      hits.push({ term: m.term, index: start });
    }
    text = blank(text, m.re); // a longer phrase consumes the words inside it
  }
  return hits.sort((a, b) => a.index - b.index);
}
