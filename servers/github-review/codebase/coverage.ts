import { posix } from 'node:path';

/**
 * Line coverage per file from the usual report formats: LCOV (`lcov.info`: SF/LF/LH records), Istanbul's
 * json-summary (`coverage-summary.json`) and Cobertura XML (`cobertura-coverage.xml`, `coverage.xml`).
 * Report paths (often absolute, from CI machines) are mapped onto repository paths by their longest suffix.
 */
export interface FileCoverage {
  path: string;
  linesFound: number;
  linesHit: number;
}

export const COVERAGE_FILES = [
  'coverage/lcov.info',
  'lcov.info',
  'coverage/coverage-summary.json',
  'coverage-summary.json',
  'coverage/cobertura-coverage.xml',
  'cobertura-coverage.xml',
  'coverage.xml',
];

export function parseLcov(text: string): FileCoverage[] {
  const out: FileCoverage[] = [];
  let cur: FileCoverage | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) cur = { path: line.slice(3), linesFound: 0, linesHit: 0 };
    else if (cur && line.startsWith('LF:')) cur.linesFound = Number(line.slice(3)) || 0;
    else if (cur && line.startsWith('LH:')) cur.linesHit = Number(line.slice(3)) || 0;
    else if (cur && line === 'end_of_record') {
      out.push(cur);
      cur = undefined;
    }
  }
  return out;
}

export function parseIstanbulSummary(text: string): FileCoverage[] {
  const data = JSON.parse(text) as Record<string, { lines?: { total?: number; covered?: number } }>;
  return Object.entries(data)
    .filter(([k]) => k !== 'total')
    .map(([path, v]) => ({ path, linesFound: v.lines?.total ?? 0, linesHit: v.lines?.covered ?? 0 }));
}

export function parseCobertura(text: string): FileCoverage[] {
  const out = new Map<string, FileCoverage>();
  const sources = [...text.matchAll(/<source>([^<]*)<\/source>/g)].map((m) => m[1]!.trim());
  for (const cls of text.matchAll(/<class\b[^>]*\bfilename="([^"]+)"[^>]*>([\s\S]*?)<\/class>/g)) {
    const file =
      sources.length === 1 && !cls[1]!.startsWith('/') ? posix.join(sources[0]!, cls[1]!) : cls[1]!;
    const entry = out.get(file) ?? { path: file, linesFound: 0, linesHit: 0 };
    for (const line of cls[2]!.matchAll(/<line\b[^>]*\bhits="(\d+)"/g)) {
      entry.linesFound++;
      if (Number(line[1]) > 0) entry.linesHit++;
    }
    out.set(file, entry);
  }
  return [...out.values()];
}

export function parseCoverage(name: string, text: string): FileCoverage[] {
  if (name.endsWith('.info')) return parseLcov(text);
  if (name.endsWith('.json')) return parseIstanbulSummary(text);
  return parseCobertura(text);
}

/** Maps report paths onto repository paths (exact, relative to the root, or by the longest matching suffix). */
export function mapCoverage(entries: FileCoverage[], repoPaths: string[], root: string): FileCoverage[] {
  const known = new Set(repoPaths);
  const mapped: FileCoverage[] = [];
  for (const e of entries) {
    let p = e.path.replace(/\\/g, '/');
    if (p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
    p = p.replace(/^\.\//, '');
    if (!known.has(p)) {
      const parts = p.split('/');
      let found: string | undefined;
      for (let i = 1; i < parts.length && !found; i++) {
        const suffix = parts.slice(i).join('/');
        if (known.has(suffix)) found = suffix;
      }
      if (!found) continue;
      p = found;
    }
    mapped.push({ ...e, path: p });
  }
  return mapped;
}
