import { describe, expect, it } from 'vitest';
import {
  fdcpaDisclosureRule,
  fdcpaThreatRule,
  firstSentence,
  threatsIn,
} from '../../../../servers/github-review/rules/debt-collection.js';
import { changedFile, input, newFile } from '../support/diffs.js';

describe('compliance/fdcpa-threat', () => {
  it.each([
    'If you do not pay we will have you arrested.',
    'Failure to pay may result in criminal charges.',
    'We will garnish your wages next week.',
    'We will tell your employer about this debt.',
    'Pay now or we will ruin your credit.',
    'Stop being a deadbeat and pay.',
    'We will sue you if the balance is not paid.',
  ])('finds a threat in "%s"', (text) => {
    expect(threatsIn(text.toLowerCase())).not.toEqual([]);
  });

  it.each([
    'Non-payment will not result in arrest or jail.',
    'Please pay your balance by the 5th to avoid a late fee.',
    'You can set up a payment plan online.',
  ])('finds none in "%s"', (text) => {
    expect(threatsIn(text.toLowerCase())).toEqual([]);
  });

  it('only applies to collection messages, with the rule citation', () => {
    const debt = newFile('templates/sms/past-due.txt', [
      'Your rent is past due.',
      'Pay today or the police will be notified.',
    ]);
    const f = fdcpaThreatRule.check(input(debt), undefined);
    expect(f).toMatchObject([
      {
        ruleId: 'compliance/fdcpa-threat',
        line: 2,
        severity: 'error',
        cite: '15 U.S.C. 1692e(4); 12 CFR 1006.18(c)',
      },
    ]);
    const noise = newFile('templates/sms/noise.txt', [
      'Repeated noise complaints may lead us to call the police.',
    ]);
    expect(fdcpaThreatRule.check(input(noise), undefined)).toEqual([]);
  });
});

describe('compliance/fdcpa finding text', () => {
  it('quotes the line as written (template variables kept) and ends its sentences with one period', () => {
    const file = newFile('templates/email/past-due.hbs', [
      '<p>Your balance of {{amount}} is 30 days past due.</p>',
      '<p>Pay today or we will garnish your wages.</p>',
    ]);
    const all = [
      ...fdcpaThreatRule.check(input(file), undefined),
      ...fdcpaDisclosureRule.check(input(file), undefined),
    ];
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const f of all) {
      expect(f.message).not.toMatch(/\.\./);
      expect(f.evidence).not.toMatch(/balance of is/);
    }
    expect(all.map((f) => f.evidence).join('\n')).toMatch(/\{\{amount\}\}|garnish your wages/);
  });

  it('firstSentence ends with exactly one period', () => {
    expect(firstSentence('Do not threaten arrest.')).toBe('Do not threaten arrest.');
    expect(firstSentence('No threats. Never.')).toBe('No threats.');
    expect(firstSentence('No threats')).toBe('No threats.');
  });
});

describe('compliance/fdcpa-disclosure', () => {
  it('flags a new collection email without the disclosure and the opt-out', () => {
    const f = fdcpaDisclosureRule.check(
      input(
        newFile('templates/email/past-due.hbs', [
          '<p>Your balance of {{amount}} is past due.</p>',
          '<p>Please pay today.</p>',
        ]),
      ),
      undefined,
    );
    expect(f.map((x) => x.cite)).toEqual(['15 U.S.C. 1692e(11); 12 CFR 1006.18(e)', '12 CFR 1006.6(e)']);
  });

  it('accepts a new message with the disclosure and an opt-out', () => {
    const ok = newFile('templates/sms/past-due.txt', [
      'Your balance of $120 is past due. Please pay at the portal.',
      'This is an attempt to collect a debt and any information obtained will be used for that purpose.',
      'Reply STOP to opt out.',
    ]);
    expect(fdcpaDisclosureRule.check(input(ok), undefined)).toEqual([]);
  });

  it('flags a change that removes the disclosure, on the LEFT side', () => {
    const diff = changedFile('templates/letters/notice.md', {
      start: 3,
      before: ['Your account is past due; please pay the balance.'],
      removed: ['This communication is from a debt collector.'],
      added: ['Thank you.'],
    });
    expect(fdcpaDisclosureRule.check(input(diff), undefined)).toMatchObject([{ side: 'LEFT', line: 4 }]);
  });

  it('ignores messages that are not about a debt', () => {
    expect(
      fdcpaDisclosureRule.check(
        input(newFile('templates/email/welcome.hbs', ['Welcome home! Pay rent online any time.'])),
        undefined,
      ),
    ).toEqual([]);
  });
});
