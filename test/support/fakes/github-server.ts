import { createHash } from 'node:crypto';
import { type JsonServer, startJsonServer } from './http-json.js';

/**
 * A local server speaking the parts of GitHub's REST API the knowledge base reads through Octokit:
 * GET /repos/{owner}/{repo} (default branch), GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1, and
 * GET /repos/{owner}/{repo}/git/blobs/{sha}. Files live in `files` (path -> content) and can change between
 * calls. The token is checked.
 */
export interface FakeGithub extends JsonServer {
  files: Map<string, string>;
}

const blobSha = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0`)
    .update(content)
    .digest('hex');

export async function startFakeGithub(options: {
  token: string;
  owner: string;
  repo: string;
  branch?: string;
}): Promise<FakeGithub> {
  const files = new Map<string, string>();
  const branch = options.branch ?? 'main';
  const base = `/repos/${options.owner}/${options.repo}`;
  const server = await startJsonServer(({ method, path, headers }) => {
    const auth = String(headers.authorization ?? '');
    if (
      auth !== `token ${options.token}` &&
      auth !== `bearer ${options.token}` &&
      auth !== `Bearer ${options.token}`
    )
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    if (method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    if (path === base)
      return {
        body: { name: options.repo, full_name: `${options.owner}/${options.repo}`, default_branch: branch },
      };
    if (path === `${base}/git/trees/${branch}`) {
      const dirs = new Set<string>();
      for (const p of files.keys())
        p.split('/')
          .slice(0, -1)
          .forEach((_, i, a) => dirs.add(a.slice(0, i + 1).join('/')));
      return {
        body: {
          sha: 'f'.repeat(40),
          truncated: false,
          tree: [
            ...[...dirs].map((d) => ({ path: d, mode: '040000', type: 'tree', sha: 'd'.repeat(40) })),
            ...[...files.entries()].map(([p, c]) => ({
              path: p,
              mode: '100644',
              type: 'blob',
              sha: blobSha(c),
              size: Buffer.byteLength(c),
            })),
          ],
        },
      };
    }
    const m = new RegExp(`^${base}/git/blobs/([0-9a-f]{40})$`).exec(path);
    if (m) {
      const hit = [...files.values()].find((c) => blobSha(c) === m[1]);
      if (hit === undefined) return { status: 404, body: { message: 'Not Found' } };
      return {
        body: {
          sha: m[1],
          size: Buffer.byteLength(hit),
          encoding: 'base64',
          content: Buffer.from(hit).toString('base64'),
        },
      };
    }
    return { status: 404, body: { message: 'Not Found' } };
  });
  return Object.assign(server, { files });
}
