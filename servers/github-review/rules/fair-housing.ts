import { addedLines } from '../diff/diff-types.js';
import { fairHousingTerms, type FairHousingTerm } from '../../../shared/compliance/fair-housing-terms.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';
import { normalise, readableText } from './user-facing-text.js';

/**
 * Fair Housing Act advertising language in user-facing text (listings, templates, emails, messages),
 * driven by HUD's terms (shared/compliance/data/fair_housing_terms.csv):
 *  - `flag` terms are reported wherever they appear as words or phrases;
 *  - `context` terms (black, white, private, exclusive, children...) only when the same sentence describes
 *    people or an area (residents, neighbourhood, community...) or states a preference or limit (only, no,
 *    ideal for...), so "black appliances", "white cabinets" and "private patio" pass;
 *  - `ok` phrases (master bedroom, family room, walk-in closets, jogging trails...) are blanked first and
 *    never flagged;
 *  - `flag_if_state_law` (no Section 8, no vouchers) is a warning: source of income is protected by many
 *    states and cities but not by the federal Act.
 */
const PERSON_OR_AREA =
  /\b(people|persons?|residents?|tenants?|neighbou?rs?|neighbou?rhoods?|communit(?:y|ies)|area|district|block|famil(?:y|ies)|couples?|buyers?|renters?|applicants?|individuals?|occupants?|m[ae]n|wom[ae]n|folks|kids|households?|professionals?|students?|population|crowd|owners?|members?|guests?|seniors?|clientele|locals?)\b/;
const PREFERENCE_OR_LIMIT =
  /\b(only|no|not|never|prefer(?:red|ence)?|ideal(?:ly)?|perfect|suitable|suited|welcome[ds]?|allowed|permitted|must|exclusively|restricted|limit(?:ed)?|maximum|max|under|over)\b/;

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
  let text = normalise(raw);
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

export const fairHousingRule = defineRule({
  id: 'compliance/fair-housing',
  title: 'Fair Housing advertising language',
  description:
    "HUD's discriminatory-preference terms in text residents or prospects read (templates, listings, emails, messages). Ambiguous words need a person/area noun or a preference nearby; HUD's 'ok' phrases (master bedroom, family room, walk-in closets...) are never flagged.",
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || !input.isUserFacing(file.path)) continue;
      for (const { line, text } of addedLines(file)) {
        const readable = readableText(text, file.path);
        if (!readable.trim()) continue;
        for (const hit of fairHousingHits(readable)) {
          const t = hit.term;
          const severity = t.verdict === 'flag' ? 'error' : 'warning';
          const why =
            t.verdict === 'flag_if_state_law'
              ? "source of income is protected by many states and cities (not by the federal Act): check the property's jurisdiction"
              : t.verdict === 'context'
                ? `read in context it may state a preference or limitation based on ${t.protected_class.replace(/_/g, ' ')}`
                : `it may indicate a preference, limitation or discrimination based on ${t.protected_class.replace(/_/g, ' ')}`;
          findings.push({
            ruleId: 'compliance/fair-housing',
            severity,
            path: file.path,
            line,
            side: 'RIGHT',
            message: `'${t.term}' in text residents or prospects read: ${why}. Describe the property, not who should live there.${t.note ? ` (${t.note})` : ''}`,
            evidence: excerpt(text),
            cite: `${t.source}; 42 U.S.C. 3604(c)`,
          });
        }
      }
    }
    return findings;
  },
});
