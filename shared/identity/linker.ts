import {
  type BlockKey,
  blockingKeys,
  compareValues,
  defaultBlockKeys,
  describeComparison,
  type FieldSpec,
  kindLevels,
  type Prepared,
  prepareValue,
} from './comparisons.js';

/**
 * A Fellegi-Sunter record linker, as Splink builds one (pure, deterministic for a given seed):
 *
 *  1. blocking: candidate pairs are records that share a blocking key under at least one rule (a rule is one
 *     or more (field, key) parts; a block bigger than `maxBlockPairs` pairs is skipped: a value that common
 *     does not discriminate, and other rules still see those records);
 *  2. comparison levels per field (comparisons.ts), computed once per candidate pair;
 *  3. u probabilities from random record pairs (which are almost all non-matches), Laplace-smoothed;
 *  4. m probabilities by expectation-maximisation without labels, one training session per blocking rule
 *     with u fixed: a session's pairs were chosen for agreeing on the rule's fields, so those fields' m is
 *     not estimated there; each field's m is the mean over the sessions that estimate it;
 *  5. the prior (probability that two random records match): EM of the match share among candidate pairs,
 *     scaled to all pairs;
 *  6. per pair: match weight = log2(prior odds) + sum of field weights log2(m/u), where exact agreement on a
 *     field with term-frequency adjustment weighs log2(m / tf(value)) (a common value counts for less);
 *     probability = 2^w / (1 + 2^w).
 */
export interface LinkRecord {
  id: string;
  values: Record<string, unknown>;
}

export interface RulePart {
  field: string;
  key: BlockKey;
}

export interface BlockingRule {
  name: string;
  parts: RulePart[];
}

export interface LinkSettings {
  fields: FieldSpec[];
  /** Blocking rules; default: each field's default keys (comparisons.ts defaultBlockKeys), one rule each. */
  rules?: BlockingRule[];
  /** A block producing more pairs than this is skipped (default 2,500). */
  maxBlockPairs?: number;
  /** Random pairs for u (default 200,000, or every pair when there are fewer). */
  randomPairs?: number;
  /** Probability at or above which a pair is a link (default 0.5). */
  threshold?: number;
  seed?: number;
  maxIterations?: number;
}

export type LinkMode = 'dedupe' | 'link';

export interface FieldParams {
  field: string;
  kind: string;
  levels: readonly string[];
  /** Per level; index 0 (null) is unused. */
  m: number[];
  u: number[];
  tf: boolean;
  /** Training sessions that estimated m. */
  sessions: number;
}

export interface LinkModel {
  mode: LinkMode;
  prior: number;
  fields: FieldParams[];
  /** Per rule: pairs that satisfy it, pairs it added (not found by an earlier rule), blocks skipped. */
  rules: Array<BlockingRule & { pairs: number; added: number; skippedBlocks: number }>;
  candidatePairs: number;
  totalPairs: number;
  randomPairs: number;
  emIterations: number[];
  threshold: number;
}

export interface ScoredPair {
  left: string;
  right: string;
  weight: number;
  probability: number;
}

export interface FieldExplanation {
  field: string;
  level: string;
  measure: string;
  weight: number;
  /** Set when term-frequency adjustment applied (the value's share of records). */
  termFrequency?: number;
}

export interface LinkResult {
  model: LinkModel;
  /** Pairs at or above the threshold, strongest first. */
  links: ScoredPair[];
  /** Explains one candidate pair by record ids. */
  explain(left: string, right: string): { weight: number; probability: number; fields: FieldExplanation[] };
  timings: Record<string, number>;
}

/** mulberry32: a small seeded generator, so runs are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const log2 = Math.log2;

export function defaultRules(fields: readonly FieldSpec[]): BlockingRule[] {
  return fields.flatMap((f) =>
    defaultBlockKeys(f.kind).map((key) => ({ name: `${f.name}:${key}`, parts: [{ field: f.name, key }] })),
  );
}

class Prepped {
  readonly n: number;
  readonly cols: Array<Array<Prepared | null>>;
  readonly tf: Array<Map<string, number>>;
  readonly nonNull: number[];
  constructor(
    readonly fields: readonly FieldSpec[],
    readonly records: readonly LinkRecord[],
  ) {
    this.n = records.length;
    this.cols = fields.map((f) => records.map((r) => prepareValue(f.kind, r.values[f.name])));
    this.tf = this.cols.map((col) => {
      const m = new Map<string, number>();
      for (const p of col) if (p) m.set(p.v, (m.get(p.v) ?? 0) + 1);
      return m;
    });
    this.nonNull = this.cols.map((col) => col.filter((p) => p !== null).length);
  }
  levels(i: number, j: number, out: Uint8Array, offset: number): void {
    for (let f = 0; f < this.fields.length; f++) {
      const col = this.cols[f]!;
      out[offset + f] = compareValues(this.fields[f]!.kind, col[i]!, col[j]!);
    }
  }
}

/**
 * Links records: `left` alone is deduplicated; `left` and `right` are linked (pairs across the two only).
 */
