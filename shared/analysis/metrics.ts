import { isQuestion, turnsOf, wordCount } from './text.js';
import type { Sentence, Side } from './types.js';

/**
 * Gong-style interaction statistics of one call, computed from its transcript (see domain-notes.md):
 * - talk ratio: rep talk time / all talk time (0-1);
 * - longest monologue: the longest uninterrupted rep turn, seconds; longest customer story: the same for
 *   the customer;
 * - interactivity: speaker changes per minute of call, capped at 10 (Gong's 0-10 scale);
 * - patience: average pause, seconds, between a customer turn ending and the next rep turn starting
 *   (overlaps count as 0);
 * - question rate: questions asked by reps per hour of call.
 * Talk time is the sum of sentence durations. "Rep" is every internal speaker, "customer" every external one;
 * speakers of unknown affiliation count in neither side's share (they are kept per speaker).
 */
export interface SpeakerMetrics {
  speakerId: string;
  side: Side;
  talkMs: number;
  sentences: number;
  words: number;
  questions: number;
  longestTurnMs: number;
}

export interface CallMetrics {
  durationMs: number;
  repTalkMs: number;
  customerTalkMs: number;
  otherTalkMs: number;
  talkRatio: number | null;
  longestMonologueSeconds: number;
  longestCustomerStorySeconds: number;
  interactivity: number;
  patienceSeconds: number | null;
  questionRate: number;
  repQuestions: number;
  customerQuestions: number;
  speakerChanges: number;
  repWordsPerMinute: number | null;
  speakers: SpeakerMetrics[];
}

const round = (x: number, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function computeCallMetrics(
  sentences: readonly Sentence[],
  sideOfSpeaker: (speakerId: string | null) => Side,
): CallMetrics {
  const speakers = new Map<string, SpeakerMetrics>();
  let repTalk = 0;
  let customerTalk = 0;
  let otherTalk = 0;
  let repQuestions = 0;
  let customerQuestions = 0;
  let repWords = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const s of sentences) {
    const dur = Math.max(0, s.endMs - s.startMs);
    const side = sideOfSpeaker(s.speakerId);
    const key = s.speakerId ?? '';
    let sp = speakers.get(key);
    if (!sp) {
      sp = { speakerId: key, side, talkMs: 0, sentences: 0, words: 0, questions: 0, longestTurnMs: 0 };
      speakers.set(key, sp);
    }
    const words = wordCount(s.text);
    const q = isQuestion(s.text);
    sp.talkMs += dur;
    sp.sentences += 1;
    sp.words += words;
    if (q) sp.questions += 1;
    if (side === 'rep') {
      repTalk += dur;
      repWords += words;
      if (q) repQuestions += 1;
    } else if (side === 'customer') {
      customerTalk += dur;
      if (q) customerQuestions += 1;
    } else otherTalk += dur;
    first = Math.min(first, s.startMs);
    last = Math.max(last, s.endMs);
  }
  const durationMs = sentences.length ? Math.max(0, last - first) : 0;

  const turns = turnsOf(sentences, sideOfSpeaker);
  let longestRep = 0;
  let longestCustomer = 0;
  const pauses: number[] = [];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    const len = t.endMs - t.startMs;
    const sp = speakers.get(t.speakerId ?? '');
    if (sp) sp.longestTurnMs = Math.max(sp.longestTurnMs, len);
    if (t.side === 'rep') longestRep = Math.max(longestRep, len);
    if (t.side === 'customer') longestCustomer = Math.max(longestCustomer, len);
    const prev = turns[i - 1];
    if (prev && prev.side === 'customer' && t.side === 'rep')
      pauses.push(Math.max(0, t.startMs - prev.endMs));
  }
  const speakerChanges = Math.max(0, turns.length - 1);
  const minutes = durationMs / 60_000;
  const hours = durationMs / 3_600_000;
  const talk = repTalk + customerTalk;
  return {
    durationMs,
    repTalkMs: repTalk,
    customerTalkMs: customerTalk,
    otherTalkMs: otherTalk,
    talkRatio: talk > 0 ? round(repTalk / talk, 4) : null,
    longestMonologueSeconds: round(longestRep / 1000, 1),
    longestCustomerStorySeconds: round(longestCustomer / 1000, 1),
    interactivity: minutes > 0 ? round(Math.min(10, speakerChanges / minutes), 2) : 0,
    patienceSeconds: pauses.length
      ? round(pauses.reduce((a, b) => a + b, 0) / pauses.length / 1000, 2)
      : null,
    questionRate: hours > 0 ? round(repQuestions / hours, 1) : 0,
    repQuestions,
    customerQuestions,
    speakerChanges,
    repWordsPerMinute: repTalk > 0 ? round(repWords / (repTalk / 60_000), 1) : null,
    speakers: [...speakers.values()],
  };
}
