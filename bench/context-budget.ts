/**
 * Prints what each server's tools/list costs the host's model (the README's "Context budget" table): every
 * server is started over stdio the way Claude Desktop starts it and listed with a real MCP client, once with
 * its default toolsets and once with --toolsets all. Tokens are the project's estimate (3.6 characters a token).
 *
 *   npx tsx bench/context-budget.ts
 *
 * Exits 1 when a budget is exceeded (test/runtime/context-budget.test.ts checks the same in CI).
 */
import {
  BUDGETED_SERVERS,
  CONTEXT_BUDGET,
  contextTable,
  type ListingSize,
  measureServer,
} from '../test/support/context-budget.js';

const defaults: ListingSize[] = [];
const all: ListingSize[] = [];
for (const server of BUDGETED_SERVERS) {
  defaults.push(await measureServer(server));
  all.push(await measureServer(server, 'all'));
}
process.stdout.write(`${contextTable(defaults, all)}\n`);
const over = defaults.filter((d) => d.handedTokens > CONTEXT_BUDGET.perServerTokens);
const total = defaults.reduce((s, d) => s + d.handedTokens, 0);
if (over.length > 0 || total > CONTEXT_BUDGET.allServersTokens) {
  process.stderr.write(
    `over budget: ${over.map((o) => `${o.server} ${o.handedTokens}`).join(', ') || 'none per server'}; total ${total}\n`,
  );
  process.exit(1);
}
