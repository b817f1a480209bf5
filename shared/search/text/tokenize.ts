import { stemmer } from 'stemmer';
import { STOPWORDS } from './stopwords.js';

/**
 * Tokenisation shared by the lexical parts of search (the offline embedder, the BM25 baseline, snippets):
 * Unicode-aware word splitting, lower case, English stop words removed, Porter stemming.
 */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased words in order (stop words kept). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) out.push(m[0].replace(/['’].*$/, ''));
  return out;
}

/** Stemmed content terms (stop words and one-character tokens other than digits removed). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    if (w.length === 1 && !/\d/.test(w)) continue;
    out.push(w.length > 2 && !/\d/.test(w) ? stemmer(w) : w);
  }
  return out;
}

/** Counts of each item. */
export function counts<T>(items: Iterable<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
