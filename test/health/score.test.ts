import { describe, expect, it } from 'vitest';
import { AccountNameMatcher, sharedChannelSlug, slugOf } from '../../shared/health/account-names.js';
import { accountFeatures } from '../../shared/health/features.js';
import { type AccountHistory, DAY_MS, isCustomerAt } from '../../shared/health/history.js';
import { bandOf, healthScore } from '../../shared/health/score.js';
import { isNegative, sentimentOfSentences } from '../../shared/health/sentiment.js';

const NOW = Date.UTC(2026, 5, 30);
const daysAgo = (d: number) => NOW - d * DAY_MS;

function history(over: Partial<AccountHistory> = {}): AccountHistory {
  return {
    account: {
      id: 'a1',
      name: 'Harbor View Residential',
      status: 'customer',
      churnedAt: null,
      region: 'West',
      state: 'CA',
      units: 1200,
      ownerUserId: null,
    },
    touches: [],
    signals: [],
    opportunities: [
      {
        id: 'o1',
        closeAt: daysAgo(400),
        isClosed: true,
        isWon: true,
        amount: 50_000,
        type: 'New Business',
        name: 'x',
      },
    ],
    ...over,
  };
}

const touches = (days: number[], kind = 'gong_call') =>
  days.map((d) => ({ at: daysAgo(d), kind, source: 'gong' })).sort((a, b) => a.at - b.at);

describe('features', () => {
  it('count only what happened before the as-of date, by window', () => {
    const h = history({ touches: touches([200, 150, 100, 80, 40, 10, 5, -3]) });
    const f = accountFeatures(h, NOW);
    expect(f.values.touches_90d).toBe(4); // 80, 40, 10 and 5 days before; the one 3 days after is not seen
    expect(f.values.days_since_last_touch).toBe(5);
    expect(f.evidence.days_since_last_touch).toContain('2026-06-25');
  });

  it('a fading account has a negative trend and a stale recency', () => {
    const h = history({ touches: touches([170, 160, 150, 140, 130, 120, 100, 95]) });
    const f = accountFeatures(h, NOW);
    expect(f.values.touches_90d).toBe(0);
    expect(f.values.touch_trend).toBeLessThan(-1.5);
    expect(f.values.days_since_last_touch).toBe(95);
  });

  it('sentiment and escalations come from the signals in 180 days, with quotes as evidence', () => {
    const h = history({
      signals: [
        {
          at: daysAgo(20),
          kind: 'call',
          itemId: 'c1',
          sentiment: -0.2,
          negative: true,
          escalation: false,
          evidence: 'we are pretty frustrated',
        },
        {
          at: daysAgo(10),
          kind: 'slack',
          itemId: 's1',
          sentiment: -0.1,
          negative: true,
          escalation: true,
          evidence: 'Renewal risk: evaluating ClickPay',
        },
        {
          at: daysAgo(300),
          kind: 'case',
          itemId: 'k1',
          sentiment: null,
          negative: false,
          escalation: true,
          evidence: 'old case',
        },
      ],
    });
    const f = accountFeatures(h, NOW);
    expect(f.values.sentiment_180d).toBeCloseTo(-0.2);
    expect(f.values.negative_calls_180d).toBe(1);
    expect(f.values.escalations_180d).toBe(1);
    expect(f.evidence.escalations_180d).toContain('Renewal risk');
    expect(f.evidence.negative_calls_180d).toContain('frustrated');
  });
});

describe('health score', () => {
  it('an engaged, happy account is healthy; a silent, escalating one is at risk, and the factors say why', () => {
    const good = healthScore(
      accountFeatures(history({ touches: touches([1, 5, 9, 14, 20, 25, 30, 40, 50, 60, 70, 80, 85]) }), NOW),
    );
    const bad = healthScore(
      accountFeatures(
        history({
          touches: touches([150, 140, 130, 120, 110]),
          signals: [
            {
              at: daysAgo(30),
              kind: 'slack',
              itemId: 's',
              sentiment: -0.3,
              negative: true,
              escalation: true,
              evidence: 'Third ticket this month',
            },
            {
              at: daysAgo(50),
              kind: 'case',
              itemId: 'k',
              sentiment: null,
              negative: false,
              escalation: true,
              evidence: 'High priority case',
            },
          ],
        }),
        NOW,
      ),
    );
    expect(good.band).toBe('healthy');
    expect(bad.band).toBe('at_risk');
    expect(bad.score).toBeLessThan(good.score);
    expect(bad.topFactors[0]!.weightedPoints).toBeLessThan(0);
    expect(bad.topFactors.map((f) => f.feature)).toContain('days_since_last_touch');
    const weights = good.components.reduce((a, c) => a + c.weight, 0);
    expect(weights).toBeCloseTo(1);
  });

  it('bands at 70 and 45', () => {
    expect([bandOf(70), bandOf(69.9), bandOf(45), bandOf(44.9)]).toEqual([
      'healthy',
      'watch',
      'watch',
      'at_risk',
    ]);
  });

  it('a customer is one with a won deal and no churn yet', () => {
    expect(isCustomerAt(history(), NOW)).toBe(true);
    expect(isCustomerAt(history(), daysAgo(500))).toBe(false);
    const churned = history();
    churned.account.churnedAt = daysAgo(10);
    expect(isCustomerAt(churned, NOW)).toBe(false);
    expect(isCustomerAt(churned, daysAgo(20))).toBe(true);
  });
});

describe('sentiment and names', () => {
  it('scores customer sentences with AFINN and flags clearly negative calls', () => {
    const s = sentimentOfSentences([
      "Honestly, we're pretty frustrated, payments didn't post again.",
      "I've had to escalate this to our VP, and she is not happy.",
      'We opened three tickets and nothing has been fixed, it is terrible.',
      'This is a bad, broken experience.',
    ]);
    expect(s.negativeSentences).toBeGreaterThanOrEqual(3);
    expect(isNegative(s)).toBe(true);
    expect(isNegative(sentimentOfSentences(['Great, thanks, this looks good.', 'We love it.']))).toBe(false);
  });

  it('slugs names and finds accounts in text and shared channels', () => {
    expect(slugOf('Harbor View Residential, LLC')).toBe('harbor-view-residential');
    expect(sharedChannelSlug('ext-harbor-view-residential')).toBe('harbor-view-residential');
    expect(sharedChannelSlug('cs-escalations')).toBeNull();
    const m = new AccountNameMatcher([
      { id: '1', name: 'Harbor View Residential' },
      { id: '2', name: 'Summit' },
    ]);
    expect(m.match('Third ticket this month from harbor view residential, can someone look?')).toEqual(['1']);
    expect(m.match('summit meeting')).toEqual([]);
  });
});
