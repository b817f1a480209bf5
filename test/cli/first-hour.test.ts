import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { DEFAULT_TOOL_TOKENS, estimateTokens } from '../../shared/runtime/budget.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/engines.js';
import { repoRoot } from '../support/spawn-server.js';

/**
 * Issue 12, "done means": a new user follows the README — `sophia demo`, then `sophia mcp-config` pasted into
 * Claude Desktop — and every server, started exactly as that configuration says (command, args, env; the SDK's
 * stdio transport adds the same default environment Claude Desktop does), gives a non-empty answer. No
 * SOPHIA_TENANT anywhere: the demo, the configuration and the servers agree on the default tenant.
 */
const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));

interface McpServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** What a server must answer, from the demo's data, through a real client. */
const FIRST_QUESTIONS: Record<
  string,
  (repo: string) => { tool: string; arguments: Record<string, unknown>; expect: (text: string) => void }
> = {
  'data-dictionary': () => ({
    tool: 'describe_schema',
    arguments: { table: 'calls' },
    expect: (text) => expect(text).toMatch(/### calls \(~?[1-9]\d* rows?/),
  }),
  'knowledge-base': () => ({
    tool: 'search_knowledge',
    arguments: { query: 'familial status advertising' },
    expect: (text) => expect(text).toMatch(/fair-housing\.md:\d+/),
  }),
  'gong-analytics': () => ({
    tool: 'search_calls',
    arguments: {},
    expect: (text) => expect(text).not.toMatch(/no calls|0 calls/i),
  }),
  'customer-360': () => ({
    tool: 'churn_risk',
    arguments: {},
    expect: (text) => expect(text).not.toMatch(/no accounts|0 accounts/i),
  }),
  'github-review': (repo) => ({
    tool: 'get_local_changes',
    arguments: { repoPath: repo },
    expect: (text) => expect(text).toContain('pricing.md'),
  }),
};

describe.each(testEngines())('the first hour, on %s', (engine) => {
  let t: TestDatabase | undefined;
  let home: string;
  let repo: string;
  let config: Record<string, McpServerEntry>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'sophia-first-hour-'));
    // What the user's shell holds: SOPHIA_HOME (and DATABASE_URL on PostgreSQL), no SOPHIA_TENANT.
    const shell: Record<string, string> = { ...(process.env as Record<string, string>), SOPHIA_HOME: home };
    delete shell.SOPHIA_TENANT;
    delete shell.DATABASE_URL;
    if (engine === 'postgres') {
      t = await createTestDatabase(engine);
      shell.DATABASE_URL = t.url;
    }
    await run(process.execPath, [...CLI, 'demo', '--calls', '20', '--seed', 'first-hour'], {
      cwd: repoRoot,
      env: { ...shell, SOPHIA_LOG_LEVEL: 'warn' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 170_000,
    });
    const printed = await run(process.execPath, [...CLI, 'mcp-config'], { cwd: repoRoot, env: shell });
    config = (JSON.parse(printed.stdout) as { mcpServers: Record<string, McpServerEntry> }).mcpServers;
    // A local repository with a change, for the github-review server's local tools (no network here).
    repo = mkdtempSync(join(tmpdir(), 'sophia-first-hour-repo-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    git('-c', 'user.email=a@b.c', '-c', 'user.name=a', 'commit', '-q', '--allow-empty', '-m', 'start');
    writeFileSync(join(repo, 'pricing.md'), '# Pricing\nPer unit, per month.\n');
  }, 240_000);

  afterAll(async () => {
    await stopEmbeddedDatabase(home).catch(() => undefined);
    await t?.close();
    rmSync(home, { recursive: true, force: true });
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('mcp-config names every server and sets no tenant', () => {
    expect(Object.keys(config).sort()).toEqual(
      Object.keys(FIRST_QUESTIONS)
        .map((n) => `sophia-${n}`)
        .sort(),
    );
    for (const entry of Object.values(config)) expect(entry.env.SOPHIA_TENANT).toBeUndefined();
  });

  it.each(Object.keys(FIRST_QUESTIONS))(
    '%s, started as the configuration says, answers from the demo data',
    async (name) => {
      const entry = config[`sophia-${name}`]!;
      const transport = new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        env: entry.env,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const client = new Client({ name: 'claude-desktop-like', version: '1.0.0' });
      await client.connect(transport);
      try {
        const question = FIRST_QUESTIONS[name]!(repo);
        const result = await client.callTool({ name: question.tool, arguments: question.arguments });
        const text = (result.content as Array<{ type: string; text?: string }>)
          .map((c) => c.text ?? '')
          .join('\n');
        expect(result.isError, `${text}\n${stderr}`).toBeFalsy();
        question.expect(text);
        expect(text).not.toMatch(/has no data|sophia demo` loads/i);
        // The context window: every tool that answers without arguments answers, on the demo's data, with a
        // text and a structuredContent of at most DEFAULT_TOOL_TOKENS each (the rest is paged).
        for (const tool of (await client.listTools()).tools) {
          if (tool.inputSchema.required?.length) continue;
          const answer = await client.callTool({ name: tool.name, arguments: {} });
          if (answer.isError) continue;
          const answerText = (answer.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
          const sizes = {
            tool: tool.name,
            text: estimateTokens(answerText),
            structured: estimateTokens(JSON.stringify(answer.structuredContent ?? {})),
          };
          expect(Math.max(sizes.text, sizes.structured), JSON.stringify(sizes)).toBeLessThanOrEqual(
            DEFAULT_TOOL_TOKENS,
          );
        }
      } finally {
        await client.close();
      }
    },
    60_000,
  );
});
