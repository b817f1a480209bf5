import type { CallDetail, Party, Segment } from './data/call-detail.js';
import { callCitation, formatOffset, maskEmail, pct, round } from './format.js';

/**
 * Pure rendering and derivation for one call: metrics from what Gong itself reported (talk time per party,
 * its interaction stats), parties, transcript lines. No I/O.
 */
export interface CallMetrics {
  talkRatio: number | null;
  longestMonologueSeconds: number | null;
  interactivity: number | null;
  patienceSeconds: number | null;
  questionRatePerHour: number | null;
  source: string;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Talk ratio = company speakers' talk time / all talk time (Gong's definition), from participants. */
export function talkRatioOf(parties: readonly Pick<Party, 'affiliation' | 'talkTimeMs'>[]): number | null {
  let rep = 0;
  let all = 0;
  for (const p of parties) {
    if (p.talkTimeMs === null || p.talkTimeMs <= 0) continue;
    all += p.talkTimeMs;
    if (p.affiliation.toLowerCase() === 'internal') rep += p.talkTimeMs;
  }
  return all > 0 ? rep / all : null;
}

export function metricsFromGong(
  call: Pick<CallDetail, 'interactionStats'>,
  parties: readonly Party[],
): CallMetrics {
  const s = call.interactionStats ?? {};
  return {
    talkRatio: round(talkRatioOf(parties), 3),
    longestMonologueSeconds: num(s['Longest Monologue']),
    interactivity: num(s['Interactivity']),
    patienceSeconds: num(s['Patience']),
    questionRatePerHour: num(s['Question Rate']),
    source: "Gong's interaction stats and participants' talk time",
  };
}

export function partyOut(p: Party, canSeePii: boolean) {
  return {
    name: p.name,
    email: maskEmail(p.email, canSeePii),
    title: p.title,
    company: p.company,
    affiliation: p.affiliation,
    kind: p.kind,
    speakerId: p.speakerId,
    talkTimeMs: p.talkTimeMs,
  };
}

export function segmentOut(callId: string, s: Segment) {
  return {
    segmentIndex: s.segmentIndex,
    startMs: s.startMs,
    endMs: s.endMs,
    speaker: s.speaker,
    affiliation: s.affiliation,
    text: s.text,
    citation: callCitation(callId, s.startMs, s.speaker),
  };
}

export function renderSegment(s: Segment): string {
  return `[${formatOffset(s.startMs)}] ${s.speaker ?? s.speakerId ?? '?'}: ${s.text}`;
}

export function renderCallHeader(c: CallDetail, parties: readonly Party[], m: CallMetrics): string {
  const lines = [
    `# ${c.title ?? 'Call'} (gong call ${c.callId})`,
    `${c.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC, ${c.durationSeconds ? `${Math.round(c.durationSeconds / 60)} min` : 'duration unknown'}, ${c.scope ?? ''} ${c.system ?? ''}`.trim(),
    `Rep: ${c.rep ?? 'unknown'}${c.account ? `; account: ${c.account.name}${c.account.pmsPlatform ? ` (${c.account.pmsPlatform}` : ''}${c.account.portfolioUnits ? `, ${c.account.portfolioUnits} units)` : c.account.pmsPlatform ? ')' : ''}` : ''}`,
    c.deal ? `Deal: ${c.deal.name} — ${c.deal.stage ?? '?'} (${c.deal.outcome ?? '?'})` : 'Deal: none linked',
    `Parties: ${parties.map((p) => `${p.name ?? '?'} (${p.affiliation}${p.title ? `, ${p.title}` : ''})`).join('; ')}`,
    `Metrics: talk ratio ${pct(m.talkRatio)}, longest monologue ${m.longestMonologueSeconds ?? 'n/a'} s, interactivity ${m.interactivity ?? 'n/a'}, patience ${m.patienceSeconds ?? 'n/a'} s`,
  ];
  if (c.brief) lines.push(`Brief: ${c.brief}`);
  if (c.url) lines.push(`Gong: ${c.url}`);
  return lines.join('\n');
}
