import { describe, expect, it } from 'vitest';
import {
  isPiiIdentifier,
  piiInLogCall,
  piiInLogsRule,
} from '../../../../servers/github-review/rules/pii-in-logs.js';
import { input, newFile } from '../support/diffs.js';

describe('pii/logged', () => {
  it.each([
    ['console.log(`reset link sent to ${user.email}`);', 'email'],
    ["logger.info('applicant', { phoneNumber: applicant.phoneNumber });", 'phoneNumber'],
    ['log.debug("ssn=" + resident.ssn);', 'ssn'],
    ['this.logger.warn({ dob: body.dateOfBirth }, "bad dob");', 'dob'],
    ["logging.info('card %s', card_number)", 'card_number'],
    ['console.error("failed to save", req.body);', 'req.body'],
    ["logger.info({ user }, 'signed in');", 'user'],
    ['print(f"charging {customer.credit_card}")', 'credit_card'],
  ])('flags %s', (line, field) => {
    const path = line.startsWith('print') || line.startsWith('logging') ? 'app/service.py' : 'src/service.ts';
    expect(piiInLogCall(line, path)).toBe(field);
  });

  it.each([
    "logger.info('sent email to user', { userId: user.id });",
    'console.log(`email sent: ${emailCount}`);',
    "logger.info({ email: maskEmail(user.email) }, 'invite');",
    "log.debug('phone verified', { phoneVerified: true });",
    "logger.error('could not send the password reset email', { requestId });",
    'const email = user.email; // not logged',
    "logger.info({ userId: user.id, emailTemplate: 'welcome' });",
    'console.log(users.length);',
  ])('leaves alone %s', (line) => {
    expect(piiInLogCall(line, 'src/service.ts')).toBeUndefined();
  });

  it('splits identifiers into words', () => {
    expect(isPiiIdentifier('userEmailAddress')).toBe(true);
    expect(isPiiIdentifier('EMAIL')).toBe(true);
    expect(isPiiIdentifier('emailCount')).toBe(false);
    expect(isPiiIdentifier('listing')).toBe(false);
    expect(isPiiIdentifier('streetName')).toBe(true);
  });

  it('reports the line in source files only, not tests', () => {
    const lines = ["import x from 'y';", "logger.info('login', { email: user.email });"];
    const src = piiInLogsRule.check(input(newFile('src/auth.ts', lines)), undefined);
    expect(src).toMatchObject([{ ruleId: 'pii/logged', line: 2, path: 'src/auth.ts' }]);
    expect(piiInLogsRule.check(input(newFile('test/auth.test.ts', lines)), undefined)).toEqual([]);
  });
});
