import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for GitHub Enterprise Server's REST API (`/api/v3`) and GraphQL endpoint (`/api/graphql`)
 * on 127.0.0.1, serving the response shapes GitHub documents (docs.github.com/rest): pull requests (JSON and
 * the `application/vnd.github.diff` media type), files, commits, reviews, check runs, contents, trees;
 * paging with `Link` headers; 401/404/422 error bodies; the 403 primary rate limit with `x-ratelimit-*`
 * headers; and the pending-review lifecycle (create without event, addPullRequestReviewThread, submit,
 * delete). It records every request so tests can assert what the client sent.
 */
export interface FakeFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string;
  previous_filename?: string;
}

export interface FakePull {
  number: number;
  title: string;
  body?: string;
  user?: string;
  baseRef?: string;
  baseSha: string;
  headRef?: string;
  headSha: string;
  files: FakeFile[];
  diff?: string;
  commits?: Array<{ sha: string; message: string; login?: string; date?: string }>;
  checkRuns?: Array<{ name: string; status: string; conclusion: string | null }>;
  reviews?: FakeReview[];
}

export interface FakeReview {
  id: number;
  node_id: string;
  user: string;
  state: 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';
  body: string;
  commit_id: string;
  submitted_at?: string;
  comments: Array<{
    path: string;
    line: number;
    side: string;
    start_line?: number;
    start_side?: string;
    body: string;
  }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Repo {
  pulls: Map<number, FakePull>;
  /** path -> ref -> content */
  contents: Map<string, Map<string, string>>;
  trees: Map<string, Array<{ path: string; size: number }>>;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  /** When set, answers every request with GitHub's primary rate-limit 403 until `until` (ms) has passed. */
  rateLimit: { resetEpochSeconds: number; until: number } | undefined;
  /** The token requests must carry (`Authorization: token X` or `Bearer X`); undefined: no check. */
  token: string | undefined;
  /** The login of the token's user (who owns pending reviews). */
  login = 'sophia-bot';
  private server: Server | undefined;
  private repos = new Map<string, Repo>();
  private nextReviewId = 9000;
  private nextThreadId = 1;
  url = '';

  repo(fullName: string): Repo {
    let r = this.repos.get(fullName);
    if (!r) {
      r = { pulls: new Map(), contents: new Map(), trees: new Map() };
      this.repos.set(fullName, r);
    }
    return r;
  }

  addPull(fullName: string, pull: FakePull): void {
    this.repo(fullName).pulls.set(pull.number, { reviews: [], commits: [], checkRuns: [], ...pull });
  }

  setContent(fullName: string, path: string, ref: string, content: string): void {
    const repo = this.repo(fullName);
    if (!repo.contents.has(path)) repo.contents.set(path, new Map());
    repo.contents.get(path)!.set(ref, content);
  }

  setTree(fullName: string, sha: string, files: Array<{ path: string; size: number }>): void {
    this.repo(fullName).trees.set(sha, files);
  }

  reviews(fullName: string, number: number): FakeReview[] {
    return this.repo(fullName).pulls.get(number)?.reviews ?? [];
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        send(res, 500, { message: `fake GitHub error: ${String(err)}` });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return `${this.url}/api/v3`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      }
    }
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });

    if (this.rateLimit) {
      if (Date.now() < this.rateLimit.until) {
        res.setHeader('x-ratelimit-limit', '5000');
        res.setHeader('x-ratelimit-remaining', '0');
        res.setHeader('x-ratelimit-used', '5000');
        res.setHeader('x-ratelimit-reset', String(this.rateLimit.resetEpochSeconds));
        res.setHeader('x-ratelimit-resource', 'core');
        return send(res, 403, {
          message:
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        });
      }
      this.rateLimit = undefined;
    }
    res.setHeader('x-ratelimit-limit', '5000');
    res.setHeader('x-ratelimit-remaining', '4999');
    res.setHeader('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + 3600));
    res.setHeader('x-github-api-version-selected', '2022-11-28');

    if (this.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
        return send(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      }
    }

    if (url.pathname === '/api/graphql' && req.method === 'POST')
      return this.graphql(res, body as GraphqlBody);
    const m = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m) return notFound(res);
    const repo = this.repos.get(`${m[1]}/${m[2]}`);
    if (!repo) return notFound(res);
    const rest = m[3]!;
    const method = req.method ?? 'GET';
    let p: RegExpExecArray | null;

    if ((p = /^pulls\/(\d+)$/.exec(rest)) && method === 'GET') {
      const pull = repo.pulls.get(Number(p[1]));
      if (!pull) return notFound(res);
      if (/application\/vnd\.github(\.v3)?\.diff/.test(req.headers.accept ?? '')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end(pull.diff ?? '');
      }
      return send(res, 200, this.pullJson(`${m[1]}/${m[2]}`, pull));
    }
    if ((p = /^pulls\/(\d+)\/files$/.exec(rest)) && method === 'GET') {
      const pull = repo.pulls.get(Number(p[1]));
      if (!pull) return notFound(res);
      const items = pull.files.map((f) => {
        const { additions, deletions } = countPatch(f.patch);
        return {
          sha: 'f'.repeat(40),
          filename: f.filename,
          status: f.status,
          additions,
          deletions,
          changes: additions + deletions,
          blob_url: `${this.url}/${m[1]}/${m[2]}/blob/${pull.headSha}/${f.filename}`,
          raw_url: `${this.url}/${m[1]}/${m[2]}/raw/${pull.headSha}/${f.filename}`,
          contents_url: `${this.url}/api/v3/repos/${m[1]}/${m[2]}/contents/${f.filename}?ref=${pull.headSha}`,
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
          ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
        };
      });
      return this.page(res, url, items);
    }
    if ((p = /^pulls\/(\d+)\/commits$/.exec(rest)) && method === 'GET') {
      const pull = repo.pulls.get(Number(p[1]));
      if (!pull) return notFound(res);
      return this.page(
        res,
        url,
        (pull.commits ?? []).map((c) => ({
          sha: c.sha,
          node_id: `C_${c.sha.slice(0, 8)}`,
          commit: {
            message: c.message,
            author: {
              name: c.login ?? 'dev',
              email: 'dev@example.com',
              date: c.date ?? '2026-11-20T10:00:00Z',
            },
            committer: {
              name: c.login ?? 'dev',
              email: 'dev@example.com',
              date: c.date ?? '2026-11-20T10:00:00Z',
            },
          },
          author: { login: c.login ?? 'dev', id: 7 },
          parents: [],
        })),
      );
    }
    if ((p = /^pulls\/(\d+)\/reviews$/.exec(rest))) {
      const pull = repo.pulls.get(Number(p[1]));
      if (!pull) return notFound(res);
      if (method === 'GET') {
        // GitHub shows a pending review only to its author
        const visible = pull.reviews!.filter((r) => r.state !== 'PENDING' || r.user === this.login);
        return this.page(
          res,
          url,
          visible.map((r) => this.reviewJson(`${m[1]}/${m[2]}`, pull, r)),
        );
      }
      if (method === 'POST') return this.createReview(res, `${m[1]}/${m[2]}`, pull, body as CreateReviewBody);
    }
    if ((p = /^pulls\/(\d+)\/reviews\/(\d+)$/.exec(rest))) {
      const pull = repo.pulls.get(Number(p[1]));
      const review = pull?.reviews!.find((r) => r.id === Number(p![2]));
      if (!pull || !review || (review.state === 'PENDING' && review.user !== this.login))
        return notFound(res);
      if (method === 'GET') return send(res, 200, this.reviewJson(`${m[1]}/${m[2]}`, pull, review));
      if (method === 'DELETE') {
        if (review.state !== 'PENDING')
          return unprocessable(res, 'Can not delete a non-pending pull request review');
        pull.reviews = pull.reviews!.filter((r) => r !== review);
        return send(res, 200, this.reviewJson(`${m[1]}/${m[2]}`, pull, review));
      }
    }
    if ((p = /^pulls\/(\d+)\/reviews\/(\d+)\/events$/.exec(rest)) && method === 'POST') {
      const pull = repo.pulls.get(Number(p[1]));
      const review = pull?.reviews!.find((r) => r.id === Number(p![2]));
      if (!pull || !review) return notFound(res);
      const { event, body: text } = (body ?? {}) as { event?: string; body?: string };
      const states: Record<string, FakeReview['state']> = {
        COMMENT: 'COMMENTED',
        APPROVE: 'APPROVED',
        REQUEST_CHANGES: 'CHANGES_REQUESTED',
      };
      if (!event || !states[event])
        return unprocessable(res, 'Invalid event', ['event is not included in the list']);
      if (review.state !== 'PENDING') return unprocessable(res, 'Can not submit a non-pending review');
      if (
        (event === 'REQUEST_CHANGES' || event === 'COMMENT') &&
        !text &&
        !review.body &&
        !review.comments.length
      ) {
        return unprocessable(res, 'Unprocessable Entity', ['Body is required for this event']);
      }
      review.state = states[event]!;
      if (text) review.body = text;
      review.submitted_at = new Date().toISOString();
      return send(res, 200, this.reviewJson(`${m[1]}/${m[2]}`, pull, review));
    }
    if ((p = /^commits\/([^/]+)\/check-runs$/.exec(rest)) && method === 'GET') {
      const pull = [...repo.pulls.values()].find((x) => x.headSha === p![1]);
      const runs = (pull?.checkRuns ?? []).map((c, i) => ({
        id: 100 + i,
        name: c.name,
        head_sha: p![1],
        status: c.status,
        conclusion: c.conclusion,
        html_url: `${this.url}/${m[1]}/${m[2]}/runs/${100 + i}`,
        app: { slug: 'github-actions', name: 'GitHub Actions' },
        output: { title: c.conclusion === 'failure' ? '2 tests failed' : null, summary: null },
      }));
      return this.page(res, url, runs, (items, total) => ({ total_count: total, check_runs: items }));
    }
    if ((p = /^contents\/(.+)$/.exec(rest)) && method === 'GET') {
      const ref = url.searchParams.get('ref') ?? 'main';
      const content = repo.contents.get(decodeURIComponent(p[1]!))?.get(ref);
      if (content === undefined) return notFound(res);
      const name = p[1]!.split('/').pop()!;
      return send(res, 200, {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(content),
        name,
        path: p[1],
        content: Buffer.from(content)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n'),
        sha: 'c'.repeat(40),
      });
    }
    if ((p = /^git\/trees\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const tree = repo.trees.get(p[1]!);
      if (!tree) return notFound(res);
      return send(res, 200, {
        sha: p[1],
        url: `${this.url}/api/v3/repos/${m[1]}/${m[2]}/git/trees/${p[1]}`,
        tree: tree.map((f) => ({
          path: f.path,
          mode: '100644',
          type: 'blob',
          sha: 'b'.repeat(40),
          size: f.size,
        })),
        truncated: false,
      });
    }
    return notFound(res);
  }

  /** GitHub's pagination: `per_page` (max 100) and `page`, with a Link header to the next and last pages. */
  private page<T>(
    res: ServerResponse,
    url: URL,
    items: T[],
    wrap?: (items: T[], total: number) => unknown,
  ): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (n: number) => {
      const u = new URL(url.href);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.href;
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (links.length) res.setHeader('link', links.join(', '));
    send(res, 200, wrap ? wrap(slice, items.length) : slice);
  }

  private pullJson(fullName: string, pull: FakePull) {
    const totals = pull.files.reduce(
      (t, f) => {
        const c = countPatch(f.patch);
        return { additions: t.additions + c.additions, deletions: t.deletions + c.deletions };
      },
      { additions: 0, deletions: 0 },
    );
    const repoJson = {
      full_name: fullName,
      name: fullName.split('/')[1],
      owner: { login: fullName.split('/')[0] },
    };
    return {
      url: `${this.url}/api/v3/repos/${fullName}/pulls/${pull.number}`,
      id: 1000 + pull.number,
      node_id: `PR_${pull.number}`,
      html_url: `${this.url}/${fullName}/pull/${pull.number}`,
      number: pull.number,
      state: 'open',
      locked: false,
      title: pull.title,
      user: { login: pull.user ?? 'dev', id: 7 },
      body: pull.body ?? null,
      labels: [{ id: 1, name: 'payments', color: 'fff' }],
      created_at: '2026-11-20T10:00:00Z',
      updated_at: '2026-11-21T10:00:00Z',
      draft: false,
      merged: false,
      requested_reviewers: [{ login: 'reviewer1', id: 8 }],
      head: {
        label: `dev:${pull.headRef ?? 'feature'}`,
        ref: pull.headRef ?? 'feature',
        sha: pull.headSha,
        repo: repoJson,
      },
      base: {
        label: `acme:${pull.baseRef ?? 'main'}`,
        ref: pull.baseRef ?? 'main',
        sha: pull.baseSha,
        repo: repoJson,
      },
      additions: totals.additions,
      deletions: totals.deletions,
      changed_files: pull.files.length,
      commits: pull.commits?.length ?? 0,
    };
  }

  private reviewJson(fullName: string, pull: FakePull, r: FakeReview) {
    return {
      id: r.id,
      node_id: r.node_id,
      user: { login: r.user, id: 9 },
      body: r.body,
      state: r.state,
      html_url: `${this.url}/${fullName}/pull/${pull.number}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.url}/api/v3/repos/${fullName}/pulls/${pull.number}`,
      commit_id: r.commit_id,
      author_association: 'MEMBER',
      ...(r.submitted_at ? { submitted_at: r.submitted_at } : {}),
    };
  }

  private createReview(res: ServerResponse, fullName: string, pull: FakePull, body: CreateReviewBody): void {
    if (body?.event) return unprocessable(res, 'this fake only creates pending reviews (no event)');
    if (pull.reviews!.some((r) => r.state === 'PENDING' && r.user === this.login)) {
      return unprocessable(res, 'Unprocessable Entity', [
        'User can only have one pending review per pull request',
      ]);
    }
    for (const c of body?.comments ?? []) {
      const problem =
        lineProblem(pull, c.path, c.line, c.side ?? 'RIGHT') ??
        (c.start_line !== undefined
          ? lineProblem(pull, c.path, c.start_line, c.start_side ?? c.side ?? 'RIGHT')
          : undefined);
      if (problem) return unprocessable(res, 'Unprocessable Entity', [problem]);
    }
    const id = this.nextReviewId++;
    const review: FakeReview = {
      id,
      node_id: `PRR_kw${id}`,
      user: this.login,
      state: 'PENDING',
      body: body?.body ?? '',
      commit_id: body?.commit_id ?? pull.headSha,
      comments: (body?.comments ?? []).map((c) => ({ ...c, side: c.side ?? 'RIGHT' })),
    };
    pull.reviews!.push(review);
    send(res, 200, this.reviewJson(fullName, pull, review));
  }

  private graphql(res: ServerResponse, body: GraphqlBody): void {
    if (!body?.query?.includes('addPullRequestReviewThread')) {
      return send(res, 200, { errors: [{ message: 'this fake only serves addPullRequestReviewThread' }] });
    }
    const input = body.variables?.input;
    if (!input)
      return send(res, 200, {
        errors: [
          { message: 'Variable $input of type AddPullRequestReviewThreadInput! was provided invalid value' },
        ],
      });
    for (const repo of this.repos.values())
      for (const pull of repo.pulls.values()) {
        const review = pull.reviews!.find((r) => r.node_id === input.pullRequestReviewId);
        if (!review) continue;
        const problem = lineProblem(pull, input.path, input.line, input.side ?? 'RIGHT');
        if (problem) {
          return send(res, 200, {
            data: { addPullRequestReviewThread: null },
            errors: [{ type: 'UNPROCESSABLE', path: ['addPullRequestReviewThread'], message: problem }],
          });
        }
        review.comments.push({
          path: input.path,
          line: input.line,
          side: input.side ?? 'RIGHT',
          ...(input.startLine !== undefined
            ? { start_line: input.startLine, start_side: input.startSide }
            : {}),
          body: input.body,
        });
        return send(res, 200, {
          data: { addPullRequestReviewThread: { thread: { id: `PRRT_${this.nextThreadId++}` } } },
        });
      }
    send(res, 200, {
      data: { addPullRequestReviewThread: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['addPullRequestReviewThread'],
          message: `Could not resolve to a node with the global id of '${input.pullRequestReviewId}'`,
        },
      ],
    });
  }
}

