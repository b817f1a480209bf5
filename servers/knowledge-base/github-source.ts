import { Octokit } from 'octokit';
import type { SophiaConfig } from '../../shared/config/config.js';
import { assertGithubParams } from '../../shared/util/github-names.js';
import { isSupported } from './extract.js';
import type { GithubSource } from './sources.js';

/**
 * Reads documents from a GitHub repository path with Octokit (GITHUB_TOKEN; GITHUB_API_URL for GitHub
 * Enterprise or a local test server): one recursive git tree listing, then the blobs of the files that
 * changed (the blob sha is the content hash, so unchanged files are never downloaded).
 */
export interface GithubFile {
  /** Path inside the source folder. */
  path: string;
  sha: string;
  size: number;
}

export class GithubReader {
  readonly #octokit: Octokit;

  constructor(config: SophiaConfig) {
    this.#octokit = new Octokit({
      ...(config.keys.github ? { auth: config.keys.github.reveal() } : {}),
      baseUrl: config.keys.githubApiUrl,
      request: { retries: 1 },
      throttle: { enabled: false },
      retry: { enabled: false },
    });
    this.#octokit.hook.before('request', (options) => assertGithubParams(options as { owner?: unknown; repo?: unknown }));
  }

  async list(source: GithubSource): Promise<{ ref: string; files: GithubFile[] }> {
    try {
      let ref = source.ref;
      if (!ref) {
        const repo = await this.#octokit.rest.repos.get({ owner: source.owner, repo: source.repo });
        ref = repo.data.default_branch;
      }
      const tree = await this.#octokit.rest.git.getTree({ owner: source.owner, repo: source.repo, tree_sha: ref, recursive: 'true' });
      const base = source.path ? `${source.path}/` : '';
      const files = tree.data.tree
        .filter((e) => e.type === 'blob' && e.path && e.sha && e.path.startsWith(base) && isSupported(e.path))
        .map((e) => ({ path: e.path!.slice(base.length), sha: e.sha!, size: e.size ?? 0 }));
      return { ref, files };
    } catch (err) {
      throw new Error(`${source.label}: ${describe(err)}`);
    }
  }

  async read(source: GithubSource, file: GithubFile): Promise<Uint8Array> {
    try {
      const blob = await this.#octokit.rest.git.getBlob({ owner: source.owner, repo: source.repo, file_sha: file.sha });
      return Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8');
    } catch (err) {
      throw new Error(`${source.label}/${file.path}: ${describe(err)}`);
    }
  }
}

function describe(err: unknown): string {
  const status = (err as { status?: number }).status;
  const msg = err instanceof Error ? err.message : String(err);
  if (status === 401) return 'GitHub refused the token (401): check GITHUB_TOKEN';
  if (status === 404) return 'not found on GitHub (404): check the owner, repository, path and ref, and that the token can read it';
  if (status === 403) return `GitHub refused access (403): ${msg}`;
  return `GitHub request failed${status ? ` (HTTP ${status})` : ''}: ${msg}`;
}
