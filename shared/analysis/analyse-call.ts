import { gaveMiniMiranda, isCollectionCall } from './call-kind.js';
import { type CompetitorDetector, type CompetitorMention } from './competitors.js';
import {
  type FairHousingDetector,
  type FairHousingFinding,
  phoneTimeZones,
  timeOfDayViolation,
  type TimeOfDayViolation,
} from './compliance.js';
import { type CallMetrics, computeCallMetrics } from './metrics.js';
import { detectObjections, isNextStep, type ObjectionEpisode } from './objections.js';
import { extractTerms } from './terms.js';
import { type TrackerHit, type TrackerMatcher } from './trackers.js';
import { wordCount } from './text.js';
import { type Sentence, type Side, sideOf } from './types.js';

/**
 * Everything the analysis derives from one call, as plain data: the stage writes it to the derived
 * tables. Bump ANALYSER_VERSION whenever a change here changes what is derived: every call is analysed
 * again on the next run.
 */
export const ANALYSER_VERSION = 'analysis@1';

export type CallKind = 'sales' | 'collection' | 'internal';

export interface ParticipantInput {
  participantId: string | null;
  speakerId: string | null;
  affiliation: string | null;
  name: string | null;
  title: string | null;
  phone: string | null;
}

export interface CallInput {
  callId: string;
  startedAt: Date;
  title: string | null;
  participants: readonly ParticipantInput[];
  sentences: ReadonlyArray<Sentence & { topic?: string | null }>;
}

export interface AnalysisTools {
  competitors: CompetitorDetector;
  trackers: TrackerMatcher;
  fairHousing: FairHousingDetector;
  /** NANP prefix -> IANA time zones (shared/compliance/data/nanp_time_zones.json). */
  nanp: Readonly<Record<string, readonly string[]>>;
  /** FDCPA calling window in the consumer's local time. */
  window?: { earliest: string; latest: string };
}

export interface ContentChunk {
  firstSegment: number;
  lastSegment: number;
  startMs: number;
  endMs: number;
  speakerId: string | null;
  content: string;
}

export interface CallAnalysis {
  kind: CallKind;
  metrics: CallMetrics;
  nextStep: boolean;
  episodes: ObjectionEpisode[];
  mentions: Array<CompetitorMention & { sentence: number }>;
  trackerHits: Array<TrackerHit & { sentence: number }>;
  fairHousing: Array<FairHousingFinding & { sentence: number }>;
  timeOfDay: Array<TimeOfDayViolation & { phone: string; speakerId: string | null }>;
  /** A collection call on which no rep gave the mini-Miranda disclosure. */
  missingMiniMiranda: boolean;
  /** Phones of the residents reached on a collection call (for the 7-in-7 rule across calls). */
  residentPhones: string[];
  terms: Array<{ kind: string; term: string; customer: boolean; startMs: number; text: string }>;
  chunks: ContentChunk[];
}

