/**
 * How the offline embedder's vector list is fused with BM25, chosen on held-out queries. On a BEIR-format
 * dataset (e.g. the manual-page set from bench/datasets/manpages-beir.ts) it ranks every query in process
 * with BM25 and with the offline embedder (exact cosine), then prints nDCG@10 of reciprocal rank fusion
 * (k, vector weight) and of convex score combination (vector share alpha) on a DEV split (queries after the
 * first 500) and on the TEST split (the first 500, what `sophia kb eval --max-queries 500` reports). Pick on
 * dev; read test only to report.
 *
 *   npx tsx bench/fusion-weights.ts DATASET_DIR
 */
import { loadBeir } from '../shared/search/eval/beir.js';
import { Bm25Index } from '../shared/search/eval/bm25.js';
import { ndcgAt } from '../shared/search/eval/metrics.js';
import { OfflineEmbedder } from '../shared/search/embedder/offline.js';

const ds = loadBeir(process.argv[2]!);
const bm = new Bm25Index();
for (const d of ds.corpus) bm.add(d.id, `${d.title}\n${d.text}`);
const emb = new OfflineEmbedder();
const docVecs: number[][] = [];
for (let i = 0; i < ds.corpus.length; i += 64)
  docVecs.push(
    ...(await emb.embed(
      ds.corpus.slice(i, i + 64).map((d) => `${d.title}\n${d.text}`),
      'document',
    )),
  );
type L = Array<{ id: string; score: number }>;
const runs: Array<{ q: string; b: L; v: L }> = [];
for (const q of ds.queries) {
  if (!ds.qrels.has(q.id)) continue;
  const b = bm.search(q.text, 100);
  const [qv] = await emb.embed([q.text], 'query');
  const sims = docVecs.map((dv, i) => ({
    id: ds.corpus[i]!.id,
    score: dv.reduce((s, x, j) => s + x * qv![j]!, 0),
  }));
  sims.sort((a, c) => c.score - a.score);
  runs.push({ q: q.id, b, v: sims.slice(0, 100) });
}
const test = runs.slice(0, 500);
const dev = runs.slice(500);
function rrf(r: (typeof runs)[0], w: number, k: number): string[] {
  const s = new Map<string, number>();
  r.b.forEach((h, i) => s.set(h.id, (s.get(h.id) ?? 0) + 1 / (k + i + 1)));
  r.v.forEach((h, i) => s.set(h.id, (s.get(h.id) ?? 0) + w / (k + i + 1)));
  return [...s.entries()].sort((a, c) => c[1] - a[1]).map((e) => e[0]);
}
function norm(l: L): Map<string, number> {
  if (!l.length) return new Map();
  const max = l[0]!.score;
  const min = l[l.length - 1]!.score;
  return new Map(l.map((h) => [h.id, max > min ? (h.score - min) / (max - min) : 1]));
}
function cc(r: (typeof runs)[0], a: number): string[] {
  const nb = norm(r.b);
  const nv = norm(r.v);
  const ids = new Set([...nb.keys(), ...nv.keys()]);
  return [...ids]
    .map((id) => [id, (1 - a) * (nb.get(id) ?? 0) + a * (nv.get(id) ?? 0)] as const)
    .sort((x, y) => y[1] - x[1])
    .map((e) => e[0]);
}
const score = (set: typeof runs, f: (r: (typeof runs)[0]) => string[]) =>
  set.reduce((s, r) => s + ndcgAt(f(r), ds.qrels.get(r.q)!, 10), 0) / set.length;
console.log(`dev ${dev.length} test ${test.length}`);
console.log(
  'bm25',
  score(dev, (r) => r.b.map((h) => h.id)).toFixed(4),
  score(test, (r) => r.b.map((h) => h.id)).toFixed(4),
);
console.log(
  'vec ',
  score(dev, (r) => r.v.map((h) => h.id)).toFixed(4),
  score(test, (r) => r.v.map((h) => h.id)).toFixed(4),
);
for (const k of [10, 30, 60])
  for (const w of [0.1, 0.2, 0.3, 0.5, 1])
    console.log(
      `rrf k=${k} w=${w}`,
      score(dev, (r) => rrf(r, w, k)).toFixed(4),
      score(test, (r) => rrf(r, w, k)).toFixed(4),
    );
for (const a of [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5])
  console.log(`cc a=${a}`, score(dev, (r) => cc(r, a)).toFixed(4), score(test, (r) => cc(r, a)).toFixed(4));
