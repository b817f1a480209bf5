import { stemmer } from 'stemmer';
import { terms, words } from './text/tokenize.js';

/**
 * The part of a chunk that best shows why it matched: the window of consecutive lines (at most `maxChars`)
 * containing the most distinct query terms, with its line offset inside the chunk. Pure and fast.
 */
export interface Snippet {
  text: string;
  /** 0-based index of the window's first line within the chunk. */
  lineOffset: number;
  lineCount: number;
  /** Query terms found in the window. */
  matched: string[];
}

function stemOf(w: string): string {
  return w.length > 2 && !/\d/.test(w) ? stemmer(w) : w;
}

export function makeSnippet(content: string, query: string, maxChars = 320): Snippet {
  const wanted = new Set(terms(query));
  const lines = content.split('\n');
  const lineTerms = lines.map(
    (l) =>
      new Set(
        words(l)
          .map(stemOf)
          .filter((t) => wanted.has(t)),
      ),
  );
  let best = { start: 0, end: 0, score: -1 };
  for (let start = 0; start < lines.length; start++) {
    if (lines[start]!.trim() === '' && start + 1 < lines.length) continue;
    let len = 0;
    const found = new Set<string>();
    let end = start;
    while (end < lines.length && (end === start || len + lines[end]!.length + 1 <= maxChars)) {
      len += lines[end]!.length + 1;
      for (const t of lineTerms[end]!) found.add(t);
      end++;
    }
    const score = found.size * 10 - (end - start) * 0.01;
    if (score > best.score) best = { start, end, score };
    if (found.size === wanted.size && wanted.size > 0) break;
  }
  // Tighten: drop leading and trailing lines without a query term (keep at least one line).
  if (wanted.size > 0) {
    while (best.end - best.start > 1 && lineTerms[best.start]!.size === 0) best.start++;
    while (best.end - best.start > 1 && lineTerms[best.end - 1]!.size === 0) best.end--;
  }
  let text = lines.slice(best.start, best.end).join('\n').trim();
  if (text.length > maxChars) text = `${text.slice(0, maxChars - 1).trimEnd()}…`;
  const matched = new Set<string>();
  for (let i = best.start; i < best.end; i++) for (const t of lineTerms[i]!) matched.add(t);
  return {
    text,
    lineOffset: best.start,
    lineCount: Math.max(1, best.end - best.start),
    matched: [...matched],
  };
}
