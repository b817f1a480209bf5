import type { DiffFile, DiffHunk, FileStatus } from './diff-types.js';

/**
 * A unified-diff parser for what `git diff` prints and what GitHub serves (a whole pull-request diff, or the
 * per-file `patch` of the files endpoint, which starts directly at the first `@@`).
 *
 * Written here rather than taken from npm: `parse-diff` 0.12 (the common choice) keeps no rename, copy or
 * binary information and records the `\ No newline at end of file` marker as an extra changed line, which
 * would shift the line anchors that review comments need. Hunks are read by their line counts, so a
 * changed line that itself starts with `diff ` or `---` is never mistaken for a header.
 */
export class DiffParseError extends Error {
  override name = 'DiffParseError';
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Undoes git's C-style quoting of unusual paths ("a/t\303\251st.txt"). */
export function unquotePath(raw: string): string {
  const s = raw.trim();
  if (!(s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      const oct = body.slice(i + 1, i + 4);
      bytes.push(parseInt(oct, 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(path: string): string {
  const p = unquotePath(path.replace(/\t.*$/, ''));
  if (p === '/dev/null') return p;
  return p.replace(/^[abiwco12]\//, '');
}

/** `diff --git a/x b/x`: only unambiguous when both halves name the same path (the usual case). */
function pathsFromGitHeader(rest: string): { oldPath?: string; newPath?: string } {
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
  if (quoted && (quoted[1]!.startsWith('"') || quoted[2]!.startsWith('"'))) {
    return { oldPath: stripPrefix(quoted[1]!), newPath: stripPrefix(quoted[2]!) };
  }
  const m = /^a\/(.*) b\/(.*)$/.exec(rest);
  if (m && m[1] === m[2]) return { oldPath: m[1], newPath: m[2] };
  // Paths with spaces and a rename: the ---/+++ or rename lines that follow decide.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.startsWith('a/') && rest.slice(half + 1).startsWith('b/')) {
    return { oldPath: rest.slice(2, half), newPath: rest.slice(half + 3) };
  }
  return {};
}

interface Building {
  oldPath?: string;
  newPath?: string;
  status?: FileStatus;
  binary: boolean;
  hunks: DiffHunk[];
}

function finish(b: Building): DiffFile {
  const oldPath = b.oldPath && b.oldPath !== '/dev/null' ? b.oldPath : undefined;
  const newPath = b.newPath && b.newPath !== '/dev/null' ? b.newPath : undefined;
  let status: FileStatus = b.status ?? 'modified';
  if (!b.status) {
    if (b.oldPath === '/dev/null') status = 'added';
    else if (b.newPath === '/dev/null') status = 'deleted';
    else if (oldPath && newPath && oldPath !== newPath) status = 'renamed';
  }
  const path = newPath ?? oldPath;
  if (!path)
    throw new DiffParseError('a file in the diff has no path (no diff --git, ---/+++ or rename header)');
  let additions = 0;
  let deletions = 0;
  for (const h of b.hunks)
    for (const l of h.lines) {
      if (l.kind === 'add') additions++;
      else if (l.kind === 'del') deletions++;
    }
  const file: DiffFile = { path, status, binary: b.binary, hunks: b.hunks, additions, deletions };
  if (oldPath && oldPath !== path) file.oldPath = oldPath;
  return file;
}

/**
 * Parses a unified diff. Text that is not a diff gives a DiffParseError naming the line; an empty diff gives
 * no files.
 */
export function parseDiff(text: string): DiffFile[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const files: DiffFile[] = [];
  let cur: Building | undefined;
  let i = 0;
  const start = (init: Partial<Building> = {}): Building => {
    if (cur) files.push(finish(cur));
    cur = { binary: false, hunks: [], ...init };
    return cur;
  };

  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) {
      start(pathsFromGitHeader(line.slice('diff --git '.length)));
      i++;
      continue;
    }
    if (line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
      throw new DiffParseError(
        `line ${i + 1}: combined (merge) diffs are not supported; diff against one parent`,
      );
    }
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      // A plain unified diff starts a new file here; in a git diff the header already did.
      if (!cur || cur.hunks.length > 0) start();
      cur!.oldPath = stripPrefix(line.slice(4));
      cur!.newPath = stripPrefix(lines[i + 1]!.slice(4));
      i += 2;
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      if (!cur) start(); // a GitHub per-file patch has no headers
      const h: DiffHunk = {
        oldStart: Number(hunk[1]),
        oldLines: hunk[2] === undefined ? 1 : Number(hunk[2]),
        newStart: Number(hunk[3]),
        newLines: hunk[4] === undefined ? 1 : Number(hunk[4]),
        section: hunk[5] ?? '',
        lines: [],
      };
      let oldNo = h.oldStart;
      let newNo = h.newStart;
      let oldLeft = h.oldLines;
      let newLeft = h.newLines;
      i++;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0 || lines[i]!.startsWith('\\'))) {
        const l = lines[i]!;
        const tag = l[0];
        if (tag === '\\') {
          // "\ No newline at end of file": describes the previous line, is not a line itself.
        } else if (tag === '+') {
          h.lines.push({ kind: 'add', text: l.slice(1), newLine: newNo++ });
          newLeft--;
        } else if (tag === '-') {
          h.lines.push({ kind: 'del', text: l.slice(1), oldLine: oldNo++ });
          oldLeft--;
        } else if (tag === ' ' || l === '') {
          h.lines.push({ kind: 'context', text: l.slice(1), oldLine: oldNo++, newLine: newNo++ });
          oldLeft--;
          newLeft--;
        } else {
          throw new DiffParseError(
            `line ${i + 1}: expected a diff line (' ', '+', '-') inside the hunk starting '${line.slice(0, 40)}', got '${l.slice(0, 40)}'`,
          );
        }
        i++;
      }
      if (oldLeft > 0 || newLeft > 0) {
        throw new DiffParseError(`the hunk '${line.slice(0, 40)}' ends early (the diff was cut off)`);
      }
      cur!.hunks.push(h);
      continue;
    }
    if (cur) {
      let m: RegExpExecArray | null;
      if ((m = /^new file mode /.exec(line))) cur.status = 'added';
      else if ((m = /^deleted file mode /.exec(line))) cur.status = 'deleted';
      else if ((m = /^rename from (.*)$/.exec(line))) {
        cur.oldPath = unquotePath(m[1]!);
        cur.status = 'renamed';
      } else if ((m = /^rename to (.*)$/.exec(line))) {
        cur.newPath = unquotePath(m[1]!);
        cur.status = 'renamed';
      } else if ((m = /^copy from (.*)$/.exec(line))) {
        cur.oldPath = unquotePath(m[1]!);
        cur.status = 'copied';
      } else if ((m = /^copy to (.*)$/.exec(line))) {
        cur.newPath = unquotePath(m[1]!);
        cur.status = 'copied';
      } else if (/^Binary files .* differ$/.test(line) || line === 'GIT binary patch') {
        cur.binary = true;
        const bin = /^Binary files (.*) and (.*) differ$/.exec(line);
        if (bin && !cur.oldPath && !cur.newPath) {
          cur.oldPath = stripPrefix(bin[1]!);
          cur.newPath = stripPrefix(bin[2]!);
        }
      }
      // index, mode, similarity lines and binary patch data carry nothing a review needs.
      i++;
      continue;
    }
    // Text before the first file header (a commit message from `git format-patch`, a mail header): skipped.
    i++;
  }
  if (cur) files.push(finish(cur));
  return files;
}

/** Parses the `patch` of one file from GitHub's files endpoint (hunks only) into that file's hunks. */
export function parsePatch(patch: string | undefined): DiffHunk[] {
  if (!patch) return [];
  const [file] = parseDiff(`--- a/x\n+++ b/x\n${patch}`);
  return file?.hunks ?? [];
}
