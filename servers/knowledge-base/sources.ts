import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SophiaConfig } from '../../shared/config/config.js';
import { GITHUB_OWNER_RULE, GITHUB_REPO_RULE, isGithubOwner, isGithubRepo } from '../../shared/util/github-names.js';
import { isSupported } from './extract.js';

/**
 * Where knowledge-base documents come from. Every document path is the source's prefix plus the file's
 * path inside it: the product's own `knowledge-base/` and the writable folder have no prefix, an extra
 * folder `/x/playbooks` gives `playbooks/...`, a GitHub source `github/<owner>/<repo>/...`.
 */
export interface FolderSource {
  kind: 'folder';
  id: string;
  root: string;
  prefix: string;
  writable: boolean;
  /** For people: "product knowledge base", "folder /srv/docs". */
  label: string;
  /** Every document of this source has a source_uri starting with this. */
  uriPrefix: string;
}

export interface GithubSource {
  kind: 'github';
  id: string;
  owner: string;
  repo: string;
  /** Folder inside the repository ('' = the whole repository). */
  path: string;
  /** Branch, tag or commit; undefined = the default branch. */
  ref: string | undefined;
  prefix: string;
  label: string;
  uriPrefix: string;
}

export type KbSource = FolderSource | GithubSource;

export const COLLECTION = 'knowledge_base';

/** The product's knowledge-base/ folder, from the source tree or the built dist/ tree. */
export function productKnowledgeBase(): string | undefined {
  for (const rel of ['../../knowledge-base', '../../../knowledge-base']) {
    const dir = fileURLToPath(new URL(`${rel}/`, import.meta.url));
    if (existsSync(join(dir, 'README.md')) || existsSync(dir)) return resolve(dir);
  }
  return undefined;
}

export function writableFolder(config: SophiaConfig): string {
  return join(config.home, 'knowledge-base');
}

function folder(root: string, prefix: string, writable: boolean, label: string): FolderSource {
  const abs = resolve(root);
  return { kind: 'folder', id: `folder:${abs}`, root: abs, prefix, writable, label, uriPrefix: `file://${abs}${sep}` };
}

/** Parses `owner/repo[/path][@ref]`. */
export function parseGithubSpec(spec: string): GithubSource {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(?:\/([^@]*))?(?:@(.+))?$/.exec(spec.trim());
  if (!m) throw new Error(`SOPHIA_KB_GITHUB: '${spec}' is not owner/repo[/path][@ref]`);
  const [, owner, repo, path = '', ref] = m;
  if (!isGithubOwner(owner) || !isGithubRepo(repo)) {
    throw new Error(`SOPHIA_KB_GITHUB: '${spec}': the owner must be ${GITHUB_OWNER_RULE}; the repo ${GITHUB_REPO_RULE}`);
  }
  const clean = path.replace(/^\/+|\/+$/g, '');
  return {
    kind: 'github',
    id: `github:${owner}/${repo}/${clean}@${ref ?? ''}`,
    owner: owner!,
    repo: repo!,
    path: clean,
    ref,
    prefix: `github/${owner}/${repo}/`,
    label: `GitHub ${owner}/${repo}${clean ? `/${clean}` : ''}${ref ? `@${ref}` : ''}`,
    uriPrefix: `github:${owner}/${repo}@${ref ?? ''}:${clean ? `${clean}/` : ''}`,
  };
}

export function sourcesFromConfig(config: SophiaConfig): KbSource[] {
  const out: KbSource[] = [];
  const product = config.search.kbDefault ? productKnowledgeBase() : undefined;
  if (product && existsSync(product)) out.push(folder(product, '', false, "Sophia's knowledge base"));
  for (const dir of config.search.kbDirs) {
    const name = basename(resolve(dir)).replace(/[^A-Za-z0-9_.-]/g, '_');
    out.push(folder(dir, `${name}/`, false, `folder ${resolve(dir)}`));
  }
  for (const spec of config.search.kbGithub) out.push(parseGithubSpec(spec));
  out.push(folder(writableFolder(config), '', true, 'documents saved through save_document'));
  return out;
}

/** Supported files under a folder, as paths relative to it (dot folders and node_modules skipped). */
export function listFolder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isSupported(e.name)) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  if (existsSync(root) && statSync(root).isDirectory()) walk(root);
  return out.sort();
}
