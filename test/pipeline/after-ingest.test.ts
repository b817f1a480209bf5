import { describe, expect, it } from 'vitest';
import type { SophiaDatabase } from '../../shared/db/database.js';
import { createLogger } from '../../shared/log/logger.js';
import { type AfterIngestStage, runAfterIngest } from '../../shared/pipeline/after-ingest.js';

const db = {} as SophiaDatabase;
const ctx = { tenant: 't', logger: createLogger('test'), progress: false };

describe('runAfterIngest', () => {
  it('runs the stages in order, skips the ones asked, and reports each', async () => {
    const ran: string[] = [];
    const stage = (name: string): AfterIngestStage => ({
      name,
      run: async () => {
        ran.push(name);
        return { summary: `${name} done` };
      },
    });
    const out = await runAfterIngest(db, ctx, { stages: [stage('a'), stage('b'), stage('c')], skip: ['b'] });
    expect(ran).toEqual(['a', 'c']);
    expect(out.map((o) => o.summary)).toEqual(['a done', 'c done']);
  });

  it('a failing stage stops the rest with a message naming it and the command to rerun', async () => {
    const ran: string[] = [];
    const stages: AfterIngestStage[] = [
      {
        name: 'analyze',
        run: async () => {
          throw new Error('boom');
        },
      },
      { name: 'later', run: async () => (ran.push('later'), { summary: '' }) },
    ];
    await expect(runAfterIngest(db, ctx, { stages })).rejects.toThrow(
      /'analyze' stage after ingestion failed: boom .*sophia analyze/,
    );
    expect(ran).toEqual([]);
  });
});
