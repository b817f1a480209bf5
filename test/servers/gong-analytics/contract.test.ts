import { describe, expect, it } from 'vitest';
import { definition } from '../../../servers/gong-analytics/server.js';
import { contractOf } from '../../../shared/runtime/contract.js';
import { connectInMemory } from '../../support/mcp.js';

describe('gong-analytics contract', () => {
  it('matches the committed snapshot (update with `npx vitest run -u` and review the diff)', async () => {
    await expect(`${JSON.stringify(contractOf(definition), null, 2)}\n`).toMatchFileSnapshot(
      '../../../servers/gong-analytics/contract.snapshot.json',
    );
  });

  it('tools/list (name, description, input schema: what a host hands its model) stays within 3,000 tokens', async () => {
    const conn = await connectInMemory(definition);
    try {
      const { tools } = await conn.client.listTools();
      const handed = tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema,
      }));
      const tokens = Math.ceil(JSON.stringify(handed).length / 3.6);
      process.stderr.write(`gong-analytics tools/list: ${tools.length} tools, ~${tokens} tokens\n`);
      expect(tokens).toBeLessThanOrEqual(3000);
    } finally {
      await conn.close();
    }
  });

  it('hides write tools in read-only mode', async () => {
    const conn = await connectInMemory(definition, { env: { SOPHIA_READ_ONLY: 'true' } });
    try {
      const { tools } = await conn.client.listTools();
      const all = definition.tools
        .filter((t) => t.annotations.readOnlyHint)
        .map((t) => t.name)
        .sort();
      expect(tools.map((t) => t.name).sort()).toEqual(all);
    } finally {
      await conn.close();
    }
  });
});
