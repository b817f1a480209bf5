import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '../../../servers/gong-analytics/server.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../../support/engines.js';
import { connectInMemory, type InMemoryConnection } from '../../support/mcp.js';
import { caller, responseTokens } from './support.js';
import { insertWorld, KEVIN, type World } from './world.js';

describe.each(testEngines())('gong-analytics calls on %s', (engine) => {
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
    conn = await connectInMemory(definition, { database: t.sophia, tenant: 'acme' });
    other = await connectInMemory(definition, { database: t.sophia, tenant: 'other' });
  });
  afterAll(async () => {
    await conn?.close();
    await other?.close();
    await t?.close();
  });

  it('search_calls lists calls newest first with filters resolved by name', async () => {
    const all = await call('search_calls', {});
    expect(all.isError).toBeFalsy();
    expect(all.structuredContent.total).toBe(4);
    expect(all.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c4.callId,
      w.calls.c3.callId,
      w.calls.c2.callId,
      w.calls.c1.callId,
    ]);
    const kevin = await call('search_calls', { rep: 'kevin kane' });
    expect(kevin.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c3.callId,
      w.calls.c1.callId,
    ]);
    expect(kevin.structuredContent.filter).toBe(`rep ${KEVIN}`);
    const q1 = await call('search_calls', { period: '2025-Q1', account: 'Summit Residential' });
    expect(q1.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([w.calls.c2.callId]);
    const won = await call('search_calls', { outcome: 'won', dealStage: 'closed-won' });
    expect(won.structuredContent.total).toBe(2);
    const lost = await call('search_calls', { outcome: 'lost' });
    expect(lost.structuredContent.hits[0].deal).toEqual({
      name: 'Summit - New Business',
      stage: 'closedlost',
      outcome: 'lost',
    });
    const tracked = await call('search_calls', { tracker: 'pricing' });
    expect(tracked.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c1.callId,
    ]);
    const range = await call('search_calls', { from: '2025-02-10', to: '2025-05-12' });
    expect(range.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c3.callId,
      w.calls.c2.callId,
    ]);
  });

  it('search_calls finds words said and cites call, speaker and time', async () => {
    const r = await call('search_calls', { query: 'price too high' });
    expect(r.isError).toBeFalsy();
    const hit = r.structuredContent.hits[0];
    expect(hit.callId).toBe(w.calls.c1.callId);
    expect(hit.match).toMatchObject({ speaker: 'Dana Fox', startMs: 6000 });
    expect(hit.citation).toBe(`gong call ${w.calls.c1.callId} @ 0:06 (Dana Fox)`);
    expect(r.content[0]!.text).toContain('0:06 Dana Fox: "Honestly the price is too high');
    const phrase = await call('search_calls', { query: '"ledger sync"', rep: 'Maria Lopez' });
    expect(phrase.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c2.callId,
    ]);
    const none = await call('search_calls', { query: 'ledger', rep: KEVIN });
    expect(none.structuredContent.hits).toEqual([]);
    expect(none.content[0]!.text).toMatch(/No calls/);
  });

  it('search_calls pages with a cursor bound to its query', async () => {
    const first = await call('search_calls', { limit: 3 });
    expect(first.structuredContent.hits).toHaveLength(3);
    const next = first.structuredContent.nextCursor;
    expect(next).toBeTruthy();
    const second = await call('search_calls', { limit: 3, cursor: next });
    expect(second.structuredContent.hits.map((h: { callId: string }) => h.callId)).toEqual([
      w.calls.c1.callId,
    ]);
    expect(second.structuredContent.nextCursor).toBeNull();
    const wrong = await call('search_calls', { rep: KEVIN, limit: 3, cursor: next });
    expect(wrong.isError).toBe(true);
    expect(wrong.content[0]!.text).toMatch(/cursor belongs to a different query/);
  });

  it('get_call returns metadata, parties, deal, metrics and a cited transcript page', async () => {
    const r = await call('get_call', { callId: w.calls.c1.callId });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent;
    expect(s).toMatchObject({
      callId: w.calls.c1.callId,
      uri: `gong://calls/${w.calls.c1.callId}`,
      rep: KEVIN,
      account: { name: 'Harbor Point Living', pmsPlatform: 'Yardi', portfolioUnits: 12000 },
      deal: { name: 'Harbor Point - New Business', outcome: 'won' },
    });
    expect(s.parties.map((p: { name: string; kind: string }) => [p.name, p.kind])).toEqual([
      [KEVIN, 'user'],
      ['Dana Fox', 'contact'],
    ]);
    // 3 rep sentences and 2 customer sentences at 8 s each: 24 / 40.
    expect(s.metrics.talkRatio).toBe(0.6);
    expect(s.metrics.longestMonologueSeconds).toBe(11);
    expect(s.transcript.totalSegments).toBe(5);
    expect(s.transcript.segments[1]).toMatchObject({
      speaker: 'Dana Fox',
      startMs: 6000,
      citation: `gong call ${w.calls.c1.callId} @ 0:06 (Dana Fox)`,
    });
    expect(r.content[0]!.text).toContain('[0:06] Dana Fox: Honestly the price is too high');
    const byUuid = await call('get_call', { callId: w.calls.c1.id, transcript: false });
    expect(byUuid.structuredContent.callId).toBe(w.calls.c1.callId);
    expect(byUuid.structuredContent.transcript.segments).toEqual([]);
  });

  it('get_call pages the transcript by time', async () => {
    const from = await call('get_call', { callId: w.calls.c1.callId, fromMs: 20000 });
    expect(from.structuredContent.transcript.segments.map((x: { startMs: number }) => x.startMs)).toEqual([
      14000, 25000, 33000,
    ]);
    expect(from.structuredContent.transcript.nextCursor).toBeNull();
  });

  it('serves gong://calls/{id} and gong://calls/{id}/transcript', async () => {
    const overview = await conn.client.readResource({ uri: `gong://calls/${w.calls.c2.callId}` });
    expect((overview.contents[0] as { text: string }).text).toContain('Summit integration deep dive');
    const transcript = await conn.client.readResource({
      uri: `gong://calls/${w.calls.c2.callId}/transcript`,
    });
    expect((transcript.contents[0] as { text: string }).text).toContain(
      '[0:05] Lee Park: We worry the integration',
    );
  });

  it('answers bad arguments clearly', async () => {
    const badId = await call('get_call', { callId: 'abc' });
    expect(badId.isError).toBe(true);
    expect(badId.content[0]!.text).toMatch(/`callId`: a call id is the Gong call id/);
    const unknown = await call('get_call', { callId: '999' });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]!.text).toMatch(/no call '999'.*search_calls/);
    const rep = await call('search_calls', { rep: 'Kevn Kane' });
    expect(rep.isError).toBe(true);
    expect(rep.content[0]!.text).toMatch(/No rep named 'Kevn Kane'.*Did you mean 'Kevin Kane'/);
    const period = await call('search_calls', { period: '2025-Q5' });
    expect(period.isError).toBe(true);
    expect(period.content[0]!.text).toMatch(/period is a year "2025", a quarter "2025-Q3"/);
    const range = await call('search_calls', { from: '2025-06-01', to: '2025-01-01' });
    expect(range.content[0]!.text).toMatch(/date range is empty/);
    const extra = await call('search_calls', { repp: 'x' });
    expect(extra.content[0]!.text).toMatch(/`repp`: not an argument of search_calls/);
  });

  it('keeps tenants apart: a second tenant sees nothing', async () => {
    const r = await callOther('search_calls', {});
    expect(r.structuredContent.total).toBe(0);
    const q = await callOther('search_calls', { query: 'price' });
    expect(q.structuredContent.hits).toEqual([]);
    const c = await callOther('get_call', { callId: w.calls.c1.callId });
    expect(c.isError).toBe(true);
    expect(c.content[0]!.text).toMatch(/no call/);
    const rep = await callOther('search_calls', { rep: KEVIN });
    expect(rep.isError).toBe(true);
  });

  it('keeps default responses within 4,000 tokens', async () => {
    for (const [name, args] of [
      ['search_calls', {}],
      ['search_calls', { query: 'price' }],
      ['get_call', { callId: w.calls.c1.callId }],
    ] as const) {
      expect(responseTokens(await call(name, args))).toBeLessThanOrEqual(4000);
    }
  });
});
