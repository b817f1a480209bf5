import { describe, expect, it } from 'vitest';
import type { Llm } from '../../../../shared/llm/llm.js';
import {
  deterministicDescription,
  draftDescription,
} from '../../../../servers/github-review/review/pr-description.js';
import { changedFile, changes, newFile } from '../support/diffs.js';

const set = changes(
  newFile('src/billing/proration.ts', ['export const x = 1;']),
  newFile('test/billing/proration.test.ts', ['it("x", () => {});']),
  changedFile('package.json', { added: ['    "dayjs": "^1.11.0",'] }),
  changedFile('docs/billing.md', { added: ['Proration.'] }),
);

describe('pull-request description', () => {
  it('is assembled from the diff without a model', () => {
    const d = deterministicDescription(
      set,
      ['Add proration\n\nbody', 'fixup! typo'],
      [
        {
          ruleId: 'deps/lockfile-missing',
          severity: 'warning',
          path: 'package.json',
          side: 'RIGHT',
          message: 'x',
        },
      ],
    );
    expect(d.title).toBe('Add proration');
    expect(d.body).toContain('## Summary\n4 file(s) changed (+4 −0)');
    expect(d.body).toContain('Tests changed: `test/billing/proration.test.ts`.');
    expect(d.body).toContain('Dependency manifests changed: `package.json`.');
    expect(d.body).toContain('1 × deps/lockfile-missing');
  });

  it('uses the model when available and falls back on a bad answer', async () => {
    const llm = (text: string): Llm => ({
      kind: 'sampling',
      complete: async () => ({ text, model: 'host' }),
    });
    const good = await draftDescription({
      changes: set,
      commits: [],
      findings: [],
      llm: llm('{"title": "Add proration", "body": "## Summary\\nProrates rent."}'),
      useModel: 'auto',
    });
    expect(good).toMatchObject({ title: 'Add proration', model: { used: true, name: 'host' } });
    const bad = await draftDescription({
      changes: set,
      commits: [],
      findings: [],
      llm: llm('no json here'),
      useModel: 'auto',
    });
    expect(bad.model.used).toBe(false);
    expect(bad.model.note).toMatch(/could not be read/);
    expect(bad.title).toMatch(/^Update /);
  });
});
