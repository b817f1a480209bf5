import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Qrels } from './metrics.js';

/**
 * Loads a retrieval dataset in BEIR format: corpus.jsonl ({_id, title, text} per line), queries.jsonl
 * ({_id, text}) and qrels/<split>.tsv (query-id, corpus-id, score, with a header line). Problems are
 * reported with the file and line.
 */
export interface BeirDataset {
  corpus: Array<{ id: string; title: string; text: string }>;
  queries: Array<{ id: string; text: string }>;
  qrels: Qrels;
}

export class BeirFormatError extends Error {
  override name = 'BeirFormatError';
}

function readJsonl(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) throw new BeirFormatError(`${file} does not exist`);
  const out: Array<Record<string, unknown>> = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const v = JSON.parse(line) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        out.push(v as Record<string, unknown>);
      } catch (err) {
        throw new BeirFormatError(`${file}:${i + 1}: not a JSON object (${(err as Error).message})`);
      }
    });
  return out;
}

export function loadBeir(dir: string, split = 'test'): BeirDataset {
  const corpusFile = join(dir, 'corpus.jsonl');
  const corpus = readJsonl(corpusFile).map((d, i) => {
    if (d._id === undefined || d._id === null || String(d._id) === '')
      throw new BeirFormatError(`${corpusFile}: document ${i + 1} has no _id`);
    return {
      id: String(d._id),
      title: typeof d.title === 'string' ? d.title : '',
      text: typeof d.text === 'string' ? d.text : '',
    };
  });
  const queriesFile = join(dir, 'queries.jsonl');
  const queries = readJsonl(queriesFile).map((q, i) => {
    if (q._id === undefined || typeof q.text !== 'string')
      throw new BeirFormatError(`${queriesFile}: query ${i + 1} needs _id and text`);
    return { id: String(q._id), text: q.text };
  });
  const qrelsFile = join(dir, 'qrels', `${split}.tsv`);
  if (!existsSync(qrelsFile)) throw new BeirFormatError(`${qrelsFile} does not exist`);
  const qrels: Qrels = new Map();
  readFileSync(qrelsFile, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim() || (i === 0 && /query/i.test(line))) return;
      const [q, d, s] = line.split('\t');
      const score = Number(s);
      if (!q || !d || !Number.isFinite(score))
        throw new BeirFormatError(`${qrelsFile}:${i + 1}: expected query-id<TAB>corpus-id<TAB>score`);
      let m = qrels.get(q);
      if (!m) qrels.set(q, (m = new Map()));
      m.set(d, score);
    });
  if (corpus.length === 0) throw new BeirFormatError(`${corpusFile} has no documents`);
  if (qrels.size === 0) throw new BeirFormatError(`${qrelsFile} has no judgements`);
  return { corpus, queries, qrels };
}
