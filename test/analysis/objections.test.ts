import { describe, expect, it } from 'vitest';
import {
  classifyHandling,
  classifyObjection,
  detectObjections,
  isNextStep,
} from '../../shared/analysis/objections.js';
import type { Sentence, Side } from '../../shared/analysis/types.js';

// Wording written for these tests (not the demo generator's phrase pools): each line is how a property
// manager might push back, and the type a sales coach would file it under.
const OBJECTIONS: Array<[string, string]> = [
  ['pricing', 'Candidly, that monthly number is way more than we set aside for software this year.'],
  ['pricing', "Your fee per door is almost double what we're paying now."],
  ['pricing', 'I love the product but the price is just too high for a company our size.'],
  ['pricing', "Ownership won't sign off on another line item at that cost."],
  ['pricing', 'Is that really the best you can do on price?'],
  ['integration', "If it can't sync with Entrata both ways, we can't use it."],
  ['integration', 'I worry the connector to AppFolio will break every time they push an update.'],
  [
    'integration',
    'We had a vendor whose RealPage integration failed constantly, I am not going through that again.',
  ],
  ['integration', 'Does this actually write back to the general ledger, or is my team doing double entry?'],
  ['ai_trust', 'I just do not trust a chatbot to answer residents about their lease.'],
  ['ai_trust', 'What if the AI tells someone the wrong price on a two bedroom?'],
  ['ai_trust', "I'm worried the bot will invent policies we don't have."],
  ['compliance', 'Our attorneys will need to review how the assistant stays within Fair Housing rules.'],
  ['compliance', 'We cannot move forward without seeing your SOC 2 Type II report.'],
  ['compliance', 'I am concerned about how you store card data, are you PCI compliant?'],
  ['timing', "We're knee deep in a system migration, so this isn't the right time."],
  ['timing', "Let's circle back next quarter, we don't have the bandwidth right now."],
  ['timing', "It's just not a priority until after the renovation wraps up."],
  ['contract', "We won't sign anything longer than a one-year term."],
  ['contract', 'Our legal team will never accept an auto-renewal clause like that.'],
  ['contract', 'We need a termination clause if the service levels are missed.'],
  ['competitor', "We're pretty happy with ClickPay and already use it everywhere."],
];

// Decoys: the topic is mentioned, nobody objects.
const DECOYS = [
  'The pricing sheet is clear, it fits our plan.',
  'Pricing looks reasonable to me.',
  'The Yardi integration sounds straightforward.',
  "We're not worried about the contract, legal already approved it.",
  'No concerns on compliance, our auditors liked your SOC 2 report.',
  'What does the pricing look like for a portfolio of our size?',
  'How long does setup usually take?',
  'We manage about four thousand units, mostly garden style.',
  'Timing works for us, we want to go live next month.',
  'The AI assistant demo was impressive, the team loved it.',
  'Our sister company uses EliseAI and seems happy enough.',
  'Residents pay mostly by ACH these days.',
  "Budget is already set aside for this, so that's not an issue.",
];

describe('classifyObjection', () => {
  it.each(OBJECTIONS)('%s: %s', (type, text) => {
    expect(classifyObjection(text, ['ClickPay', 'EliseAI'])?.type).toBe(type);
  });

  it.each(DECOYS)('is not an objection: %s', (text) => {
    expect(classifyObjection(text, ['ClickPay', 'EliseAI'])).toBeUndefined();
  });

  it('follows the clause after a contrast', () => {
    expect(classifyObjection('The demo was great, but the contract term is far too long for us.')?.type).toBe(
      'contract',
    );
    expect(classifyObjection('The price is steep, but honestly it pays for itself.')).toBeUndefined();
  });

  it('negated concern is approval', () => {
    expect(classifyObjection("I'm not worried about the integration with Yardi.")).toBeUndefined();
    expect(classifyObjection('I am worried about the integration with Yardi.')?.type).toBe('integration');
  });

  it('a complaint about a service in use is not an objection', () => {
    expect(classifyObjection('Payments did not post to Yardi again last week.')).toBeUndefined();
  });
});

describe('classifyHandling', () => {
  it.each([
    ['discount', 'I can take ten percent off if we sign this month.'],
    ['evidence', 'Here is a case study from a customer your size: delinquency fell by two points.'],
    ['value_reframe', 'Think of it as the total cost of the manual work it replaces.'],
    ['probe', 'Help me understand what is driving that concern?'],
    ['defer', 'Let me check with our integration team and get back to you tomorrow.'],
    ['deflect', "Honestly, don't worry about that, it's never been an issue."],
    ['empathize', 'I hear you, that is completely fair.'],
  ])('%s: %s', (approach, text) => {
    expect(classifyHandling(text)).toBe(approach);
  });
});

describe('isNextStep', () => {
  it('recognises commitments with a time or a concrete artefact', () => {
    expect(isNextStep("I'll send the proposal over by Thursday.")).toBe(true);
    expect(isNextStep('Can we book thirty minutes next week with your controller?')).toBe(true);
    expect(isNextStep('The next step is a pilot at two communities.')).toBe(true);
    expect(isNextStep('We send reminders by text and email.')).toBe(false);
  });
});

describe('detectObjections', () => {
  const sides: Record<string, Side> = { r: 'rep', c: 'customer' };
  const side = (id: string | null) => sides[id ?? ''] ?? 'unknown';
  const s = (index: number, speakerId: string, startMs: number, endMs: number, text: string): Sentence => ({
    index,
    speakerId,
    startMs,
    endMs,
    text,
  });

  it('pairs the objection with the next rep turn, its pause, talk share and the next step', () => {
    const call = [
      s(0, 'r', 0, 4000, 'Thanks for joining today.'),
      s(1, 'c', 5000, 9000, 'The per-unit fee is higher than we budgeted.'),
      s(2, 'c', 9000, 12000, 'And we just hired a new team.'),
      s(3, 'r', 14500, 20000, 'Fair concern, let me show you a case study from a portfolio your size.'),
      s(4, 'c', 21000, 23000, 'Okay.'),
      s(5, 'r', 24000, 28000, "I'll send the ROI model by Friday."),
    ];
    const [e, ...rest] = detectObjections(call, side);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      type: 'pricing',
      sentence: 1,
      startMs: 5000,
      speakerId: 'c',
      response: { speakerId: 'r', startMs: 14500, pauseMs: 2500, handling: 'evidence' },
      nextStep: { sentence: 5 },
    });
    // from 5.0 s to the customer's next turn at 21.0 s: the rep talked 5.5 s of 12.5 s
    expect(e!.episodeRepTalkRatio).toBeCloseTo(5500 / 12500, 3);
  });

  it('never reports a rep as objecting', () => {
    const call = [s(0, 'r', 0, 1000, 'I know the price feels too high for a portfolio your size.')];
    expect(detectObjections(call, side)).toEqual([]);
  });
});
