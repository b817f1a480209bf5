import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorld } from '../../shared/ingest/demo/generate.js';
import { ingestDemoFiles } from '../../shared/ingest/demo/ingest.js';
import { analyze } from '../../shared/pipeline/analysis-stage.js';
import { fullTextSearch } from '../../shared/search/full-text.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const TENANT = 'analysis';
const CALLS = 60;
const TYPE: Record<string, string> = {
  pms_integration: 'integration',
  trust_in_ai: 'ai_trust',
  contract_terms: 'contract',
};

interface Truth {
  objections: Array<{ callId: string; type: string; startMs: number }>;
  competitorMentions: Array<{ callId: string; competitor: string; startMs: number }>;
}

describe.each(testEngines())('analysis stage on %s', (engine) => {
  let t: TestDatabase;
  let dir: string;
  let truth: Truth;
  let first: Awaited<ReturnType<typeof analyze>>;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants(TENANT);
    dir = mkdtempSync(join(tmpdir(), 'sophia-analysis-'));
    const world = await writeWorld(dir, { calls: CALLS, seed: 'analysis-stage' });
    truth = JSON.parse(readFileSync(world.groundTruthFile, 'utf8')) as Truth;
    await ingestDemoFiles(t.sophia, { tenant: TENANT, files: world.files, progress: false });
    first = await analyze(t.sophia, { tenant: TENANT, batchSize: 25 });
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const q = <T>(query: ReturnType<typeof sql<T>>) =>
    t.sophia.withTenant(TENANT, async (trx) => (await query.execute(trx)).rows);

  it('analyses every call once, in batches, and fills every derived table', async () => {
    expect(first).toMatchObject({ calls: CALLS, analysed: CALLS, unchanged: 0 });
    const [n] = await q(sql<Record<string, number>>`select
      (select count(*)::int from call_metrics) as metrics,
      (select count(*)::int from call_analysis_state) as state,
      (select count(*)::int from call_speaker_metrics) as speakers,
      (select count(*)::int from objection_episodes) as objections,
      (select count(*)::int from competitor_mentions) as mentions,
      (select count(*)::int from tracker_hits where detector like 'sophia:%') as hits,
      (select count(*)::int from tracker_definitions) as trackers,
      (select count(*)::int from kb_documents where collection = 'call_content') as docs,
      (select count(*)::int from call_content_chunks) as chunks,
      (select count(*)::int from term_counts) as terms,
      (select count(*)::int from analysis_rollups) as rollups`);
    expect(n).toMatchObject({ metrics: CALLS, state: CALLS });
    for (const [k, v] of Object.entries(n!)) expect(v, k).toBeGreaterThan(0);
    expect(n!.objections).toBe(first.objections);
  });

  it('finds the planted objections with their types', async () => {
    const found = await q(sql<{ source_id: string; type: string; start_ms: number }>`
      select c.source_id, o.type, o.start_ms from objection_episodes o join calls c on c.id = o.call_id`);
    const expected = truth.objections.map((o) => ({ ...o, type: TYPE[o.type] ?? o.type }));
    const match = (a: { type: string; startMs: number }, b: { type: string; start_ms: number }) =>
      a.type === b.type && Math.abs(a.startMs - b.start_ms) < 1500;
    const tp = found.filter((f) => expected.some((e) => e.callId === f.source_id && match(e, f))).length;
    expect(expected.length).toBeGreaterThan(10);
    expect(tp / found.length).toBeGreaterThanOrEqual(0.95);
    expect(tp / expected.length).toBeGreaterThanOrEqual(0.95);
    // every episode carries the rep's answer and how it was handled
    const [r] = await q(sql<{ n: number; answered: number }>`
      select count(*)::int as n, (count(*) filter (where response_text is not null and handling is not null))::int as answered
      from objection_episodes`);
    expect(r!.answered).toBe(r!.n);
  });

  it('finds the planted competitor mentions', async () => {
    const found = await q(sql<{ source_id: string; competitor: string; start_ms: number }>`
      select c.source_id, m.competitor, m.start_ms from competitor_mentions m join calls c on c.id = m.call_id`);
    for (const e of truth.competitorMentions)
      expect(
        found.some(
          (f) => f.source_id === e.callId && f.competitor === e.competitor && f.start_ms === e.startMs,
        ),
        `${e.competitor} on ${e.callId}`,
      ).toBe(true);
  });

  it('stores metrics equal to the values computed from the transcript', async () => {
    const rows = await q(sql<{ talk_ratio: number; rep: number; all: number; mono: number; longest: number }>`
      with t as (
        select s.call_id, s.start_ms, s.end_ms, p.affiliation from transcript_segments s
        join call_participants p on p.call_id = s.call_id and p.speaker_id = s.speaker_id
      )
      select m.talk_ratio,
             (select sum(end_ms - start_ms) from t where t.call_id = m.call_id and affiliation = 'Internal')::float8 as rep,
             (select sum(end_ms - start_ms) from t where t.call_id = m.call_id and affiliation in ('Internal', 'External'))::float8 as all,
             m.longest_monologue_seconds as mono
      from call_metrics m where m.call_kind = 'sales'`);
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) expect(r.talk_ratio).toBeCloseTo(r.rep / r.all, 3);
  });

  it('fills the call_content collection so full-text search finds call passages', async () => {
    const hits = await t.sophia.withTenant(TENANT, (trx) =>
      fullTextSearch(trx, {
        query: 'integration ledger sync',
        collections: ['call_content'],
        limit: 5,
        tenant: TENANT,
      }),
    );
    expect(hits.length).toBeGreaterThan(0);
    const [place] = await q(sql<{ call_id: string; start_ms: number }>`
      select call_id, start_ms from call_content_chunks where chunk_id = ${hits[0]!.chunkId}`);
    expect(place).toBeDefined();
  });

  it('a re-run analyses nothing', async () => {
    const again = await analyze(t.sophia, { tenant: TENANT });
    expect(again).toMatchObject({ calls: CALLS, analysed: 0, unchanged: CALLS });
  });

  it('a changed transcript is analysed again, and only that call', async () => {
    const [seg] = await q(sql<{ call_id: string; segment_index: number; start_ms: number }>`
      select s.call_id, s.segment_index, s.start_ms from transcript_segments s
      join call_participants p on p.call_id = s.call_id and p.speaker_id = s.speaker_id
      join call_metrics m on m.call_id = s.call_id and m.call_kind = 'sales'
      where p.affiliation = 'External'
        and not exists (select 1 from objection_episodes o where o.call_id = s.call_id and o.type = 'contract')
      order by s.call_id, s.segment_index limit 1`);
    await t.sophia.withTenant(TENANT, (trx) =>
      sql`update transcript_segments set text = 'We would never accept an auto-renewal clause in the order form.'
          where call_id = ${seg!.call_id} and segment_index = ${seg!.segment_index}`.execute(trx),
    );
    const again = await analyze(t.sophia, { tenant: TENANT });
    expect(again).toMatchObject({ analysed: 1, unchanged: CALLS - 1 });
    const found = await q(sql<{ type: string; start_ms: number }>`
      select type, start_ms from objection_episodes where call_id = ${seg!.call_id} and type = 'contract'`);
    expect(found).toContainEqual({ type: 'contract', start_ms: seg!.start_ms });
    expect((await analyze(t.sophia, { tenant: TENANT })).analysed).toBe(0);
  });

  it('--rebuild analyses everything again and gives the same tables', async () => {
    const before = await q(sql<{ n: number; h: string }>`
      select count(*)::int as n, md5(string_agg(call_id::text || type || start_ms, ',' order by call_id, start_ms, type)) as h
      from objection_episodes`);
    const rebuilt = await analyze(t.sophia, { tenant: TENANT, rebuild: true });
    expect(rebuilt.analysed).toBe(CALLS);
    const after = await q(sql<{ n: number; h: string }>`
      select count(*)::int as n, md5(string_agg(call_id::text || type || start_ms, ',' order by call_id, start_ms, type)) as h
      from objection_episodes`);
    expect(after).toEqual(before);
  });
});
