import { counts, terms } from '../search/text/tokenize.js';
import { isQuestion, phrasePattern } from './text.js';
import type { Side } from './types.js';

/**
 * Trackers (Gong's keyword and "smart" trackers): a keyword tracker matches its phrases as whole words,
 * optionally only in a rep's or a customer's speech, and records whether the sentence was a question; a
 * concept tracker matches sentences similar to its example sentences (cosine of stemmed-word vectors with
 * word pairs, so "is that the best you can do?" meets "can you do better on price?").
 */
export interface TrackerDefinition {
  name: string;
  kind: 'keyword' | 'concept';
  category: string | null;
  phrases: readonly string[];
  examples: readonly string[];
  speaker: 'any' | 'rep' | 'customer';
  threshold: number | null;
}

export interface TrackerHit {
  tracker: string;
  category: string | null;
  phrase: string;
  saidAsQuestion: boolean;
  confidence: number;
  detector: 'sophia:keyword' | 'sophia:concept';
}

export const DEFAULT_CONCEPT_THRESHOLD = 0.5;

type Vec = Map<string, number>;

/** The bag of stemmed words and adjacent pairs of a text, unit length. */
export function conceptVector(text: string): Vec {
  const t = terms(text);
  const feats: string[] = [...t];
  for (let i = 1; i < t.length; i++) feats.push(`${t[i - 1]}_${t[i]}`);
  const v = new Map<string, number>();
  for (const [f, n] of counts(feats)) v.set(f, (f.includes('_') ? 0.7 : 1) * (1 + Math.log(n)));
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

export function cosine(a: Vec, b: Vec): number {
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) {
    const y = big.get(k);
    if (y !== undefined) s += x * y;
  }
  return s;
}

interface Compiled {
  def: TrackerDefinition;
  patterns: Array<{ phrase: string; re: RegExp }>;
  examples: Vec[];
  /** Stemmed words of the examples: a sentence sharing none cannot be similar. */
  vocabulary: Set<string>;
}

export class TrackerMatcher {
  readonly #trackers: Compiled[];

  constructor(definitions: readonly TrackerDefinition[]) {
    this.#trackers = definitions.map((def) => {
      const examples = def.kind === 'concept' ? def.examples.map(conceptVector) : [];
      const vocabulary = new Set<string>();
      for (const e of examples) for (const k of e.keys()) if (!k.includes('_')) vocabulary.add(k);
      return {
        def,
        patterns:
          def.kind === 'keyword'
            ? def.phrases.map((phrase) => ({ phrase, re: phrasePattern(phrase, 'i') }))
            : [],
        examples,
        vocabulary,
      };
    });
  }

  get size(): number {
    return this.#trackers.length;
  }

  /** The trackers a sentence matches. */
  match(text: string, side: Side): TrackerHit[] {
    const out: TrackerHit[] = [];
    let vec: Vec | undefined;
    let stems: Set<string> | undefined;
    for (const t of this.#trackers) {
      const { def } = t;
      if (def.speaker === 'rep' && side !== 'rep') continue;
      if (def.speaker === 'customer' && side === 'rep') continue;
      if (def.kind === 'keyword') {
        for (const p of t.patterns) {
          const m = p.re.exec(text);
          if (m) {
            out.push({
              tracker: def.name,
              category: def.category,
              phrase: m[0],
              saidAsQuestion: isQuestion(text),
              confidence: 1,
              detector: 'sophia:keyword',
            });
            break;
          }
        }
      } else if (t.examples.length) {
        stems ??= new Set(terms(text));
        let shared = false;
        for (const s of stems)
          if (t.vocabulary.has(s)) {
            shared = true;
            break;
          }
        if (!shared) continue;
        vec ??= conceptVector(text);
        let best = 0;
        for (const e of t.examples) best = Math.max(best, cosine(vec, e));
        if (best >= (def.threshold ?? DEFAULT_CONCEPT_THRESHOLD)) {
          out.push({
            tracker: def.name,
            category: def.category,
            phrase: text,
            saidAsQuestion: isQuestion(text),
            confidence: Math.round(best * 1000) / 1000,
            detector: 'sophia:concept',
          });
        }
      }
    }
    return out;
  }
}

/**
 * The trackers every tenant starts with (stored in tracker_definitions on first analysis, editable there):
 * keyword trackers for the topics sales teams in this market track, and concept trackers for moments
 * that are said in many ways.
 */
export const BUILTIN_TRACKERS: readonly TrackerDefinition[] = [
  {
    name: 'pricing',
    kind: 'keyword',
    category: 'value',
    phrases: ['price', 'pricing', 'cost', 'per unit', 'per door', 'budget', 'fee', 'discount', 'quote'],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'pms_integration',
    kind: 'keyword',
    category: 'feature',
    phrases: [
      'Yardi',
      'RealPage',
      'AppFolio',
      'Entrata',
      'MRI',
      'ResMan',
      'integration',
      'sync',
      'ledger',
      'write back',
    ],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'ai_assistant',
    kind: 'keyword',
    category: 'feature',
    phrases: ['AI', 'chatbot', 'assistant', 'automation', 'automated'],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'compliance_terms',
    kind: 'keyword',
    category: 'compliance',
    phrases: ['Fair Housing', 'FDCPA', 'Regulation F', 'SOC 2', 'PCI', 'compliance', 'compliant', 'audit'],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'contract_terms',
    kind: 'keyword',
    category: 'playbook',
    phrases: [
      'contract',
      'MSA',
      'order form',
      'auto-renewal',
      'termination',
      'payment terms',
      'liability cap',
    ],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'delinquency',
    kind: 'keyword',
    category: 'value',
    phrases: ['delinquency', 'past due', 'late payments', 'late fees', 'collections', 'bad debt'],
    examples: [],
    speaker: 'any',
    threshold: null,
  },
  {
    name: 'discount_request',
    kind: 'concept',
    category: 'objection',
    phrases: [],
    examples: [
      'Is that the best you can do on price?',
      'Can you do any better on the pricing?',
      'Is there a discount if we sign this quarter?',
      'Could you come down on the per unit fee?',
    ],
    speaker: 'customer',
    threshold: 0.45,
  },
  {
    name: 'next_steps',
    kind: 'concept',
    category: 'playbook',
    phrases: [],
    examples: [
      'I will send over the proposal by Friday.',
      'Let us schedule a follow-up call next week.',
      'The next step is a technical call with your team.',
      'Can we get time on the calendar with your CFO?',
    ],
    speaker: 'rep',
    threshold: 0.45,
  },
  {
    name: 'churn_risk',
    kind: 'concept',
    category: 'value',
    phrases: [],
    examples: [
      'We are evaluating whether to renew.',
      'We are frustrated, this is not working for us.',
      'We are looking at other vendors before the renewal.',
      'My team is doing more manual work, not less.',
    ],
    speaker: 'customer',
    threshold: 0.45,
  },
];
