import { describe, expect, it } from 'vitest';
import { definition } from '../../../servers/knowledge-base/server.js';
import { contractOf } from '../../../shared/runtime/contract.js';

describe('knowledge-base contract', () => {
  it('matches the committed snapshot (update with `npx vitest run -u` and review the diff)', async () => {
    await expect(`${JSON.stringify(contractOf(definition), null, 2)}\n`).toMatchFileSnapshot(
      '../../../servers/knowledge-base/contract.snapshot.json',
    );
  });

  it('declares every tool with a toolset, annotations, and the write as a write', () => {
    const save = definition.tools.find((t) => t.name === 'save_document')!;
    expect(save.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
    for (const t of definition.tools.filter((x) => x.name !== 'save_document')) expect(t.annotations.readOnlyHint).toBe(true);
  });
});
