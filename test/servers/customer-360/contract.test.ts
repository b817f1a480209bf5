import { describe, expect, it } from 'vitest';
import { definition } from '../../../servers/customer-360/server.js';
import { estimateTokens } from '../../../shared/runtime/budget.js';
import { contractOf } from '../../../shared/runtime/contract.js';
import { connectInMemory } from '../../support/mcp.js';

describe('customer-360 contract', () => {
  it('matches the committed snapshot (update with `npx vitest run -u` and review the diff)', async () => {
    await expect(`${JSON.stringify(contractOf(definition), null, 2)}\n`).toMatchFileSnapshot(
      '../../../servers/customer-360/contract.snapshot.json',
    );
  });

  it('tools/list (name, description, input schema) stays within 3,000 tokens', async () => {
    const conn = await connectInMemory(definition);
    const { tools } = await conn.client.listTools();
    await conn.close();
    const text = JSON.stringify(
      tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
    );
    expect(estimateTokens(text)).toBeLessThanOrEqual(3000);
  });
});
