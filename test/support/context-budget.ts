import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SERVERS } from '../../cli/servers.js';
import { estimateTokens } from '../../shared/runtime/budget.js';
import { spawnStdioServer } from './spawn-server.js';

/**
 * What each server's tools/list costs the host's model (issue 12, "the context window"). A host hands its
 * model every listed tool's name, description and input schema on every turn; that is what the budgets
 * count. Output schemas are listed too but hosts use them to check answers, not to prompt, so they are
 * reported beside the budget, not in it. Tokens are estimated with the project's estimator (budget.ts).
 */
export const CONTEXT_BUDGET = { perServerTokens: 2500, allServersTokens: 10_000 } as const;

/** The servers `sophia serve` can run (cli/servers.ts), in the order of the README table. */
export const BUDGETED_SERVERS = Object.keys(SERVERS).sort();

export interface ListingSize {
  server: string;
  tools: number;
  /** Tokens of [{name, description, inputSchema}] as JSON: what the host hands its model. */
  handedTokens: number;
  /** Tokens of the listed output schemas (not handed to the model). */
  outputSchemaTokens: number;
  /** Characters of the whole tools/list result. */
  listChars: number;
}

export function measureListing(server: string, tools: Tool[]): ListingSize {
  const handed = tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  return {
    server,
    tools: tools.length,
    handedTokens: estimateTokens(JSON.stringify(handed)),
    outputSchemaTokens: estimateTokens(JSON.stringify(tools.map((t) => t.outputSchema ?? null))),
    listChars: JSON.stringify({ tools }).length,
  };
}

/**
 * Starts a server over stdio as Claude Desktop does (a scratch SOPHIA_HOME; `toolsets` as --toolsets, none
 * for the server's defaults), lists its tools with a real MCP client and measures them.
 */
export async function measureServer(server: string, toolsets?: string): Promise<ListingSize> {
  const home = mkdtempSync(join(tmpdir(), 'sophia-context-'));
  const running = await spawnStdioServer(server, {
    env: {
      SOPHIA_HOME: home,
      SOPHIA_LOG_LEVEL: 'error',
      SOPHIA_KB_WATCH: 'false',
      // the knowledge base syncs at start; its embedded database stops soon after the server does
      SOPHIA_DB_IDLE_SECONDS: '5',
    },
    args: toolsets ? ['--toolsets', toolsets] : [],
  });
  try {
    const { tools } = await running.client.listTools();
    return measureListing(server, tools);
  } finally {
    await running.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** A Markdown table of default and all-toolset listings, with the total and the budgets. */
export function contextTable(defaults: ListingSize[], all: ListingSize[]): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const rows = defaults.map((d) => {
    const a = all.find((x) => x.server === d.server)!;
    return `| ${d.server} | ${d.tools} | ${fmt(d.handedTokens)} | ${a.tools} | ${fmt(a.handedTokens)} | ${fmt(d.outputSchemaTokens)} |`;
  });
  const sum = (xs: ListingSize[], f: (x: ListingSize) => number) => xs.reduce((s, x) => s + f(x), 0);
  return [
    '| server | tools (default) | tokens handed to the model (default toolsets) | tools (all) | tokens (all toolsets) | output schemas, tokens (not handed) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **all five** | ${sum(defaults, (x) => x.tools)} | **${fmt(sum(defaults, (x) => x.handedTokens))}** | ${sum(all, (x) => x.tools)} | ${fmt(sum(all, (x) => x.handedTokens))} | ${fmt(sum(defaults, (x) => x.outputSchemaTokens))} |`,
    '',
    `Budgets: ${fmt(CONTEXT_BUDGET.perServerTokens)} tokens per server and ${fmt(CONTEXT_BUDGET.allServersTokens)} for all together, default toolsets.`,
  ].join('\n');
}
