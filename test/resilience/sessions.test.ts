import { describe, expect, it } from 'vitest';
import { SessionTable } from '../../shared/runtime/sessions.js';

/** Issue 11 item 4, the bookkeeping: caps per caller and in total, idle expiry, on a controlled clock. */
function table(maxTotal = 5, maxPerCaller = 2, idleMs = 60_000) {
  let now = 1_000_000;
  const t = new SessionTable<string>({ maxTotal, maxPerCaller, idleMs }, () => now);
  return { t, advance: (ms: number) => (now += ms) };
}

function open(t: SessionTable<string>, owner: string, id: string): void {
  const a = t.admit(owner);
  if (!a.ok) throw new Error(a.message);
  a.commit(id, id);
}

describe('SessionTable', () => {
  it('refuses a caller over its cap with 429 and a time to retry, others still get in', () => {
    const { t, advance } = table();
    open(t, 'alice', 'a1');
    advance(10_000);
    open(t, 'alice', 'a2');
    const refused = t.admit('alice');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.status).toBe(429);
    expect(refused.message).toMatch(/limit is 2.*DELETE \/mcp/);
    expect(refused.retryAfterSeconds).toBe(50); // a1 expires 60 s after its last use, 10 s have passed
    open(t, 'bob', 'b1');
    expect(t.countFor('alice')).toBe(2);
    expect(t.size).toBe(3);
  });

  it('refuses anyone over the total with 503', () => {
    const { t } = table(3, 2);
    open(t, 'a', '1');
    open(t, 'b', '2');
    open(t, 'c', '3');
    const refused = t.admit('d');
    expect(refused.ok === false && refused.status).toBe(503);
  });

  it('counts reservations, so concurrent admissions cannot overshoot; a cancelled one frees its slot', () => {
    const { t } = table(5, 2);
    const a = t.admit('alice');
    const b = t.admit('alice');
    expect(a.ok && b.ok).toBe(true);
    expect(t.admit('alice').ok).toBe(false);
    if (!a.ok || !b.ok) return;
    a.cancel();
    a.cancel(); // idempotent
    b.commit('s', 's');
    b.cancel(); // after commit: no effect
    expect(t.countFor('alice')).toBe(1);
    expect(t.admit('alice').ok).toBe(true);
  });

  it('expires sessions unused for longer than the idle time; use keeps one alive', () => {
    const { t, advance } = table(5, 5, 60_000);
    open(t, 'alice', 'old');
    open(t, 'alice', 'used');
    advance(50_000);
    expect(t.touch('used')?.owner).toBe('alice');
    advance(20_000);
    expect(t.peek('old')).toBeDefined();
    expect(t.takeExpired().map((e) => e.value)).toEqual(['old']);
    expect(t.peek('old')).toBeUndefined();
    expect(t.countFor('alice')).toBe(1);
    advance(61_000);
    expect(t.takeExpired().map((e) => e.value)).toEqual(['used']);
    expect(t.size).toBe(0);
    expect(t.countFor('alice')).toBe(0);
  });

  it('delete frees the caller slot', () => {
    const { t } = table(5, 1);
    open(t, 'alice', 'x');
    expect(t.admit('alice').ok).toBe(false);
    expect(t.delete('x')?.owner).toBe('alice');
    expect(t.delete('x')).toBeUndefined();
    expect(t.admit('alice').ok).toBe(true);
  });
});