export function linkRecords(
  settings: LinkSettings,
  left: readonly LinkRecord[],
  right?: readonly LinkRecord[],
): LinkResult {
  const timings: Record<string, number> = {};
  // CPU milliseconds per phase (wall time on a busy machine says little about the work done)
  let t0 = process.cpuUsage();
  const lap = (name: string) => {
    const d = process.cpuUsage(t0);
    timings[name] = Math.round((d.user + d.system) / 1000);
    t0 = process.cpuUsage();
  };
  const fields = settings.fields;
  if (fields.length === 0) throw new Error('no fields to compare: give at least one field');
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw new Error(`field '${f.name}' is given twice`);
    names.add(f.name);
  }
  const mode: LinkMode = right ? 'link' : 'dedupe';
  const records = right ? [...left, ...right] : [...left];
  const nLeft = left.length;
  const n = records.length;
  const F = fields.length;
  const data = new Prepped(fields, records);
  const fieldIndex = new Map(fields.map((f, i) => [f.name, i]));
  const rules = settings.rules ?? defaultRules(fields);
  for (const r of rules)
    for (const p of r.parts)
      if (!fieldIndex.has(p.field))
        throw new Error(`blocking rule '${r.name}' names field '${p.field}', which is not among the fields`);
  if (rules.length > 31) throw new Error('at most 31 blocking rules');
  const maxBlockPairs = settings.maxBlockPairs ?? 2500;
  const threshold = settings.threshold ?? 0.5;
  const totalPairs = mode === 'link' ? nLeft * (n - nLeft) : (n * (n - 1)) / 2;
  lap('prepare');

  // --- 1. blocking
  const pairMask = new Map<number, number>();
  const ruleStats = rules.map((r) => ({ ...r, pairs: 0, added: 0, skippedBlocks: 0 }));
  rules.forEach((rule, ri) => {
    const blocks = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      let keys: string[] = [''];
      for (const part of rule.parts) {
        const p = data.cols[fieldIndex.get(part.field)!]![i]!;
        if (!p) {
          keys = [];
          break;
        }
        const ks = blockingKeys(p, part.key).filter((k) => k !== '');
        keys = keys.flatMap((prefix) => ks.map((k) => (prefix ? `${prefix}\u0001${k}` : k)));
      }
      for (const k of new Set(keys)) {
        let b = blocks.get(k);
        if (!b) blocks.set(k, (b = []));
        b.push(i);
      }
    }
    const bit = 1 << ri;
    for (const members of blocks.values()) {
      if (members.length < 2) continue;
      let ls: number[] = members;
      let rs: number[] = members;
      if (mode === 'link') {
        ls = members.filter((i) => i < nLeft);
        rs = members.filter((i) => i >= nLeft);
        if (ls.length * rs.length > maxBlockPairs) {
          ruleStats[ri]!.skippedBlocks++;
          continue;
        }
      } else if ((members.length * (members.length - 1)) / 2 > maxBlockPairs) {
        ruleStats[ri]!.skippedBlocks++;
        continue;
      }
      for (const i of ls)
        for (const j of rs) {
          if (mode === 'dedupe' && j <= i) continue;
          const key = i * n + j;
          const prev = pairMask.get(key);
          if (prev === undefined) ruleStats[ri]!.added++;
          if (((prev ?? 0) & bit) === 0) ruleStats[ri]!.pairs++;
          pairMask.set(key, (prev ?? 0) | bit);
        }
    }
  });
  const P = pairMask.size;
  const pairKeys = Float64Array.from(pairMask.keys()).sort();
  const masks = new Uint32Array(P);
  pairKeys.forEach((k, idx) => (masks[idx] = pairMask.get(k)!));
  pairMask.clear();
  lap('blocking');

  // --- 2. comparison levels of every candidate pair
  const levels = new Uint8Array(P * F);
  for (let idx = 0; idx < P; idx++) {
    const k = pairKeys[idx]!;
    const i = Math.floor(k / n);
    data.levels(i, k - i * n, levels, idx * F);
  }
  lap('compare');

  // --- 3. u from random pairs
  const random = rng(settings.seed ?? 42);
  const wanted = settings.randomPairs ?? 200_000;
  const uCounts = fields.map((f) => new Float64Array(kindLevels(f.kind).length));
  const row = new Uint8Array(F);
  let sampled = 0;
  if (totalPairs <= wanted) {
    for (let i = 0; i < n; i++)
      for (let j = mode === 'link' ? nLeft : i + 1; j < n; j++) {
        if (mode === 'link' && i >= nLeft) break;
        data.levels(i, j, row, 0);
        for (let f = 0; f < F; f++) uCounts[f]![row[f]!]!++;
        sampled++;
      }
  } else {
    while (sampled < wanted) {
      let i: number;
      let j: number;
      if (mode === 'link') {
        i = Math.floor(random() * nLeft);
        j = nLeft + Math.floor(random() * (n - nLeft));
      } else {
        i = Math.floor(random() * n);
        j = Math.floor(random() * n);
        if (i === j) continue;
      }
      data.levels(i, j, row, 0);
      for (let f = 0; f < F; f++) uCounts[f]![row[f]!]!++;
      sampled++;
    }
  }
  const u = uCounts.map((c) => {
    const L = c.length;
    let total = 0;
    for (let l = 1; l < L; l++) total += c[l]!;
    const out = [0];
    for (let l = 1; l < L; l++) out.push((c[l]! + 1) / (total + (L - 1)));
    return out;
  });
  lap('u');

  // --- 4. m by EM, one session per rule
  // Patterns: identical level vectors are counted once.
  const patternOf = (idx: number) => {
    let s = '';
    for (let f = 0; f < F; f++) s += String.fromCharCode(48 + levels[idx * F + f]!);
    return s;
  };
  const patterns: string[] = new Array(P);
  for (let idx = 0; idx < P; idx++) patterns[idx] = patternOf(idx);

  const initM = (L: number) => {
    // level 1 (exact) most likely among matches, halving down to "else"
    const m = [0];
    let total = 0;
    for (let l = 1; l < L; l++) total += 2 ** (L - 1 - l);
    for (let l = 1; l < L; l++) m.push(2 ** (L - 1 - l) / total);
    return m;
  };

  type Pattern = { levels: number[]; count: number };
  const collect = (bit: number | null): Pattern[] => {
    const counts = new Map<string, number>();
    for (let idx = 0; idx < P; idx++) {
      if (bit !== null && (masks[idx]! & bit) === 0) continue;
      counts.set(patterns[idx]!, (counts.get(patterns[idx]!) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([s, count]) => ({ levels: [...s].map((ch) => ch.charCodeAt(0) - 48), count }));
  };

  const maxIterations = settings.maxIterations ?? 100;
  const emIterations: number[] = [];
  // EM over patterns. `estimate`: fields whose m is estimated and whose comparisons count in the E-step
  // (a session's blocked fields say nothing there: every pair agrees on them). `fixM`: only the match share
  // is estimated, from every field.
  const runEm = (pats: Pattern[], estimate: boolean[], m: number[][], lambda0: number, fixM = false) => {
    let lambda = lambda0;
    const pm = new Float64Array(pats.length);
    let it = 0;
    for (; it < maxIterations; it++) {
      // E-step
      let sumP = 0;
      let sumN = 0;
      for (let q = 0; q < pats.length; q++) {
        const pat = pats[q]!;
        let lm = Math.log(lambda);
        let lu = Math.log(1 - lambda);
        for (let f = 0; f < F; f++) {
          const l = pat.levels[f]!;
          if (l === 0 || (!fixM && !estimate[f])) continue;
          lm += Math.log(m[f]![l]!);
          lu += Math.log(u[f]![l]!);
        }
        const p = 1 / (1 + Math.exp(lu - lm));
        pm[q] = p;
        sumP += p * pat.count;
        sumN += pat.count;
      }
      // M-step
      const newLambda = Math.min(Math.max(sumP / sumN, 1e-9), 1 - 1e-9);
      let change = Math.abs(newLambda - lambda);
      lambda = newLambda;
      if (!fixM) {
        for (let f = 0; f < F; f++) {
          if (!estimate[f]) continue;
          const L = m[f]!.length;
          const acc = new Float64Array(L);
          let total = 0;
          for (let q = 0; q < pats.length; q++) {
            const l = pats[q]!.levels[f]!;
            if (l === 0) continue;
            const w = pm[q]! * pats[q]!.count;
            acc[l] = acc[l]! + w;
            total += w;
          }
          if (total <= 0) continue;
          for (let l = 1; l < L; l++) {
            const next = Math.max(acc[l]! / total, 1e-6);
            change = Math.max(change, Math.abs(next - m[f]![l]!));
            m[f]![l] = next;
          }
        }
      }
      if (change < 1e-6) break;
    }
    emIterations.push(it + 1);
    return lambda;
  };

  const mSum = fields.map((f) => new Array<number>(kindLevels(f.kind).length).fill(0));
  const sessions = new Array<number>(F).fill(0);
  rules.forEach((rule, ri) => {
    if (ruleStats[ri]!.pairs === 0) return;
    const blocked = new Set(rule.parts.map((p) => fieldIndex.get(p.field)!));
    const estimate = fields.map((_, f) => !blocked.has(f));
    if (!estimate.some(Boolean)) return;
    const m = fields.map((f) => initM(kindLevels(f.kind).length));
    runEm(collect(1 << ri), estimate, m, 0.3);
    for (let f = 0; f < F; f++) {
      if (!estimate[f]) continue;
      sessions[f]!++;
      for (let l = 1; l < m[f]!.length; l++) mSum[f]![l]! += m[f]![l]!;
    }
  });
  const allPatterns = collect(null);
  // Fields no session could estimate (every rule blocks on them): one session over all candidate pairs.
  if (sessions.some((s) => s === 0) && P > 0) {
    const m = fields.map((f) => initM(kindLevels(f.kind).length));
    runEm(
      allPatterns,
      fields.map(() => true),
      m,
      0.3,
    );
    for (let f = 0; f < F; f++)
      if (sessions[f] === 0) for (let l = 1; l < m[f]!.length; l++) mSum[f]![l] = m[f]![l]!;
  }
  const m = mSum.map((s, f) => (sessions[f]! > 0 ? s.map((x) => x / sessions[f]!) : s));
  lap('em');

  // --- 5. prior: the match share among candidate pairs (EM on the share alone), scaled to all pairs
  const lambdaCandidates = P > 0 ? runEm(allPatterns, [], m, 0.1, true) : 0;
  const prior = Math.min(Math.max((lambdaCandidates * P) / Math.max(totalPairs, 1), 1e-12), 0.5);
  const priorWeight = log2(prior / (1 - prior));

  // --- 6. scoring
  const tfOn = fields.map((f) => f.tf ?? f.kind !== 'number');
  const levelWeight = m.map((mf, f) => mf.map((x, l) => (l === 0 ? 0 : log2(x / u[f]![l]!))));
  const fieldWeight = (f: number, l: number, i: number): { w: number; tf?: number } => {
    if (l === 1 && tfOn[f]) {
      const p = data.cols[f]![i]!;
      const share = Math.max(data.tf[f]!.get(p.v)! / Math.max(data.nonNull[f]!, 1), 1 / Math.max(n, 1));
      // exact agreement on this value: m(exact) / tf(value), never below the untagged weight of a miss
      return { w: log2(m[f]![1]! / share), tf: share };
    }
    return { w: levelWeight[f]![l]! };
  };
  const links: ScoredPair[] = [];
  for (let idx = 0; idx < P; idx++) {
    const k = pairKeys[idx]!;
    const i = Math.floor(k / n);
    let w = priorWeight;
    for (let f = 0; f < F; f++) w += fieldWeight(f, levels[idx * F + f]!, i).w;
    const probability = 1 / (1 + 2 ** -w);
    if (probability >= threshold)
      links.push({ left: records[i]!.id, right: records[k - i * n]!.id, weight: w, probability });
  }
  links.sort(
    (a, b) =>
      b.weight - a.weight || (a.left < b.left ? -1 : a.left > b.left ? 1 : a.right < b.right ? -1 : 1),
  );
  lap('score');

  const byId = new Map(records.map((r, i) => [r.id, i]));
  const model: LinkModel = {
    mode,
    prior,
    fields: fields.map((f, fi) => ({
      field: f.name,
      kind: f.kind,
      levels: kindLevels(f.kind),
      m: m[fi]!,
      u: u[fi]!,
      tf: tfOn[fi]!,
      sessions: sessions[fi]!,
    })),
    rules: ruleStats,
    candidatePairs: P,
    totalPairs,
    randomPairs: sampled,
    emIterations,
    threshold,
  };
  return {
    model,
    links,
    timings,
    explain(leftId, rightId) {
      const i = byId.get(leftId);
      const j = byId.get(rightId);
      if (i === undefined || j === undefined)
        throw new Error(`unknown record id ${i === undefined ? leftId : rightId}`);
      const out: FieldExplanation[] = [];
      let w = priorWeight;
      data.levels(i, j, row, 0);
      for (let f = 0; f < F; f++) {
        const l = row[f]!;
        const fw = fieldWeight(f, l, i);
        w += fw.w;
        out.push({
          field: fields[f]!.name,
          level: kindLevels(fields[f]!.kind)[l]!,
          measure: describeComparison(fields[f]!.kind, data.cols[f]![i]!, data.cols[f]![j]!),
          weight: Math.round(fw.w * 100) / 100,
          ...(fw.tf !== undefined ? { termFrequency: fw.tf } : {}),
        });
      }
      return { weight: w, probability: 1 / (1 + 2 ** -w), fields: out };
    },
  };
}
