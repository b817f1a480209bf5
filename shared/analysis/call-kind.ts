import type { Sentence, Side } from './types.js';

/**
 * What kind of conversation a call is, from what is said on it. A debt-collection call (an agent calling a
 * resident about unpaid rent) is not a sales conversation: its "objections" are a resident's hardship, and
 * it is subject to the FDCPA / Regulation F contact rules instead.
 */
const COLLECTION_CUES = [
  /\battempt to collect a debt\b/i,
  /\bany information obtained will be used\b/i,
  /\bpast[- ]due\b/i,
  /\b(?:outstanding|unpaid|remaining|overdue) (?:balance|rent|amount)\b/i,
  /\bbalance (?:on|of|for) your (?:account|lease|unit)\b/i,
  /\bbehind on (?:your |the )?(?:rent|payments?)\b/i,
  /\bpayment (?:plan|arrangement)s?\b/i,
  /\bmake a payment\b/i,
  /\b(?:late fees?|delinquen\w+) on your\b/i,
  /\bcalling (?:from \w+ )?(?:about|regarding) (?:your|the) (?:balance|account|rent)\b/i,
  /\bon behalf of\b/i,
  /\bsplit (?:that|it|the (?:balance|amount|payment)) (?:into|over)\b/i,
  /\b(?:link|way) to pay\b|\bpay (?:online|today|the balance|what you can)\b/i,
];
const COLLECTOR_TITLE = /\b(?:collections?|collector|recovery|accounts receivable|a\/r|delinquency)\b/i;

/**
 * Whether the call is a debt-collection call: an internal participant's title says collections, or the
 * internal side speaks like a debt collector (two distinct collection cues).
 */
export function isCollectionCall(
  sentences: readonly Sentence[],
  sideOf: (id: string | null) => Side,
  internalTitles: readonly (string | null)[] = [],
): boolean {
  if (internalTitles.some((t) => t && COLLECTOR_TITLE.test(t))) return true;
  const found = new Set<number>();
  for (const s of sentences) {
    if (sideOf(s.speakerId) !== 'rep') continue;
    COLLECTION_CUES.forEach((re, i) => {
      if (re.test(s.text)) found.add(i);
    });
    if (found.size >= 2) return true;
  }
  return false;
}

/** The mini-Miranda disclosure (15 U.S.C. 1692e(11)): the collector says it is attempting to collect a debt. */
export const MINI_MIRANDA =
  /\b(?:attempt(?:ing)? to collect a debt|this is a communication from a debt collector)\b/i;

/** Whether a rep gave the mini-Miranda disclosure on the call. */
export function gaveMiniMiranda(
  sentences: readonly Sentence[],
  sideOf: (id: string | null) => Side,
): boolean {
  return sentences.some((s) => sideOf(s.speakerId) === 'rep' && MINI_MIRANDA.test(s.text));
}
