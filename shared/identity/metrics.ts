import { createRequire } from 'node:module';
import { distance as levenshteinDistance } from 'fastest-levenshtein';

/**
 * String metrics and phonetic codes from kept libraries: Jaro-Winkler and Double Metaphone from talisman
 * (1.1.4, CommonJS without types, loaded through createRequire), Levenshtein from fastest-levenshtein.
 */
const require = createRequire(import.meta.url);
const talismanJaroWinkler = require('talisman/metrics/jaro-winkler') as (a: string, b: string) => number;
const talismanDoubleMetaphone = require('talisman/phonetics/double-metaphone') as (
  word: string,
) => [string, string];

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, boost threshold 0.7: the standard parameters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  return talismanJaroWinkler(a, b);
}

/** Levenshtein edit distance. */
export function levenshtein(a: string, b: string): number {
  return a === b ? 0 : levenshteinDistance(a, b);
}

/** Double Metaphone codes of a string's letters (primary and alternate), or [] when it has no letters. */
export function doubleMetaphone(value: string): string[] {
  const letters = value.replace(/[^a-z]/gi, '');
  if (letters.length === 0) return [];
  const [p, s] = talismanDoubleMetaphone(letters);
  return p === s || !s ? [p] : [p, s];
}
