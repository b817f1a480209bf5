import type { Sentence, Side, Turn } from './types.js';

/** Words of a text, lower-cased, apostrophes kept inside words ("don't"). */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

/** Number of words (runs of non-space characters that contain a letter or digit). */
export function wordCount(text: string): number {
  let n = 0;
  let counted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (space) {
      counted = false;
    } else {
      if (!counted && ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127)) {
        n++;
        counted = true;
      }
    }
  }
  return n;
}

const QUESTION_OPENER =
  /^(?:so,?\s+|and\s+|but\s+|okay,?\s+|ok,?\s+|right,?\s+)?(?:who|what|when|where|why|how|which|is|are|do|does|did|can|could|would|will|should|have|has|may)\b/i;

/**
 * Whether a sentence is a question: it ends with a question mark (transcription punctuates questions), or,
 * for unpunctuated transcripts, it opens like one and has no final full stop.
 */
export function isQuestion(text: string): boolean {
  const t = text.trim();
  if (t.endsWith('?')) return true;
  if (/[.!]$/.test(t)) return false;
  return QUESTION_OPENER.test(t);
}

/** Normalises text for phrase matching: lower case, typographic quotes and dashes made plain, spaces squeezed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes a literal for a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A RegExp matching a phrase as whole words, tolerant of spacing and hyphens between its words ("per unit",
 * "per-unit") and of a plural s on the last word.
 */
export function phrasePattern(phrase: string, flags = 'gi'): RegExp {
  const parts = normalizeText(phrase)
    .split(/[\s-]+/)
    .filter(Boolean)
    .map(escapeRegExp);
  const body = parts.join('[\\s-]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?:e?s)?(?![\\p{L}\\p{N}])`, `${flags}u`);
}

/** Cuts a call's sentences into turns: consecutive sentences of the same speaker. */
export function turnsOf(sentences: readonly Sentence[], sideOfSpeaker: (id: string | null) => Side): Turn[] {
  const turns: Turn[] = [];
  sentences.forEach((s, i) => {
    const last = turns.at(-1);
    if (last && last.speakerId === s.speakerId) {
      last.last = i;
      last.endMs = Math.max(last.endMs, s.endMs);
    } else {
      turns.push({
        speakerId: s.speakerId,
        side: sideOfSpeaker(s.speakerId),
        first: i,
        last: i,
        startMs: s.startMs,
        endMs: s.endMs,
      });
    }
  });
  return turns;
}
