import { dirname, normalize, posix } from 'node:path/posix';
import type { DiffFile } from '../diff/diff-types.js';

/**
 * Documentation a change makes stale: docs that name a code path the change deleted, renamed or modified, or
 * a folder where files were added or removed. Paths are read from inline code, Markdown/RST links and bare
 * path-like words, relative links resolved against the doc's folder. Pure: the caller supplies the docs' text.
 */
export type StaleReason = 'deleted' | 'renamed' | 'modified' | 'folder-changed';

export interface StaleDocMention {
  doc: string;
  line: number;
  mention: string;
  changedPath: string;
  reason: StaleReason;
  /** What to do, in one sentence. */
  advice: string;
  /** The doc itself changed in the same change (it may already be up to date). */
  updatedInChange: boolean;
}

const REASON_RANK: Record<StaleReason, number> = { deleted: 0, renamed: 1, modified: 2, 'folder-changed': 3 };

/** Path-like references on one line of a doc. */
export function pathMentions(line: string): string[] {
  const found = new Set<string>();
  for (const m of line.matchAll(/`([^`\s]+)`/g)) found.add(m[1]!);
  for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.add(m[1]!);
  for (const m of line.matchAll(/<([^>\s]+\.[a-z0-9]+)>/gi)) found.add(m[1]!);
  // bare paths, outside the code spans and links already read
  const rest = line.replace(/`[^`]*`|\]\([^)]*\)|<[^>]*>/g, (m) => ' '.repeat(m.length));
  for (const m of rest.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)+\/?)(?![\w/])/g))
    found.add(m[1]!);
  for (const m of rest.matchAll(
    /(?<![\w/.-])([\w-]+\.(?:ts|tsx|js|mjs|py|go|rb|java|rs|sql|ya?ml|json|toml|sh))\b/g,
  ))
    found.add(m[1]!);
  return [...new Set([...found].map((p) => p.replace(/[.,;:!?)]+$/, '')))].filter(
    (p) => p && !/^(https?:|mailto:|#|www\.)/.test(p),
  );
}

/** The repository path a mention refers to, or undefined (URLs, anchors, paths leaving the repository). */
export function resolveMention(doc: string, mention: string): string | undefined {
  let p = mention
    .replace(/#.*$/, '')
    .replace(/[?].*$/, '')
    .replace(/:\d+(?:-\d+)?$/, '')
    .replace(/[.,;:)]+$/, '');
  if (!p || /^[a-z]+:\/\//i.test(p)) return undefined;
  if (p.startsWith('./') || p.startsWith('../')) p = posix.join(dirname(doc), p);
  else if (p.startsWith('/')) p = p.slice(1);
  p = normalize(p);
  if (p.startsWith('..') || p === '.') return undefined;
  return p;
}

export function findStaleDocs(input: {
  files: DiffFile[];
  docs: Array<{ path: string; text: string }>;
  /** Every path in the repository after the change (to resolve bare file names); optional. */
  allPaths?: string[];
}): StaleDocMention[] {
  const changedDocs = new Set(input.files.map((f) => f.path));
  const targets = new Map<string, { changedPath: string; reason: StaleReason }>();
  const folders = new Map<string, string>();
  for (const f of input.files) {
    if (f.status === 'deleted') targets.set(f.path, { changedPath: f.path, reason: 'deleted' });
    else if ((f.status === 'renamed' || f.status === 'copied') && f.oldPath) {
      if (f.status === 'renamed') targets.set(f.oldPath, { changedPath: f.path, reason: 'renamed' });
      if (f.additions + f.deletions > 0) targets.set(f.path, { changedPath: f.path, reason: 'modified' });
    } else if (f.status === 'modified' && f.additions + f.deletions > 0)
      targets.set(f.path, { changedPath: f.path, reason: 'modified' });
    if (f.status === 'added' || f.status === 'deleted' || f.status === 'renamed') {
      for (const p of [f.path, f.oldPath].filter(Boolean) as string[]) {
        let d = dirname(p);
        while (d !== '.' && !folders.has(d)) {
          folders.set(d, p);
          d = dirname(d);
        }
      }
    }
  }
  // bare file names ("database.ts") count only when exactly one path has that name
  const byName = new Map<string, string[]>();
  for (const p of [...(input.allPaths ?? []), ...targets.keys()]) {
    const name = posix.basename(p);
    byName.set(name, [...new Set([...(byName.get(name) ?? []), p])]);
  }

  const out: StaleDocMention[] = [];
  for (const doc of input.docs) {
    const seen = new Set<string>();
    doc.text.split('\n').forEach((text, i) => {
      for (const mention of pathMentions(text)) {
        let path = resolveMention(doc.path, mention);
        if (!path) continue;
        if (!path.includes('/')) {
          const candidates = byName.get(path);
          if (candidates?.length !== 1) continue;
          path = candidates[0]!;
        }
        const key = `${path}`;
        if (seen.has(key)) continue;
        const target = targets.get(path);
        const folderHit = target ? undefined : folders.get(path.replace(/\/$/, ''));
        if (!target && !folderHit) continue;
        seen.add(key);
        const reason: StaleReason = target ? target.reason : 'folder-changed';
        const changedPath = target ? target.changedPath : folderHit!;
        const advice = {
          deleted: `${path} was deleted: remove or replace the reference.`,
          renamed: `${path} was renamed to ${changedPath}: update the reference.`,
          modified: `${path} changed: check that what the doc says about it still holds.`,
          'folder-changed': `Files were added or removed under ${path.replace(/\/$/, '')} (e.g. ${changedPath}): check the doc's description of that folder.`,
        }[reason];
        out.push({
          doc: doc.path,
          line: i + 1,
          mention,
          changedPath,
          reason,
          advice,
          updatedInChange: changedDocs.has(doc.path),
        });
      }
    });
  }
  return out.sort(
    (a, b) =>
      Number(a.updatedInChange) - Number(b.updatedInChange) ||
      REASON_RANK[a.reason] - REASON_RANK[b.reason] ||
      a.doc.localeCompare(b.doc) ||
      a.line - b.line,
  );
}
