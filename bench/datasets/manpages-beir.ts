/**
 * Builds a BEIR-format retrieval dataset from the manual pages installed on this machine (section 1 and 8):
 * each page's NAME line ("ls - list directory contents") becomes a query ("list directory contents"), the
 * rest of the page (roff stripped, first 3,000 characters, the command's own name removed) becomes its one
 * relevant document. A known-item task with human-written text: it measures how well a retriever matches a
 * short paraphrase-like description to a long technical text. Pages sharing a NAME text are dropped.
 *
 *   npx tsx bench/datasets/manpages-beir.ts OUT_DIR [--limit N]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

function stripRoff(src: string): string {
  return src
    .split('\n')
    .filter((l) => !l.startsWith('.\\"') && !l.startsWith('\'\\"'))
    .map((l) => (l.startsWith('.') ? l.replace(/^\.[A-Za-z]+\s*/, '') : l))
    .join('\n')
    .replace(/\\f[BIRP]|\\f\(..|\\f\[[^\]]*\]/g, '')
    .replace(/\\\(..|\\\[[^\]]*\]/g, ' ')
    .replace(/\\[-e]/g, '-')
    .replace(/\\[&|^,/%:]/g, '')
    .replace(/\\s[-+]?\d/g, '')
    .replace(/\\\*\(..|\\\*./g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/"/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function parsePage(text: string): { name: string; description: string; body: string } | undefined {
  const m = /^\.SH\s+"?NAME"?\s*\n([\s\S]*?)\n\.SH/m.exec(text);
  if (!m) return undefined;
  const nameLine = stripRoff(m[1]!).replace(/\n/g, ' ');
  const parts = /^(.*?)\s+[-\u2013]+\s+(.*)$/.exec(nameLine);
  if (!parts) return undefined;
  const names = parts[1]!.split(/[,\s]+/).filter(Boolean);
  const description = parts[2]!.trim();
  const rest = text.slice(m.index + m[0].length - 3);
  let body = stripRoff(rest);
  for (const n of names) body = body.split(n).join(' ');
  return { name: names[0] ?? '', description, body: body.replace(/\s+/g, ' ').trim().slice(0, 3000) };
}

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: manpages-beir.ts OUT_DIR [--limit N]\n');
  process.exit(2);
}
const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;

const pages: Array<{ id: string; name: string; description: string; body: string }> = [];
for (const section of ['man1', 'man8']) {
  const dir = join('/usr/share/man', section);
  let files: string[] = [];
  try {
    files = readdirSync(dir).sort();
  } catch {
    continue;
  }
  for (const f of files) {
    if (!f.endsWith('.gz')) continue;
    let text: string;
    try {
      text = gunzipSync(readFileSync(join(dir, f))).toString('utf8');
    } catch {
      continue;
    }
    if (/^\.so /m.test(text.slice(0, 200))) continue;
    const p = parsePage(text);
    if (!p || p.description.split(/\s+/).length < 3 || p.body.length < 200) continue;
    pages.push({ id: `${section}/${f.replace(/\.gz$/, '')}`, ...p });
  }
}
const byDescription = new Map<string, number>();
for (const p of pages)
  byDescription.set(p.description.toLowerCase(), (byDescription.get(p.description.toLowerCase()) ?? 0) + 1);
const kept = pages.filter((p) => byDescription.get(p.description.toLowerCase()) === 1).slice(0, limit);

mkdirSync(join(out, 'qrels'), { recursive: true });
writeFileSync(
  join(out, 'corpus.jsonl'),
  kept.map((p) => JSON.stringify({ _id: p.id, title: '', text: p.body })).join('\n') + '\n',
);
writeFileSync(
  join(out, 'queries.jsonl'),
  kept.map((p, i) => JSON.stringify({ _id: `q${i}`, text: p.description })).join('\n') + '\n',
);
writeFileSync(
  join(out, 'qrels', 'test.tsv'),
  'query-id\tcorpus-id\tscore\n' + kept.map((p, i) => `q${i}\t${p.id}\t1`).join('\n') + '\n',
);
process.stderr.write(`wrote ${kept.length} documents and queries to ${out}\n`);
