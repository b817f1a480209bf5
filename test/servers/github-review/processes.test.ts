import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { spawnStdioServer, startHttpServer } from '../../support/spawn-server.js';
import { TempRepo } from './local/git-repo.js';
import { FakeGitHub } from './support/fake-github.js';
import { seedFake } from './support/sample-pull.js';

/** The github-review server as real processes: over stdio (as Claude Code runs it) and over Streamable HTTP. */
describe('github-review server processes', () => {
  let t: TestDatabase;
  const fake = new FakeGitHub();
  const repo = new TempRepo();
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase(testEngines()[0]!);
    await t.tenants('default');
    seedFake(fake);
    const apiUrl = await fake.start();
    env = {
      DATABASE_URL: t.url,
      SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-review-proc-')),
      GITHUB_API_URL: apiUrl,
      GITHUB_TOKEN: '',
      ANTHROPIC_API_KEY: '',
      SOPHIA_LOG_LEVEL: 'warn',
    };
    repo.commit('initial', { 'src/app.ts': 'export const a = 1;\n' });
    repo.write('src/app.ts', "export const a = 1;\nlogger.info('signup', { email: user.email });\n");
  });
  afterAll(async () => {
    await fake.stop();
    await t?.close();
    repo.remove();
  });

  it('serves reviews over stdio, with no network and no token for local changes', async () => {
    const server = await spawnStdioServer('github-review', { env, args: ['--toolsets', 'all'] });
    try {
      const { tools } = await server.client.listTools();
      expect(tools).toHaveLength(11);
      const local = (await server.client.callTool({
        name: 'review_local_changes',
        arguments: { repoPath: repo.root },
      })) as CallToolResult;
      expect(local.isError).toBeFalsy();
      const structured = local.structuredContent as {
        findings: Array<{ ruleId: string; line: number }>;
        model: { used: boolean };
      };
      expect(structured.findings).toMatchObject([{ ruleId: 'pii/logged', line: 2 }]);
      expect(structured.model.used).toBe(false);
      const pr = (await server.client.callTool({
        name: 'review_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 42 },
      })) as CallToolResult;
      expect(pr.isError).toBeFalsy();
      // without GITHUB_TOKEN writing is refused with a clear message
      const write = (await server.client.callTool({
        name: 'delete_pending_review',
        arguments: { owner: 'acme', repo: 'rentals', number: 42 },
      })) as CallToolResult;
      expect((write.content[0] as { text: string }).text).toMatch(/needs a GitHub token: set GITHUB_TOKEN/);
    } finally {
      await server.close();
    }
  });

  it('refuses local repository tools over HTTP but reviews pull requests', async () => {
    const server = await startHttpServer('github-review', { env: { ...env, SOPHIA_AUTH_DISABLED: 'true' } });
    const client = new Client({ name: 'e2e-http', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      // the tools that only read the server's disk are not listed over HTTP, and a call says why
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('get_pull_request');
      for (const localOnly of ['get_local_changes', 'review_local_changes', 'summarize_repository'])
        expect(names).not.toContain(localOnly);
      const local = (await client.callTool({
        name: 'review_local_changes',
        arguments: { repoPath: repo.root },
      })) as CallToolResult;
      expect(local.isError).toBe(true);
      expect((local.content[0] as { text: string }).text).toMatch(
        /^Tool review_local_changes is not available over http: it works over stdio only/,
      );
      const pr = (await client.callTool({
        name: 'get_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 42, view: 'checks' },
      })) as CallToolResult;
      expect(pr.isError).toBeFalsy();
      expect((pr.structuredContent as { checks: unknown[] }).checks).toHaveLength(2);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
