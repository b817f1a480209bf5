import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/gong-analytics/server.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';
import { caller, responseTokens } from './support.js';
import { insertAnalysis, insertWorld, KEVIN, MARIA, type World } from './world.js';

describe.each(testEngines())('gong-analytics analytics tools on %s', (engine) => {
  let t: TestDatabase;
  let conn: InMemoryConnection;
  let other: InMemoryConnection;
  let w: World;
  const call = caller(() => conn);
  const callOther = caller(() => other);
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme', 'other');
    w = await insertWorld(t.sophia, 'acme');
    await insertAnalysis(t.sophia, 'acme', w);
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme' });
    other = await connectInMemory(definition, { database: t.sophia, tenant: 'other' });
  });
  afterAll(async () => {
    await conn?.close();
    await other?.close();
    await t?.close();
  });

  it('call_stats: a rep with the team median beside', async () => {
    const r = await call('call_stats', { rep: KEVIN });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s.subject).toEqual({ kind: 'rep', name: KEVIN });
    expect(s.talkRatio).toBe(0.45);
    expect(s.longestMonologueSeconds).toBe(25);
    expect(s.stats).toMatchObject({
      calls: 2,
      longestCustomerStorySeconds: 25,
      interactivity: 5.5,
      patienceSeconds: 1.25,
      questionRate: 25,
    });
    expect(s.team).toBe('Sales');
    expect(s.teamMedian).toMatchObject({ calls: 2, talkRatio: 0.55, longestMonologueSeconds: 37.5 });
    expect(r.content[0]!.text).toContain('| Kevin Kane | 2 | 45% | 25 |');
    const q1 = await call('call_stats', { rep: 'kevin@payready.com', period: '2025-Q1' });
    expect(q1.structuredContent).toMatchObject({
      period: '2025-Q1',
      talkRatio: 0.4,
      teamMedian: { talkRatio: 0.55 },
    });
  });

  it('call_stats: one call, a team, everyone', async () => {
    const one = await call('call_stats', { callId: w.calls.c2.callId });
    expect(one.structuredContent).toMatchObject({
      subject: { kind: 'call' },
      period: '2025-Q1',
      talkRatio: 0.7,
      longestMonologueSeconds: 60,
      team: 'Sales',
    });
    expect(one.structuredContent.teamMedian.talkRatio).toBe(0.55);
    const team = await call('call_stats', { team: 'sales' });
    expect(team.structuredContent).toMatchObject({
      subject: { kind: 'team', name: 'Sales' },
      talkRatio: 0.55,
      stats: { calls: 4 },
    });
    expect(team.structuredContent.reps.map((x: { name: string }) => x.name).sort()).toEqual([KEVIN, MARIA]);
    const all = await call('call_stats', {});
    expect(all.structuredContent.stats.calls).toBe(4);
    const bad = await call('call_stats', { rep: KEVIN, team: 'Sales' });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/one of callId, rep or team/);
    const noTeam = await call('call_stats', { team: 'Marketing' });
    expect(noTeam.content[0]!.text).toMatch(/No team 'Marketing'.*Teams: Sales/);
  });

  it('objections: counts by type, trend, episodes with quote, speaker, time, response', async () => {
    const r = await call('objections', {});
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s.total).toBe(4);
    expect(s.byType.map((x: { type: string; episodes: number }) => [x.type, x.episodes])).toEqual([
      ['pricing', 2],
      ['competitor', 1],
      ['integration', 1],
    ]);
    expect(s.trend).toEqual([
      { period: '2025-Q1', counts: { competitor: 1, integration: 1, pricing: 1 } },
      { period: '2025-Q2', counts: { pricing: 1 } },
    ]);
    expect(s.objections[0]).toMatchObject({
      callId: w.calls.c4.callId,
      type: 'pricing',
      quote: 'The budget is tight this quarter and the price worries our CFO.',
      speaker: 'Lee Park',
      startMs: 4000,
      handling: 'discount',
      responder: MARIA,
      citation: `gong call ${w.calls.c4.callId} @ 0:04 (Lee Park)`,
    });
    const pricing = await call('objections', { type: 'pricing', rep: KEVIN });
    expect(pricing.structuredContent.objections).toHaveLength(1);
    expect(pricing.structuredContent.objections[0]).toMatchObject({
      callId: w.calls.c1.callId,
      dealOutcome: 'won',
      nextStep: true,
    });
    const byCall = await call('objections', { callIds: [w.calls.c2.callId] });
    expect(byCall.structuredContent.objections.map((o: { type: string }) => o.type)).toEqual(['integration']);
    const month = await call('objections', { period: '2025-Q1' });
    expect(month.structuredContent.trend.map((x: { period: string }) => x.period)).toEqual(['2025-02']);
  });

  it('objections pages with a cursor', async () => {
    const first = await call('objections', { limit: 3 });
    expect(first.structuredContent.objections).toHaveLength(3);
    const second = await call('objections', { limit: 3, cursor: first.structuredContent.nextCursor });
    expect(second.structuredContent.objections).toHaveLength(1);
    expect(second.structuredContent.nextCursor).toBeNull();
  });

  it('compare_reps: how Kevin Kane handles pricing objections compared to other reps', async () => {
    const r = await call('compare_reps', { rep: KEVIN, type: 'pricing' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s.rep).toMatchObject({
      name: KEVIN,
      episodes: 1,
      calls: 2,
      perCall: 0.5,
      pauseSeconds: 3,
      nextStepRate: 1,
      dealWinRate: 1,
      topHandling: 'value_reframe',
    });
    expect(s.everyoneElse).toMatchObject({
      episodes: 1,
      pauseSeconds: 0.4,
      nextStepRate: 0,
      dealWinRate: null,
      topHandling: 'discount',
    });
    expect(s.medianRep).toMatchObject({ pauseSeconds: 1.7, nextStepRate: 0.5 });
    expect(s.differences.join('; ')).toMatch(/pauses 1.8x longer/);
    expect(s.differences.join('; ')).toMatch(/next step after the objection 50 points higher/);
    expect(s.quotes[0]).toMatchObject({
      callId: w.calls.c1.callId,
      handling: 'value_reframe',
      citation: `gong call ${w.calls.c1.callId} @ 0:06 (Dana Fox)`,
    });
    expect(s.reps.map((x: { name: string }) => x.name)).toEqual([MARIA]);
    expect(r.content[0]!.text).toContain('Kevin Kane vs the median rep');
    const all = await call('compare_reps', {});
    expect(all.structuredContent.rep).toBeNull();
    expect(all.structuredContent.reps).toHaveLength(2);
  });

  it('search_calls filters by objection type and competitor', async () => {
    const integ = await call('search_calls', { objectionType: 'integration' });
    expect(integ.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c2.callId,
    ]);
    const comp = await call('search_calls', { competitor: 'eliseai' });
    expect(comp.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([w.calls.c1.callId]);
  });

  it('search_calls ranks calls by BM25 over the call_content collection and cites the best sentence', async () => {
    const r = await call('search_calls', { query: 'price' });
    expect(r.isError).toBeFalsy();
    const hits = r.structuredContent.hits;
    // "pricing" stems to "price" too (c3).
    expect(hits.map((h: { callId: string }) => h.callId).sort()).toEqual(
      [w.calls.c1.callId, w.calls.c3.callId, w.calls.c4.callId].sort(),
    );
    const c1 = hits.find((h: { callId: string }) => h.callId === w.calls.c1.callId);
    expect(c1.match).toMatchObject({
      speaker: 'Dana Fox',
      startMs: 6000,
      text: 'Honestly the price is too high for our portfolio right now.',
    });
    expect(c1.citation).toBe(`gong call ${w.calls.c1.callId} @ 0:06 (Dana Fox)`);
    const kevin = await call('search_calls', { query: 'price', rep: KEVIN, period: '2025-Q1' });
    expect(kevin.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c1.callId,
    ]);
    const phrase = await call('search_calls', { query: '"ledger sync"' });
    expect(phrase.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c2.callId,
    ]);
    expect(phrase.structuredContent.hits[0].match.speaker).toBe('Lee Park');
    const without = await call('search_calls', { query: 'price -budget' });
    expect(without.structuredContent.hits.map((h: { callId: string }) => h.callId)).not.toContain(
      w.calls.c4.callId,
    );
    expect((await callOther('search_calls', { query: 'price' })).structuredContent.hits).toEqual([]);
  });

  it('competitors: mentions, context, deals after the mention against the baseline, by portfolio', async () => {
    const r = await call('competitors', {});
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s.baseline).toEqual({ deals: 2, won: 1, lost: 1, winRate: 0.5 });
    expect(s.competitors).toHaveLength(1);
    expect(s.competitors[0]).toMatchObject({
      competitor: 'EliseAI',
      mentions: 1,
      calls: 1,
      accounts: 1,
      contexts: { pricing: 1 },
      deals: { deals: 1, won: 1, lost: 0, winRate: 1 },
      byTiming: { unknown: { deals: 1, won: 1 } },
      byPortfolio: { large: { deals: 1, won: 1, winRate: 1 } },
      example: { callId: w.calls.c1.callId, citation: `gong call ${w.calls.c1.callId} @ 0:25 (Dana Fox)` },
    });
    const small = await call('competitors', { portfolio: 'small' });
    expect(small.structuredContent.competitors).toEqual([]);
    expect(small.structuredContent.baseline).toEqual({ deals: 1, won: 0, lost: 1, winRate: 0 });
  });

  it('trends: rising and falling terms with significance and example quotes', async () => {
    const r = await call('trends', {});
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s).toMatchObject({ period: '2025-Q2', compareTo: '2025-Q1', calls: 2, previousCalls: 2 });
    expect(s.rising.map((x: { term: string }) => x.term)).toEqual(['ledger']);
    expect(s.rising[0]).toMatchObject({
      calls: 2,
      previousCalls: 0,
      share: 1,
      previousShare: 0,
      lift: null,
      z: 2,
    });
    expect(s.rising[0].pValue).toBeLessThan(0.05);
    expect(s.rising[0].example).toMatchObject({
      callId: w.calls.c4.callId,
      quote: 'Our ledger sync keeps failing.',
    });
    expect(s.falling.map((x: { term: string }) => x.term)).toEqual(['fax']);
    const contains = await call('trends', { period: '2025-Q2', compareTo: '2025-Q1', contains: 'fa' });
    expect(contains.structuredContent.rising).toEqual([]);
    expect(contains.structuredContent.falling.map((x: { term: string }) => x.term)).toEqual(['fax']);
    const empty = await call('trends', { period: '2024-Q1' });
    expect(empty.content[0]!.text).toMatch(/No analysed calls in 2024-Q1/);
  });

  it('compliance: findings on calls with citations, rule counts, topics customers raise', async () => {
    const r = await call('compliance', {});
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s.total).toBe(2);
    expect(s.findings.map((f: { rule: string }) => f.rule)).toEqual(['fdcpa_time_of_day', 'fair_housing']);
    expect(s.findings[1]).toMatchObject({
      term: 'no children',
      protectedClass: 'familial_status',
      speaker: 'Lee Park',
      citation: `gong call ${w.calls.c2.callId} @ 0:05 (Lee Park)`,
    });
    expect(s.findings[0].details).toEqual({ localTime: '21:40', timeZone: 'America/Denver' });
    expect(s.topics).toEqual([
      { topic: 'fair housing', calls: 1, customerCalls: 1 },
      { topic: 'soc 2', calls: 1, customerCalls: 0 },
    ]);
    expect(r.content[0]!.text).toContain('Not legal advice');
    const fh = await call('compliance', { category: 'fair_housing', period: '2025-Q1' });
    expect(fh.structuredContent.total).toBe(1);
    expect((await callOther('compliance', {})).structuredContent.total).toBe(0);
  });

  it('a second tenant sees none of it', async () => {
    expect((await callOther('objections', {})).structuredContent.total).toBe(0);
    expect((await callOther('call_stats', {})).structuredContent.stats.calls).toBe(0);
    expect((await callOther('compare_reps', { type: 'pricing' })).structuredContent.reps).toEqual([]);
  });

  it('keeps default responses within 4,000 tokens', async () => {
    for (const [name, args] of [
      ['call_stats', { team: 'Sales' }],
      ['objections', {}],
      ['compare_reps', { rep: KEVIN }],
      ['competitors', {}],
      ['trends', {}],
      ['compliance', {}],
    ] as const) {
      expect(responseTokens(await call(name, args))).toBeLessThanOrEqual(4000);
    }
  });
});
