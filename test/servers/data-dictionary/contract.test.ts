import { describe, expect, it } from 'vitest';
import { definition } from '../../../servers/data-dictionary/server.js';
import { contractOf } from '../../../shared/runtime/contract.js';

describe('data-dictionary contract', () => {
  it('matches the committed snapshot (update with `npx vitest run -u` and review the diff)', async () => {
    await expect(`${JSON.stringify(contractOf(definition), null, 2)}\n`).toMatchFileSnapshot(
      '../../../servers/data-dictionary/contract.snapshot.json',
    );
  });
});
