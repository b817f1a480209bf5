import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../../servers/github-review/rules/all-rules.js';
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

  it('is documented: the README section names every tool, resource, prompt and rule', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- section: github review (issue 5) -->');
    const end = readme.indexOf('<!-- section:', start + 10);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const names = [
      ...definition.tools.map((t) => `\`${t.name}\``),
      ...(definition.resources ?? []).map((r) => (r.template ?? r.uri)!),
      ...(definition.prompts ?? []).map((p) => `\`${p.name}\``),
      ...RULE_IDS.map((id) => `\`${id}\``),
    ];
    expect(names.filter((n) => !section.includes(n))).toEqual([]);
  });
});