interface CreateReviewBody {
  commit_id?: string;
  body?: string;
  event?: string;
  comments?: Array<{
    path: string;
    line: number;
    side?: string;
    start_line?: number;
    start_side?: string;
    body: string;
  }>;
}

interface GraphqlBody {
  query?: string;
  variables?: {
    input?: {
      pullRequestReviewId?: string;
      path: string;
      line: number;
      side?: string;
      startLine?: number;
      startSide?: string;
      body: string;
    };
  };
}

const DOCS = 'https://docs.github.com/rest';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
}

function unprocessable(res: ServerResponse, message: string, errors: string[] = []): void {
  send(res, 422, { message, errors, documentation_url: DOCS, status: '422' });
}

function countPatch(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const l of (patch ?? '').split('\n')) {
    if (l.startsWith('+')) additions++;
    else if (l.startsWith('-')) deletions++;
  }
  return { additions, deletions };
}

/** GitHub's check: a review comment must sit on a line of the file's diff (on that side). */
function lineProblem(pull: FakePull, path: string, line: number, side: string): string | undefined {
  const file = pull.files.find((f) => f.filename === path);
  if (!file?.patch) return `Path could not be resolved`;
  let oldNo = 0;
  let newNo = 0;
  for (const l of file.patch.split('\n')) {
    const h = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      continue;
    }
    if (l.startsWith('+')) {
      if (side === 'RIGHT' && newNo === line) return undefined;
      newNo++;
    } else if (l.startsWith('-')) {
      if (side === 'LEFT' && oldNo === line) return undefined;
      oldNo++;
    } else if (!l.startsWith('\\')) {
      if ((side === 'RIGHT' && newNo === line) || (side === 'LEFT' && oldNo === line)) return undefined;
      oldNo++;
      newNo++;
    }
  }
  return 'Pull request review thread line must be part of the diff';
}
