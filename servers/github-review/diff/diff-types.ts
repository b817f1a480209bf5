/**
 * A parsed change set: what a review works on, whether it came from a pull request or a local repository.
 * Line numbers are 1-based; `newLine` is the line in the changed file (GitHub's RIGHT side), `oldLine` the
 * line in the original (LEFT side).
 */
export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied';

export interface DiffLine {
  kind: 'add' | 'del' | 'context';
  text: string;
  oldLine?: number;
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@` (often the enclosing function). */
  section: string;
  lines: DiffLine[];
}

export interface DiffFile {
  /** Path after the change (for deleted files: the path before). */
  path: string;
  /** Path before the change when it differs (renames, copies). */
  oldPath?: string;
  status: FileStatus;
  binary: boolean;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
  /** Size in bytes of the new version when known (local mode, or from the GitHub tree). */
  sizeBytes?: number;
  /** GitHub's note when it did not send a patch (too large, binary). */
  patchUnavailable?: boolean;
}

export interface ChangeSet {
  /** Where the changes came from, e.g. `github:acme/app#42` or `local:/repo (staged)`. */
  source: string;
  files: DiffFile[];
}

/** The lines a change added, with their new line numbers. */
export function addedLines(file: DiffFile): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  for (const hunk of file.hunks) {
    for (const l of hunk.lines)
      if (l.kind === 'add' && l.newLine !== undefined) out.push({ line: l.newLine, text: l.text });
  }
  return out;
}

/** Whether a new-side line number is inside one of the file's hunks (GitHub accepts comments there). */
export function isCommentableLine(file: DiffFile, line: number, side: 'LEFT' | 'RIGHT'): boolean {
  for (const hunk of file.hunks) {
    for (const l of hunk.lines) {
      if (side === 'RIGHT' && l.kind !== 'del' && l.newLine === line) return true;
      if (side === 'LEFT' && l.kind !== 'add' && l.oldLine === line) return true;
    }
  }
  return false;
}

/** Whether the range [start, end] on a side touches a line the change added (RIGHT) or removed (LEFT). */
export function touchesChangedLine(
  file: DiffFile,
  start: number,
  end: number,
  side: 'LEFT' | 'RIGHT',
): boolean {
  for (const hunk of file.hunks) {
    for (const l of hunk.lines) {
      if (side === 'RIGHT' && l.kind === 'add' && l.newLine! >= start && l.newLine! <= end) return true;
      if (side === 'LEFT' && l.kind === 'del' && l.oldLine! >= start && l.oldLine! <= end) return true;
    }
  }
  return false;
}
