import type { FairHousingTerm } from '../compliance/fair-housing-terms.js';
import { escapeRegExp, normalizeText } from './text.js';

/**
 * Compliance checks over what was said (Fair Housing) and over the call log (FDCPA / Regulation F). Pure:
 * the lexicon, the rules' parameters and the time-zone table are passed in. Not legal advice.
 *
 * Fair Housing (42 U.S.C. 3604(c)): a `flag` term is a finding wherever it is said affirmatively; a
 * `flag_if_state_law` term (source of income) is a medium finding; a `context` term only when a person or
 * neighbourhood noun is near it ("white cabinets" is not a finding, "white neighborhood" is); an `ok`
 * phrase (HUD: not a violation, e.g. "master bedroom", "jogging trails") is removed from the text before
 * anything is matched, so it can never be flagged; a term said in a negation ("we never say adults only")
 * is not a finding.
 */
export interface FairHousingFinding {
  term: string;
  protectedClass: string;
  verdict: 'flag' | 'context' | 'flag_if_state_law';
  severity: 'high' | 'medium';
  cite: string;
  match: string;
}

const PERSON_OR_PLACE =
  /\b(?:people|person|persons|folks|residents?|tenants?|renters?|applicants?|prospects?|families|family|kids|children|neighbou?rs?|neighbou?rhoods?|area|crowd|clientele|types?|kind of (?:people|person|folks)|man|men|woman|women|guys?|couples?|singles|students|households?|buyers|community of)\b/i;
const NEGATION_BEFORE =
  /\b(?:never|not|no longer|don't|do not|doesn't|does not|can't|cannot|won't|shouldn't|should not|avoid|without|refuse to|not allowed to|illegal to|can never)\b[^.?!]{0,25}$/i;

interface CompiledTerm {
  term: FairHousingTerm;
  re: RegExp;
}

export class FairHousingDetector {
  readonly #terms: CompiledTerm[];
  readonly #ok: RegExp[];
  readonly #gate: RegExp;

  constructor(lexicon: readonly FairHousingTerm[]) {
    const pattern = (t: string) =>
      `(?<![a-z0-9])${escapeRegExp(t.toLowerCase()).replace(/[\s-]+/g, '[\\s-]+')}(?![a-z0-9])`;
    this.#ok = lexicon.filter((t) => t.verdict === 'ok').map((t) => new RegExp(pattern(t.term), 'gi'));
    // Longer terms first: "adults only" is reported, not also "adults".
    this.#terms = lexicon
      .filter((t) => t.verdict !== 'ok')
      .sort((a, b) => b.term.length - a.term.length)
      .map((term) => ({ term, re: new RegExp(pattern(term.term), 'i') }));
    this.#gate = new RegExp(this.#terms.map((t) => t.re.source).join('|'), 'i');
  }

  detect(sentence: string): FairHousingFinding[] {
    let text = normalizeText(sentence);
    if (!this.#gate.test(text)) return [];
    for (const ok of this.#ok) text = text.replace(ok, (m) => ' '.repeat(m.length));
    const out: FairHousingFinding[] = [];
    const covered: Array<[number, number]> = [];
    for (const { term, re } of this.#terms) {
      const m = re.exec(text);
      if (!m) continue;
      const from = m.index;
      const to = from + m[0].length;
      if (covered.some(([a, b]) => from < b && to > a)) continue;
      if (NEGATION_BEFORE.test(text.slice(Math.max(0, from - 40), from))) continue;
      if (term.verdict === 'context') {
        const around = text.slice(Math.max(0, from - 40), Math.min(text.length, to + 40));
        if (!PERSON_OR_PLACE.test(around.replace(m[0], ' '))) continue;
      }
      covered.push([from, to]);
      out.push({
        term: term.term,
        protectedClass: term.protected_class,
        verdict: term.verdict as FairHousingFinding['verdict'],
        severity: term.verdict === 'flag_if_state_law' || term.verdict === 'context' ? 'medium' : 'high',
        cite: term.source,
        match: sentence.substr(from, m[0].length),
      });
    }
    return out;
  }
}

/**
 * NANP time zones of a phone number from the prefix table (longest prefix wins). Numbers outside country
 * code 1, or not in the table, have no candidate zones.
 */
export function phoneTimeZones(
  e164: string | null | undefined,
  prefixes: Readonly<Record<string, readonly string[]>>,
): string[] {
  const digits = (e164 ?? '').replace(/\D/g, '');
  if (!digits.startsWith('1') || digits.length < 4) return [];
  for (let n = Math.min(digits.length, 8); n >= 4; n--) {
    const zones = prefixes[digits.slice(0, n)];
    if (zones) return [...zones];
  }
  return [];
}

/** Local time of day (minutes after midnight) of an instant in a time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

const hhmm = (mins: number) =>
  `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;

export interface TimeOfDayViolation {
  timeZone: string;
  localTime: string;
  candidates: string[];
}

/**
 * FDCPA 1692c(a)(1) / Reg F 1006.6(b)(1)(i): a call is convenient only between 08:00 and 21:00 local time,
 * in EVERY time zone the consumer may be in. Returns the first zone where the call falls outside, or null.
 */
export function timeOfDayViolation(
  at: Date,
  zones: readonly string[],
  window = { earliest: '08:00', latest: '21:00' },
): TimeOfDayViolation | null {
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const lo = toMin(window.earliest);
  const hi = toMin(window.latest);
  for (const tz of zones) {
    const m = localMinutes(at, tz);
    if (m < lo || m >= hi) return { timeZone: tz, localTime: hhmm(m), candidates: [...zones] };
  }
  return null;
}

export interface ContactAttempt {
  callId: string;
  at: Date;
}

/**
 * Reg F 1006.14(b)(2)(i)(A): more than `maxCalls` calls to one person within `windowDays` consecutive days
 * is presumed harassment. Returns each window that breaks it (the calls in it), merged so that one run of
 * calls is reported once.
 */
export function frequencyViolations(
  attempts: readonly ContactAttempt[],
  maxCalls = 7,
  windowDays = 7,
): Array<{ calls: ContactAttempt[]; from: Date; to: Date }> {
  const sorted = [...attempts].sort((a, b) => a.at.getTime() - b.at.getTime());
  const span = windowDays * 86_400_000;
  const out: Array<{ calls: ContactAttempt[]; from: Date; to: Date }> = [];
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]!.at.getTime() - sorted[lo]!.at.getTime() >= span) lo++;
    if (hi - lo + 1 > maxCalls) {
      const calls = sorted.slice(lo, hi + 1);
      const last = out.at(-1);
      if (last && calls[0]!.at.getTime() <= last.to.getTime()) {
        for (const c of calls) if (!last.calls.includes(c)) last.calls.push(c);
        last.to = calls.at(-1)!.at;
      } else out.push({ calls, from: calls[0]!.at, to: calls.at(-1)!.at });
    }
  }
  return out;
}
