import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type {
  CallToolResult,
  CreateMessageRequest,
  CreateMessageResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/github-review/server.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';
import { TempRepo } from './local/git-repo.js';
import { FakeGitHub } from './support/fake-github.js';
import { HEAD, seedFake } from './support/sample-pull.js';

/**
 * The github-review server end to end through a real MCP client (in-memory transport): tool listing,
 * read-only mode, reviews with and without a model (a sampling-capable client), writing a review back,
 * resources, prompts and local mode, against a local fake GitHub API and a real temporary git repository.
 */
const TOKEN = 'ghp_' + 'e2e0'.repeat(9);

type Review = {
  findings: Array<{ ruleId: string; path: string; line?: number; severity: string }>;
  model: { used: boolean; kind: string; name: string | null; note: string };
  issues: Array<{ path: string; startLine: number; endLine: number; title: string; anchored: boolean }>;
  suggestedComments: Array<{ path: string; line: number; side: string; body: string }>;
  notReviewedByModel: Array<{ path: string; reason: string }>;
  effortSource: string;
  configOrigin: string;
  headSha?: string;
};

function structured<T>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${JSON.stringify(r.content)}`);
  return r.structuredContent as T;
}

function errorText(result: unknown): string {
  const r = result as CallToolResult;
  expect(r.isError).toBe(true);
  return (r.content[0] as { text: string }).text;
}

describe.each(testEngines())('github-review server (audit on %s)', (engine) => {
  let t: TestDatabase;
  const fake = new FakeGitHub();
  let apiUrl: string;
  let conn: InMemoryConnection;
  const repo = new TempRepo();
  const sampled: CreateMessageRequest[] = [];
  let samplingAnswer: () => string;

  // Every toolset, the writes to GitHub included (by default review_write is off: see the test below).
  const env = () => ({
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: apiUrl,
    SOPHIA_LOG_LEVEL: 'silent',
    SOPHIA_TOOLSETS: 'all',
  });
  const sampling = async (req: CreateMessageRequest): Promise<CreateMessageResult> => {
    sampled.push(req);
    return { role: 'assistant', model: 'host-model-1', content: { type: 'text', text: samplingAnswer() } };
  };

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme');
    seedFake(fake);
    fake.token = TOKEN;
    apiUrl = await fake.start();
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme', env: env() });

    repo.commit('initial', {
      'src/rent.ts': 'export function rent(units: number) {\n  return units * 1200;\n}\n',
      'docs/billing.md':
        '# Billing\n\nRent is computed in `src/rent.ts`; fees live in [fees](../src/fees/).\n',
      'README.md': 'Start with src/rent.ts.\n',
      '.sophia-review.yml': 'disable: [tests/missing]\n',
    });
    repo.git('checkout', '-q', '-b', 'feature/notices');
    repo.commit('Add past-due notice', {
      'src/rent.ts': 'export function rent(units: number) {\n  return units * 1250;\n}\n',
      'templates/sms/past-due.txt': 'Your rent is past due. Pay today or we will call the police.\n',
      'src/fees/late.ts':
        "export const late = (d: number) => d * 25;\nconsole.log('late fee for', resident.email);\n",
    });
    writeFileSync(join(repo.root, 'lcov.info'), 'SF:src/rent.ts\nLF:3\nLH:2\nend_of_record\n');
  });
  afterAll(async () => {
    await conn?.close();
    await fake.stop();
    await t?.close();
    repo.remove();
  });

  it('lists tools with output schemas and write annotations, resources and prompts', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(definition.tools.map((x) => x.name).sort());
    for (const tool of tools) expect(tool.outputSchema).toBeDefined();
    const create = tools.find((x) => x.name === 'create_pending_review')!;
    expect(create.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
    });
    expect(tools.find((x) => x.name === 'delete_pending_review')!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    const templates = await conn.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual([
      'github://{owner}/{repo}/pull/{number}',
      'github://{owner}/{repo}/pull/{number}/diff',
    ]);
    const { prompts } = await conn.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['review_my_changes', 'review_pr']);
  });

  it('serves the everyday toolsets by default; writing to GitHub is switched on by the operator', async () => {
    const dflt = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { ...env(), SOPHIA_TOOLSETS: '' },
    });
    const added = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { ...env(), SOPHIA_TOOLSETS: 'default,review_write' },
    });
    try {
      const names = (await dflt.client.listTools()).tools.map((x) => x.name);
      expect(names.sort()).toEqual(
        definition.tools
          .filter((x) => x.toolset !== 'review_write')
          .map((x) => x.name)
          .sort(),
      );
      const refused = await dflt.client.callTool({
        name: 'create_pending_review',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, comments: [] },
      });
      expect(errorText(refused)).toMatch(
        /^Tool create_pending_review is switched off on this server \(its toolset 'review_write' is not enabled; enabled: codebase, pull_requests, review\)\. To use it, start the server with --toolsets default,review_write or SOPHIA_TOOLSETS=all\./,
      );
      expect((await added.client.listTools()).tools).toHaveLength(definition.tools.length);
    } finally {
      await dflt.close();
      await added.close();
    }
  });

  it('hides and refuses write tools in read-only mode', async () => {
    const ro = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: { ...env(), SOPHIA_READ_ONLY: 'true' },
    });
    try {
      const names = (await ro.client.listTools()).tools.map((x) => x.name);
      expect(names).not.toContain('create_pending_review');
      expect(names).not.toContain('delete_pending_review');
      expect(names).toContain('review_pull_request');
      const refused = await ro.client.callTool({
        name: 'create_pending_review',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, comments: [] },
      });
      expect(errorText(refused)).toMatch(/switched off on this server \(read-only mode/);
      expect(fake.reviews('acme/rentals', 42).filter((r) => r.state === 'PENDING')).toHaveLength(0);
    } finally {
      await ro.close();
    }
  });

  it('reviews a pull request with the rules alone and says no model was used', async () => {
    const review = structured<Review>(
      await conn.client.callTool({
        name: 'review_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 42 },
      }),
    );
    expect(review.model).toMatchObject({ used: false, kind: 'none' });
    expect(review.model.note).toMatch(/No model was used/);
    expect(review.effortSource).toBe('heuristic');
    expect(review.headSha).toBe(HEAD);
    expect(review.configOrigin).toBe('.sophia-review.yml (base main)');
    const found = review.findings.map((f) => `${f.ruleId} ${f.path}:${f.line ?? '-'}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'secrets/hardcoded src/payments/client.ts:4',
        'pii/logged src/payments/client.ts:7',
        'compliance/fair-housing templates/leasing.html:2',
      ]),
    );
    // HUD "ok" phrases and neutral colour words on the same page are not flagged
    expect(review.findings.filter((f) => f.path === 'templates/leasing.html')).toHaveLength(1);
    expect(review.suggestedComments.map((c) => `${c.path}:${c.line}`)).toEqual(
      expect.arrayContaining([
        'src/payments/client.ts:4',
        'src/payments/client.ts:7',
        'templates/leasing.html:2',
      ]),
    );
  });

  it('adds a model review through MCP sampling, anchoring issues to changed lines', async () => {
    const sampler = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: env(),
      sampling,
    });
    try {
      samplingAnswer = () =>
        '```json\n' +
        JSON.stringify({
          summary: 'Adds a Stripe charge helper and a leasing page.',
          effort: 2,
          keyIssues: [
            {
              path: 'src/payments/client.ts',
              startLine: 8,
              endLine: 8,
              title: 'Amount not validated',
              detail: 'Negative cents are accepted.',
              severity: 'warning',
            },
            {
              path: 'src/payments/client.ts',
              startLine: 1,
              endLine: 1,
              title: 'Unchanged import',
              detail: 'Not part of the change.',
              severity: 'info',
            },
          ],
          securityConcerns: [
            {
              path: 'b/src/payments/client.ts',
              startLine: 4,
              endLine: 4,
              title: 'Live key in code',
              detail: 'Rotate it.',
              severity: 'error',
            },
          ],
          testAssessment: 'The test file adds only a comment; charge() is untested.',
        }) +
        '\n```';
      const review = structured<Review>(
        await sampler.client.callTool({
          name: 'review_pull_request',
          arguments: { owner: 'acme', repo: 'rentals', number: 42 },
        }),
      );
      expect(review.model).toMatchObject({ used: true, kind: 'sampling', name: 'host-model-1' });
      expect(review.effortSource).toBe('model');
      expect(review.issues.map((i) => [i.title, i.path, i.anchored])).toEqual([
        ['Amount not validated', 'src/payments/client.ts', true],
        ['Unchanged import', 'src/payments/client.ts', false],
        ['Live key in code', 'src/payments/client.ts', true],
      ]);
      expect(
        review.suggestedComments.some((c) => c.line === 8 && c.body.includes('Amount not validated')),
      ).toBe(true);
      expect(review.suggestedComments.some((c) => c.line === 1)).toBe(false);
      expect(review.notReviewedByModel).toEqual([
        expect.objectContaining({ path: 'assets/logo.png', reason: 'binary' }),
      ]);
      // what the host's model was shown: numbered new-side lines and the rule findings
      const prompt = (sampled.at(-1)!.params.messages[0]!.content as { text: string }).text;
      expect(prompt).toContain("+    4| export const stripe = new Stripe('[redacted: Stripe secret key]');");
      expect(prompt).toContain('[secrets/hardcoded] src/payments/client.ts:4');
      expect(prompt).not.toContain('sk_live_');
      expect(sampled.at(-1)!.params.systemPrompt).toMatch(/Fair Housing/);

      samplingAnswer = () => 'I think it looks fine!';
      const fallback = structured<Review>(
        await sampler.client.callTool({
          name: 'review_pull_request',
          arguments: { owner: 'acme', repo: 'rentals', number: 42 },
        }),
      );
      expect(fallback.model.used).toBe(false);
      expect(fallback.model.note).toMatch(
        /model review failed \(the model did not answer with a JSON object\)/,
      );
      expect(fallback.findings.length).toBeGreaterThan(0);
    } finally {
      await sampler.close();
    }
  });

  it('uses the Anthropic API when the client cannot sample and ANTHROPIC_API_KEY is set', async () => {
    const requests: Array<{
      headers: Record<string, unknown>;
      body: { model: string; system?: string; messages: unknown[] };
    }> = [];
    const anthropic = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg_01',
            type: 'message',
            role: 'assistant',
            model: 'claude-review-test',
            content: [
              {
                type: 'text',
                text: JSON.stringify({
                  summary: 'Stripe helper.',
                  effort: 2,
                  keyIssues: [],
                  securityConcerns: [],
                  testAssessment: 'Untested.',
                }),
              },
            ],
            stop_reason: 'end_turn',
            usage: { input_tokens: 10, output_tokens: 10 },
          }),
        );
      });
    });
    await new Promise<void>((r) => anthropic.listen(0, '127.0.0.1', r));
    const port = (anthropic.address() as AddressInfo).port;
    const api = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: {
        ...env(),
        ANTHROPIC_API_KEY: 'sk-ant-test-key',
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
        ANTHROPIC_MODEL: 'claude-review-test',
      },
    });
    try {
      const review = structured<Review>(
        await api.client.callTool({
          name: 'review_pull_request',
          arguments: { owner: 'acme', repo: 'rentals', number: 42 },
        }),
      );
      expect(review.model).toMatchObject({ used: true, kind: 'anthropic', name: 'claude-review-test' });
      expect(requests).toHaveLength(1);
      const h = requests[0]!.headers;
      expect(h['x-api-key'] ?? h.authorization).toMatch(/^(Bearer )?sk-ant-test-key$/);
      expect(requests[0]!.body.system).toMatch(/senior code reviewer/);
    } finally {
      await api.close();
      await new Promise((r) => anthropic.close(r));
    }
  });

  it('posts a pending review from suggested comments only when asked, then submits it', async () => {
    const review = structured<Review>(
      await conn.client.callTool({
        name: 'review_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, useModel: 'never' },
      }),
    );
    expect(fake.reviews('acme/rentals', 42).filter((r) => r.state === 'PENDING')).toHaveLength(0);

    const bad = await conn.client.callTool({
      name: 'create_pending_review',
      arguments: {
        owner: 'acme',
        repo: 'rentals',
        number: 42,
        comments: [{ path: 'src/payments/client.ts', line: 99, body: 'x' }],
      },
    });
    expect(errorText(bad)).toMatch(
      /Nothing was posted: 1 comment\(s\) cannot be placed .*line 99 \(RIGHT\) is not part of the diff/s,
    );

    const created = structured<{ reviewId: number; state: string; comments: number; commitId: string }>(
      await conn.client.callTool({
        name: 'create_pending_review',
        arguments: {
          owner: 'acme',
          repo: 'rentals',
          number: 42,
          body: 'Automated review',
          comments: review.suggestedComments,
        },
      }),
    );
    expect(created).toMatchObject({
      state: 'PENDING',
      comments: review.suggestedComments.length,
      commitId: HEAD,
    });

    const added = structured<{ added: number }>(
      await conn.client.callTool({
        name: 'add_pending_review_comments',
        arguments: {
          owner: 'acme',
          repo: 'rentals',
          number: 42,
          comments: [{ path: 'templates/leasing.html', line: 3, body: 'Fine: colour of appliances.' }],
        },
      }),
    );
    expect(added.added).toBe(1);
    const submitted = structured<{ state: string }>(
      await conn.client.callTool({
        name: 'submit_pending_review',
        arguments: {
          owner: 'acme',
          repo: 'rentals',
          number: 42,
          event: 'REQUEST_CHANGES',
          body: 'See comments.',
        },
      }),
    );
    expect(submitted.state).toBe('CHANGES_REQUESTED');
    const stored = fake.reviews('acme/rentals', 42).find((r) => r.id === created.reviewId)!;
    expect(stored.comments).toHaveLength(review.suggestedComments.length + 1);

    const again = structured<{ reviewId: number }>(
      await conn.client.callTool({
        name: 'create_pending_review',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, comments: [] },
      }),
    );
    const deleted = structured<{ deleted: boolean }>(
      await conn.client.callTool({
        name: 'delete_pending_review',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, reviewId: again.reviewId },
      }),
    );
    expect(deleted.deleted).toBe(true);
  });

  it('reads pull requests by view with paging, and reports a 404 clearly', async () => {
    const overview = await conn.client.callTool({
      name: 'get_pull_request',
      arguments: { owner: 'acme', repo: 'rentals', number: 42 },
    });
    expect((overview.content as Array<{ text: string }>)[0]!.text).toMatch(/Checks: 2 \(1 failing: test/);
    const page1 = structured<{ files: unknown[]; nextCursor: string | null; total: number }>(
      await conn.client.callTool({
        name: 'get_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 7, view: 'files', limit: 100 },
      }),
    );
    expect(page1.files).toHaveLength(100);
    expect(page1.total).toBe(250);
    const page3 = structured<{ files: Array<{ path: string }>; nextCursor: string | null }>(
      await conn.client.callTool({
        name: 'get_pull_request',
        arguments: {
          owner: 'acme',
          repo: 'rentals',
          number: 7,
          view: 'files',
          limit: 150,
          cursor: page1.nextCursor,
        },
      }),
    );
    expect(page3.files).toHaveLength(150);
    expect(page3.nextCursor).toBeNull();
    const diff = structured<{ diff: string }>(
      await conn.client.callTool({
        name: 'get_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, view: 'diff' },
      }),
    );
    expect(diff.diff).toContain('+    2| <p>Quiet building, perfect for singles.');
    const missing = await conn.client.callTool({
      name: 'get_pull_request',
      arguments: { owner: 'acme', repo: 'rentals', number: 404 },
    });
    expect(errorText(missing)).toMatch(/^Not found \(404\): pull request acme\/rentals#404/);
  });

  it('serves the pull request and its budgeted diff as resources', async () => {
    const pr = await conn.client.readResource({ uri: 'github://acme/rentals/pull/42' });
    const text = (pr.contents[0] as { text: string }).text;
    expect(text).toMatch(/^# acme\/rentals#42: Charge residents through Stripe/);
    expect(text).toContain('- test: completed / failure');
    const diff = await conn.client.readResource({ uri: 'github://acme/rentals/pull/42/diff' });
    const diffText = (diff.contents[0] as { text: string }).text;
    expect(diffText).toContain('### src/payments/client.ts');
    expect(diffText).toMatch(/assets\/logo\.png \(binary/);
  });

  it('renders the prompts', async () => {
    const p = await conn.client.getPrompt({
      name: 'review_pr',
      arguments: { owner: 'acme', repo: 'rentals', number: '42' },
    });
    expect((p.messages[0]!.content as { text: string }).text).toMatch(/do NOT call create_pending_review/);
    const l = await conn.client.getPrompt({
      name: 'review_my_changes',
      arguments: { repoPath: repo.root, mode: 'branch', base: 'main' },
    });
    expect((l.messages[0]!.content as { text: string }).text).toContain('mode "branch", base "main"');
  });

  it('reviews a local branch with no network, describes it and finds stale docs', async () => {
    const review = structured<Review>(
      await conn.client.callTool({
        name: 'review_local_changes',
        arguments: { repoPath: repo.root, mode: 'branch', base: 'main' },
      }),
    );
    expect(review.configOrigin).toBe('.sophia-review.yml');
    expect(review.findings.map((f) => `${f.ruleId} ${f.path}:${f.line ?? '-'}`).sort()).toEqual([
      'compliance/fdcpa-disclosure templates/sms/past-due.txt:1',
      'compliance/fdcpa-disclosure templates/sms/past-due.txt:1',
      'compliance/fdcpa-threat templates/sms/past-due.txt:1',
      'pii/logged src/fees/late.ts:2',
    ]);
    const changes = structured<{ files: Array<{ path: string }>; diff: string }>(
      await conn.client.callTool({
        name: 'get_local_changes',
        arguments: { repoPath: repo.root, mode: 'branch', base: 'main', view: 'diff' },
      }),
    );
    expect(changes.files.map((f) => f.path).sort()).toEqual([
      'src/fees/late.ts',
      'src/rent.ts',
      'templates/sms/past-due.txt',
    ]);
    const desc = structured<{ title: string; body: string; model: { used: boolean } }>(
      await conn.client.callTool({
        name: 'draft_pr_description',
        arguments: { repoPath: repo.root, mode: 'branch', base: 'main' },
      }),
    );
    expect(desc.title).toBe('Add past-due notice');
    expect(desc.model.used).toBe(false);
    expect(desc.body).toContain('## Testing');
    expect(desc.body).toMatch(/1 × compliance\/fdcpa-threat/);
    const stale = structured<{ mentions: Array<{ doc: string; reason: string; mention: string }> }>(
      await conn.client.callTool({
        name: 'find_stale_docs',
        arguments: { repoPath: repo.root, mode: 'branch', base: 'main' },
      }),
    );
    expect(stale.mentions.map((m) => `${m.doc} ${m.mention} ${m.reason}`).sort()).toEqual([
      'README.md src/rent.ts modified',
      'docs/billing.md ../src/fees/ folder-changed',
      'docs/billing.md src/rent.ts modified',
    ]);
    const summary = structured<{
      coverageFile: string | null;
      hotSpots: Array<{ path: string; commits: number }>;
      folders: Array<{ folder: string; coverage: { percent: number } | null }>;
    }>(
      await conn.client.callTool({
        name: 'summarize_repository',
        arguments: { repoPath: repo.root, depth: 1 },
      }),
    );
    expect(summary.coverageFile).toBe('lcov.info');
    expect(summary.folders.find((f) => f.folder === 'src')!.coverage!.percent).toBeCloseTo(66.7, 1);
    expect(summary.hotSpots[0]).toMatchObject({ path: 'src/rent.ts', commits: 2 });
  });

  it('drafts a description with the host model when it can sample', async () => {
    const sampler = await connectInMemory(definition, {
      database: t.sophia,
      tenant: 'acme',
      env: env(),
      sampling,
    });
    try {
      samplingAnswer = () =>
        JSON.stringify({
          title: 'Charge residents through Stripe',
          body: '## Summary\nAdds charge().\n## Changes\n…\n## Testing\n…\n## Risks\nLive key.',
        });
      const desc = structured<{ title: string; body: string; model: { used: boolean; name: string } }>(
        await sampler.client.callTool({
          name: 'draft_pr_description',
          arguments: { owner: 'acme', repo: 'rentals', number: 42 },
        }),
      );
      expect(desc.model).toMatchObject({ used: true, name: 'host-model-1' });
      expect(desc.body).toMatch(/^## Summary/);
    } finally {
      await sampler.close();
    }
  });

  it('keeps a review of a change with hundreds of findings within the token budget', async () => {
    const noisy = new TempRepo();
    try {
      noisy.commit('initial', { 'README.md': 'x\n' });
      noisy.write(
        'src/legacy.ts',
        Array.from({ length: 300 }, (_, i) => `export const r${i} = eval(rules[${i}]); // rule ${i}`).join(
          '\n',
        ) + '\n',
      );
      const result = (await conn.client.callTool({
        name: 'review_local_changes',
        arguments: { repoPath: noisy.root, maxFindings: 100 },
      })) as CallToolResult;
      const review = structured<Review & { totalFindings: number; omittedFindings: number }>(result);
      expect(review.totalFindings).toBe(301); // 300 eval lines + tests/missing
      expect(review.findings).toHaveLength(100);
      expect(review.omittedFindings).toBe(201);
      expect(review.suggestedComments).toHaveLength(30);
      const text = (result.content[0] as { text: string }).text;
      expect(text).toMatch(/more in the structured result/);
      expect((text.length + JSON.stringify(result.structuredContent).length) / 3.6).toBeLessThan(20_000);
    } finally {
      noisy.remove();
    }
  });

  it('rejects bad input with clear errors', async () => {
    expect(
      errorText(
        await conn.client.callTool({
          name: 'review_local_changes',
          arguments: { repoPath: repo.root, mode: 'staged', base: 'main' },
        }),
      ),
    ).toMatch(/base and head apply to mode "branch" only/);
    expect(
      errorText(
        await conn.client.callTool({
          name: 'review_local_changes',
          arguments: { repoPath: '/nope/nowhere' },
        }),
      ),
    ).toMatch(/does not exist/);
    expect(errorText(await conn.client.callTool({ name: 'find_stale_docs', arguments: {} }))).toMatch(
      /Give either owner, repo and number/,
    );
    expect(
      errorText(
        await conn.client.callTool({
          name: 'get_pull_request',
          arguments: { owner: 'acme', repo: 'rentals', number: 42, view: 'files', cursor: 'garbage!' },
        }),
      ),
    ).toMatch(/cursor/);
  });
});
