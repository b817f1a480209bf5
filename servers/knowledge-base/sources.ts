import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SophiaConfig } from '../../shared/config/config.js';
import type { Logger } from '../../shared/log/logger.js';
import { TENANT_ID_PATTERN } from '../../shared/runtime/caller.js';
import { GITHUB_OWNER_RULE, GITHUB_REPO_RULE, isGithubOwner, isGithubRepo } from '../../shared/util/github-names.js';
import { isSupported } from './extract.js';

/**
 * Where knowledge-base documents come from. Every document path is the source's prefix plus the file's
 * path inside it: the product's own `knowledge-base/` and the writable folder have no prefix, an extra
 * folder `/x/playbooks` gives `playbooks/...`, a GitHub source `github/<owner>/<repo>/...`.
 *
 * The shipped folder, SOPHIA_KB_DIRS and SOPHIA_KB_GITHUB are shared reference sources: the operator
 * configures them, every tenant's index holds them, nobody changes them through the server. The writable
 * folder is per tenant (`$SOPHIA_HOME/tenants/<tenant>/knowledge-base/`, 0700): a tenant's sync indexes
 * its own folder only, and save_document writes there only.
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

/** The folder of documents a tenant saved through save_document. */
export function writableFolder(config: SophiaConfig, tenant: string): string {
  if (!TENANT_ID_PATTERN.test(tenant)) throw new Error(`invalid tenant id '${tenant}'`);
  return join(config.home, 'tenants', tenant, 'knowledge-base');
}

/** Where saved documents lived before they were kept per tenant: one folder every tenant indexed. */
export function legacyWritableFolder(config: SophiaConfig): string {
  return join(config.home, 'knowledge-base');
}

/** Creates (or repairs) a tenant's folder and its parents under SOPHIA_HOME as 0700; returns the folder. */
export function ensureWritableFolder(config: SophiaConfig, tenant: string): string {
  const dir = writableFolder(config, tenant);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of [join(config.home, 'tenants'), join(config.home, 'tenants', tenant), dir]) {
    if ((statSync(d).mode & 0o777) !== 0o700) chmodSync(d, 0o700);
  }
  return dir;
}

/**
 * Moves documents saved into the old shared folder to the default tenant's folder (once; an entry whose
 * name is already taken there stays where it is, with a warning). The old folder was indexed by every
 * tenant; its documents now belong to SOPHIA_TENANT only, and every other tenant's next sync drops them.
 */
export function migrateLegacyFolder(config: SophiaConfig, logger: Logger): number {
  const legacy = legacyWritableFolder(config);
  let entries: string[];
  try {
    entries = readdirSync(legacy).filter((e) => !e.startsWith('.'));
  } catch {
    return 0;
  }
  if (!entries.length) return 0;
  const target = ensureWritableFolder(config, config.tenant);
  let moved = 0;
  for (const e of entries) {
    const to = join(target, e);
    if (existsSync(to)) {
      logger.warn('knowledge base: an old saved document was not moved: the name is taken', { entry: e, tenant: config.tenant });
      continue;
    }
    try {
      renameSync(join(legacy, e), to);
      moved++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // another process moved it first
    }
  }
  if (moved) logger.info('knowledge base: moved documents of the old shared folder to the default tenant', { entries: moved, tenant: config.tenant });
  return moved;
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

/** The shared reference sources (read-only, in every tenant's index). */
export function sharedSourcesFromConfig(config: SophiaConfig): KbSource[] {
  const out: KbSource[] = [];
  const product = config.search.kbDefault ? productKnowledgeBase() : undefined;
  if (product && existsSync(product)) out.push(folder(product, '', false, "Sophia's knowledge base"));
  for (const dir of config.search.kbDirs) {
    const name = basename(resolve(dir)).replace(/[^A-Za-z0-9_.-]/g, '_');
    out.push(folder(dir, `${name}/`, false, `folder ${resolve(dir)}`));
  }
  for (const spec of config.search.kbGithub) out.push(parseGithubSpec(spec));
  return out;
}

/** A tenant's own writable folder as a source (documents saved through save_document). */
export function writableSource(config: SophiaConfig, tenant: string): FolderSource {
  return folder(writableFolder(config, tenant), '', true, "this tenant's documents saved through save_document");
}

/** Every source of one tenant: the shared ones, then its own folder. */
export function sourcesFromConfig(config: SophiaConfig, tenant: string): KbSource[] {
  return [...sharedSourcesFromConfig(config), writableSource(config, tenant)];
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