export function analyseCall(call: CallInput, tools: AnalysisTools): CallAnalysis {
  const bySpeaker = new Map<string, ParticipantInput>();
  for (const p of call.participants) if (p.speakerId) bySpeaker.set(p.speakerId, p);
  const side = (id: string | null): Side => sideOf(id ? bySpeaker.get(id)?.affiliation : null);
  const s = call.sentences;
  const hasExternal =
    call.participants.some((p) => sideOf(p.affiliation) === 'customer') ||
    s.some((x) => side(x.speakerId) === 'customer');
  const internalTitles = call.participants.filter((p) => sideOf(p.affiliation) === 'rep').map((p) => p.title);
  const kind: CallKind = !hasExternal
    ? 'internal'
    : isCollectionCall(s, side, internalTitles)
      ? 'collection'
      : 'sales';

  const metrics = computeCallMetrics(s, side);
  const episodes =
    kind === 'sales' ? detectObjections(s, side, { competitors: tools.competitors.names }) : [];
  const nextStep = kind !== 'internal' && s.some((x) => side(x.speakerId) === 'rep' && isNextStep(x.text));

  const mentions: CallAnalysis['mentions'] = [];
  const trackerHits: CallAnalysis['trackerHits'] = [];
  const fairHousing: CallAnalysis['fairHousing'] = [];
  const terms: CallAnalysis['terms'] = [];
  s.forEach((x, i) => {
    const sd = side(x.speakerId);
    for (const m of tools.competitors.detect(x.text)) mentions.push({ ...m, sentence: i });
    for (const h of tools.trackers.match(x.text, sd)) trackerHits.push({ ...h, sentence: i });
    if (kind !== 'internal')
      for (const f of tools.fairHousing.detect(x.text)) fairHousing.push({ ...f, sentence: i });
    if (x.topic)
      terms.push({
        kind: 'topic',
        term: x.topic.toLowerCase(),
        customer: sd === 'customer',
        startMs: x.startMs,
        text: x.text,
      });
    if (sd === 'customer' && kind === 'sales')
      for (const term of extractTerms(x.text))
        terms.push({ kind: 'term', term, customer: true, startMs: x.startMs, text: x.text });
  });
  for (const e of episodes)
    terms.push({ kind: 'objection', term: e.type, customer: true, startMs: e.startMs, text: e.quote });
  for (const m of mentions) {
    const x = s[m.sentence]!;
    terms.push({
      kind: 'competitor',
      term: m.competitor,
      customer: side(x.speakerId) === 'customer',
      startMs: x.startMs,
      text: x.text,
    });
  }

  const timeOfDay: CallAnalysis['timeOfDay'] = [];
  const residentPhones: string[] = [];
  let missingMiniMiranda = false;
  if (kind === 'collection') {
    for (const p of call.participants) {
      if (sideOf(p.affiliation) === 'rep' || !p.phone) continue;
      residentPhones.push(p.phone);
      const v = timeOfDayViolation(call.startedAt, phoneTimeZones(p.phone, tools.nanp), tools.window);
      if (v) timeOfDay.push({ ...v, phone: p.phone, speakerId: p.speakerId });
    }
    missingMiniMiranda = s.length > 0 && !gaveMiniMiranda(s, side);
  }

  return {
    kind,
    metrics,
    nextStep,
    episodes,
    mentions,
    trackerHits,
    fairHousing,
    timeOfDay,
    missingMiniMiranda,
    residentPhones,
    terms,
    chunks: chunkTranscript(s, (id) => (id ? bySpeaker.get(id)?.name : null) ?? null, side),
  };
}

/**
 * Cuts a transcript into search chunks along conversation turns: whole turns are gathered until a chunk
 * holds about `targetWords` words (a turn longer than `maxWords` is cut between sentences). Each line is
 * "Speaker: text", so a search for a person's words finds them.
 */
export function chunkTranscript(
  sentences: readonly Sentence[],
  nameOf: (speakerId: string | null) => string | null,
  side: (speakerId: string | null) => Side,
  targetWords = 150,
  maxWords = 300,
): ContentChunk[] {
  const out: ContentChunk[] = [];
  let cur: { lines: string[]; words: number; first: Sentence; last: Sentence } | undefined;
  let lineSpeaker: string | null | undefined;
  const flush = () => {
    if (cur)
      out.push({
        firstSegment: cur.first.index,
        lastSegment: cur.last.index,
        startMs: cur.first.startMs,
        endMs: cur.last.endMs,
        speakerId: cur.first.speakerId,
        content: cur.lines.join('\n'),
      });
    cur = undefined;
    lineSpeaker = undefined;
  };
  for (const x of sentences) {
    const w = wordCount(x.text);
    const newTurn = lineSpeaker !== x.speakerId;
    if (cur && ((newTurn && cur.words >= targetWords) || cur.words + w > maxWords)) flush();
    const label =
      nameOf(x.speakerId) ??
      (side(x.speakerId) === 'rep' ? 'Rep' : side(x.speakerId) === 'customer' ? 'Customer' : 'Speaker');
    if (!cur) cur = { lines: [], words: 0, first: x, last: x };
    if (lineSpeaker !== x.speakerId || cur.lines.length === 0) cur.lines.push(`${label}: ${x.text}`);
    else cur.lines[cur.lines.length - 1] += ` ${x.text}`;
    lineSpeaker = x.speakerId;
    cur.words += w;
    cur.last = x;
  }
  flush();
  return out;
}
