import { describe, expect, it } from 'vitest';
import { definition } from '../../../servers/github-review/server.js';
import { contractOf } from '../../../shared/runtime/contract.js';

describe('github-review contract', () => {
  it('matches the committed snapshot (update with `npx vitest run -u` and review the diff)', async () => {
    await expect(`${JSON.stringify(contractOf(definition), null, 2)}\n`).toMatchFileSnapshot(
      '../../../servers/github-review/contract.snapshot.json',
    );
  });

  it('declares every tool with a toolset, an output schema and all four annotations', () => {
    const names = new Set<string>();
    for (const tool of definition.tools) {
      expect(names.has(tool.name)).toBe(false);
      names.add(tool.name);
      expect(tool.toolset).toMatch(/^(pull_requests|review|review_write|codebase)$/);
      expect(Object.keys(tool.output).length).toBeGreaterThan(0);
      expect(Object.keys(tool.annotations).sort()).toEqual([
        'destructiveHint',
        'idempotentHint',
        'openWorldHint',
        'readOnlyHint',
      ]);
      // every write is in the review_write toolset and every review_write tool is a write
      expect(tool.toolset === 'review_write').toBe(!tool.annotations.readOnlyHint);
    }
    expect(
      definition.tools.find((t) => t.name === 'delete_pending_review')!.annotations.destructiveHint,
    ).toBe(true);
    expect(definition.tools.filter((t) => t.annotations.destructiveHint).map((t) => t.name)).toEqual([
      'delete_pending_review',
    ]);
  });
});
