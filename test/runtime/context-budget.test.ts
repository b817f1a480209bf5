import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUDGETED_SERVERS,
  CONTEXT_BUDGET,
  type ListingSize,
  measureServer,
} from '../support/context-budget.js';
import { spawnStdioServer } from '../support/spawn-server.js';

/**
 * The context window (issue 12): what each server's tools/list hands the host's model (names, descriptions,
 * input schemas), measured over stdio with a real MCP client, stays within 2,500 tokens per server with its
 * default toolsets and 10,000 for all servers together. `npx tsx bench/context-budget.ts` prints the table.
 */
describe('context budget: tools/list as a host hands it to its model', () => {
  const sizes: ListingSize[] = [];

  it.each(BUDGETED_SERVERS)(`%s stays within ${CONTEXT_BUDGET.perServerTokens} tokens`, async (server) => {
    const size = await measureServer(server);
    sizes.push(size);
    process.stderr.write(
      `${server}: ${size.tools} tool(s), ~${size.handedTokens} tokens handed to the model\n`,
    );
    expect(size.tools).toBeGreaterThan(0);
    expect(size.handedTokens).toBeLessThanOrEqual(CONTEXT_BUDGET.perServerTokens);
  });

  it(`all servers together stay within ${CONTEXT_BUDGET.allServersTokens} tokens`, () => {
    expect(sizes.map((s) => s.server).sort()).toEqual(BUDGETED_SERVERS);
    const total = sizes.reduce((s, x) => s + x.handedTokens, 0);
    expect(total).toBeLessThanOrEqual(CONTEXT_BUDGET.allServersTokens);
  });

  it('lists lean schemas: no $schema, no additionalProperties:false, no ±2^53-1 bounds', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sophia-context-'));
    const running = await spawnStdioServer('github-review', {
      env: { SOPHIA_HOME: home, SOPHIA_LOG_LEVEL: 'error', SOPHIA_DB_IDLE_SECONDS: '5' },
      args: ['--toolsets', 'all'],
    });
    try {
      const { tools } = await running.client.listTools();
      const listed = JSON.stringify(tools);
      expect(listed).not.toContain('$schema');
      expect(listed).not.toContain('"additionalProperties":false');
      expect(listed).not.toContain('9007199254740991');
      // the server still refuses what the lean schema no longer spells out
      const r = (await running.client.callTool({
        name: 'get_pull_request',
        arguments: { owner: 'acme', repo: 'rentals', number: 1, colour: 'blue' },
      })) as { isError?: boolean; content: Array<{ text: string }> };
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toMatch(/colour/);
    } finally {
      await running.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
