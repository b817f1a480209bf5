import { hash32 } from '../text/hash.js';
import { counts, terms, words } from '../text/tokenize.js';
import { type Embedder, type InputType, normalize } from './embedder.js';

/**
 * The offline default: a lexical embedder that needs no model file, no download and no key.
 *
 * A text becomes a bag of features — Porter-stemmed content words, adjacent-word pairs, and character
 * n-grams of each word (so "renewal" meets "renewals" and "re-new", and typos still overlap) — each weighted
 * by a saturating term frequency and hashed with a random sign into `dims` buckets (the "hashing trick"),
 * then scaled to unit length. Cosine similarity of two such vectors approximates a weighted overlap of their
 * words and word pieces. It knows no synonyms: "lease" and "rental agreement" share nothing. See the README
 * (search section) for its measured quality against BM25.
 */
export interface OfflineEmbedderOptions {
  dims?: number;
  /** Weight of a word-pair feature relative to a word. */
  bigramWeight?: number;
  /** Total weight of a word's character n-grams relative to the word itself. */
  charWeight?: number;
  /** n-gram sizes. */
  charGrams?: number[];
}

export const OFFLINE_MODEL = 'sophia-lexical-v1';

export class OfflineEmbedder implements Embedder {
  readonly kind = 'offline' as const;
  readonly id: string;
  readonly dims: number;
  readonly maxBatch = 512;
  readonly #bigram: number;
  readonly #char: number;
  readonly #grams: number[];

  constructor(options: OfflineEmbedderOptions = {}) {
    this.dims = options.dims ?? 1024;
    if (!Number.isInteger(this.dims) || this.dims < 16 || this.dims > 16_000)
      throw new Error(`offline embedder: dims must be a whole number from 16 to 16000, got ${this.dims}`);
    this.#bigram = options.bigramWeight ?? 0.5;
    this.#char = options.charWeight ?? 0.5;
    this.#grams = options.charGrams ?? [3, 4, 5];
    const variant =
      options.bigramWeight === undefined && options.charWeight === undefined && !options.charGrams
        ? ''
        : `:b${this.#bigram}:c${this.#char}:g${this.#grams.join('')}`;
    this.id = `offline:${OFFLINE_MODEL}:${this.dims}${variant}`;
  }

  async embed(texts: string[], _inputType: InputType): Promise<number[][]> {
    return texts.map((t) => this.vector(t));
  }

  /** The features of a text and their weights (exposed for tests and diagnostics). */
  features(text: string): Map<string, number> {
    const feats = new Map<string, number>();
    const add = (f: string, w: number) => feats.set(f, (feats.get(f) ?? 0) + w);
    const t = terms(text);
    for (const [term, tf] of counts(t)) add(`w:${term}`, saturate(tf));
    if (this.#bigram > 0) {
      const pairs = counts(t.slice(1).map((x, i) => `${t[i]} ${x}`));
      for (const [pair, tf] of pairs) add(`b:${pair}`, this.#bigram * saturate(tf));
    }
    if (this.#char > 0) {
      const ws = counts(words(text).filter((w) => w.length >= 4));
      for (const [w, tf] of ws) {
        const grams = charGrams(`<${w}>`, this.#grams);
        if (grams.length === 0) continue;
        const each = (this.#char * saturate(tf)) / Math.sqrt(grams.length);
        for (const g of grams) add(`c:${g}`, each);
      }
    }
    return feats;
  }

  vector(text: string): number[] {
    const v = new Float64Array(this.dims);
    for (const [f, w] of this.features(text)) {
      const h = hash32(f);
      const i = h % this.dims;
      v[i] = (v[i] ?? 0) + (h & 0x80000000 ? -w : w);
    }
    return normalize(v);
  }
}

/** 1 + ln(tf): repeated words count, with diminishing returns. */
function saturate(tf: number): number {
  return 1 + Math.log(tf);
}

function charGrams(s: string, sizes: number[]): string[] {
  const out: string[] = [];
  for (const n of sizes) for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
  return out;
}
