/**
 * Prints the size of every server's default answers (the README's "Context budget" section): `sophia demo`
 * loads a scratch home (or --home DIR reuses one), then each server is started over stdio as Claude Desktop
 * starts it and every tool that needs no argument, plus a few everyday calls with one, is called with a real
 * MCP client. Tokens are the project's estimate (budget.ts); each part should stay within DEFAULT_TOOL_TOKENS.
 *
 *   npx tsx bench/response-budget.ts [--home DIR] [--repo PATH]
 *
 * --repo is the local git repository the github-review calls read (default: this checkout, last 30 commits).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVERS } from '../cli/servers.js';
import { stopEmbeddedDatabase } from '../shared/db/embedded/launcher.js';
import { nodeArgsFor } from '../shared/process/node-entry.js';
import { DEFAULT_TOOL_TOKENS, estimateTokens } from '../shared/runtime/budget.js';
import { repoRoot, spawnStdioServer } from '../test/support/spawn-server.js';

const { values } = parseArgs({ options: { home: { type: 'string' }, repo: { type: 'string' } } });
const repo = values.repo ?? repoRoot;
let home = values.home;
if (!home) {
  home = mkdtempSync(join(tmpdir(), 'sophia-response-bench-'));
  process.stderr.write(`loading the demo into ${home} ...\n`);
  execFileSync(process.execPath, [...nodeArgsFor(new URL('../cli/main.ts', import.meta.url)), 'demo'], {
    env: { ...process.env, SOPHIA_HOME: home, SOPHIA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

type Args = Record<string, unknown>;
type Structured = Record<string, unknown> & Record<string, Array<Record<string, unknown>> | undefined>;
const firstId = (s: Structured | undefined, list: string, ...keys: string[]) => {
  const item = s?.[list]?.[0];
  for (const k of keys) if (item && typeof item[k] === 'string') return item[k] as string;
  return undefined;
};
const local = { repoPath: repo, mode: 'branch', base: 'HEAD~30' };
/** Calls with arguments, per server; a function gets the earlier answers by tool name. */
const WITH_ARGS: Record<string, Array<[string, Args | ((prev: Record<string, Structured>) => Args)]>> = {
  'data-dictionary': [
    ['describe_schema', { table: 'calls' }],
    ['describe_schema', { search: 'email' }],
    ['describe_schema', { detail: 'full' }],
  ],
  'knowledge-base': [
    ['search_knowledge', { query: 'familial status advertising' }],
    ['search_knowledge', { query: 'pricing objections', detail: 'full' }],
    ['get_document', { path: 'compliance/fair-housing.md' }],
  ],
  'gong-analytics': [
    ['search_calls', { query: 'pricing' }],
    ['get_call', (p) => ({ callId: firstId(p.search_calls, 'hits', 'callId', 'id') })],
  ],
  'customer-360': [
    ['find_accounts', { query: 'property' }],
    ['account_360', (p) => ({ account_id: firstId(p.churn_risk, 'accounts', 'accountId', 'id') })],
    ['health_scores', (p) => ({ account_id: firstId(p.churn_risk, 'accounts', 'accountId', 'id') })],
    ['timeline', (p) => ({ account_id: firstId(p.churn_risk, 'accounts', 'accountId', 'id') })],
  ],
  'github-review': [
    ['summarize_repository', { repoPath: repo }],
    ['get_local_changes', local],
    ['get_local_changes', { ...local, view: 'diff' }],
    ['review_local_changes', { ...local, useModel: 'never' }],
    ['find_stale_docs', local],
    ['draft_pr_description', { ...local, useModel: 'never' }],
  ],
};

const rows: string[] = [];
let over = 0;
for (const server of Object.keys(SERVERS).sort()) {
  const s = await spawnStdioServer(server, {
    env: { SOPHIA_HOME: home, SOPHIA_LOG_LEVEL: 'error', SOPHIA_KB_WATCH: 'false' },
  });
  const prev: Record<string, Structured> = {};
  try {
    const { tools } = await s.client.listTools();
    const noArgs = new Set(tools.filter((t) => !t.inputSchema.required?.length).map((t) => t.name));
    const calls: Array<[string, Args | ((p: Record<string, Structured>) => Args)]> = [
      ...tools.filter((t) => !t.inputSchema.required?.length).map((t) => [t.name, {}] as [string, Args]),
      ...(WITH_ARGS[server] ?? []),
    ];
    for (const [tool, a] of calls) {
      const args = typeof a === 'function' ? a(prev) : a;
      const r = await s.client.callTool({ name: tool, arguments: args });
      const text = (r.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
      prev[tool] ??= (r.structuredContent ?? {}) as Structured;
      // a tool that needs one of several arguments refuses {}: that is not a default answer
      if (r.isError && noArgs.has(tool) && Object.keys(args).length === 0) continue;
      const t = estimateTokens(text);
      const st = estimateTokens(JSON.stringify(r.structuredContent ?? {}));
      const shown = JSON.stringify(args)
        .replace(repo, '.')
        .replace(/"[0-9a-f-]{36}"/g, '"…"');
      if (!r.isError && Math.max(t, st) > DEFAULT_TOOL_TOKENS) over++;
      rows.push(
        `| ${server} | \`${tool}\` | \`${shown}\` | ${r.isError ? 'error' : t.toLocaleString('en-US')} | ${r.isError ? '' : st.toLocaleString('en-US')} |`,
      );
    }
  } finally {
    await s.close();
  }
}
if (!values.home) await stopEmbeddedDatabase(home).catch(() => undefined);
process.stdout.write(
  [
    `| server | tool | arguments | text, tokens | structuredContent, tokens |`,
    `| --- | --- | --- | ---: | ---: |`,
    ...rows,
    '',
    `Budget: ${DEFAULT_TOOL_TOKENS.toLocaleString('en-US')} tokens for each part of a default answer; over: ${over}.`,
  ].join('\n') + '\n',
);
process.exit(over > 0 ? 1 : 0);
