import type { ChangeSet } from '../diff/diff-types.js';
import { parseDiff } from '../diff/parse-diff.js';
import { CONFIG_FILE } from '../review/review-config.js';
import {
  localDiff,
  openRepository,
  readFileAt,
  workingTreeSizes,
  type LocalDiffRequest,
  type LocalRepository,
} from './git.js';

/**
 * A local repository's changes as a change set (Claude Code's case: no network, no token): the diff of the
 * working tree, the staged changes, or a branch against its base, with file sizes and the repository's
 * .sophia-review.yml (from the working tree: the developer's own settings).
 */
export interface LocalChanges {
  repo: LocalRepository;
  changes: ChangeSet;
  description: string;
  configText: string | undefined;
  diffText: string;
  /** For branch reviews: the merge base and head commits. */
  range?: { from: string; to: string };
}

/** Sizes of files at a commit (`git ls-tree -l`), for branch reviews. */
async function blobSizes(repo: LocalRepository, rev: string): Promise<Map<string, number>> {
  const out = await repo.git(['ls-tree', '-r', '-l', '-z', '--full-tree', '--end-of-options', rev]);
  const sizes = new Map<string, number>();
  for (const entry of out.split('\0')) {
    const m = /^\d+ blob [0-9a-f]+ +(\d+)\t(.+)$/.exec(entry);
    if (m) sizes.set(m[2]!, Number(m[1]));
  }
  return sizes;
}

export async function loadLocalChanges(path: string, request: LocalDiffRequest): Promise<LocalChanges> {
  const repo = await openRepository(path);
  const diff = await localDiff(repo, request);
  const files = parseDiff(diff.text);
  const sizes =
    request.mode === 'branch'
      ? await blobSizes(repo, diff.head ?? 'HEAD')
      : workingTreeSizes(
          repo,
          files.filter((f) => f.status !== 'deleted').map((f) => f.path),
        );
  for (const f of files) {
    const size = sizes.get(f.path);
    if (size !== undefined && f.status !== 'deleted') f.sizeBytes = size;
  }
  return {
    repo,
    changes: { source: `local:${repo.root} (${diff.description})`, files },
    description: diff.description,
    configText: await readFileAt(repo, CONFIG_FILE),
    diffText: diff.text,
    ...(diff.range ? { range: diff.range } : {}),
  };
}
