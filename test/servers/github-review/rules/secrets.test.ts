import { describe, expect, it } from 'vitest';
import { looksRandom, secretsRule } from '../../../../servers/github-review/rules/secrets.js';
import { input, newFile } from '../support/diffs.js';

const run = (path: string, lines: string[]) => secretsRule.check(input(newFile(path, lines)), undefined);

// Built at run time so this file itself never contains a token in a known format.
const ghToken = 'ghp_' + 'R7x2Kq9LmN4pW8vT1bY6cZ3dF5gH0jA2sE4u';
const awsKey = 'AKIA' + 'Q3ZL7WXKD2M5P8RT';
const stripeLive = 'sk_live_' + '51Hx7Qk2LmN4pW8vT1bY6cZ3';
const slackBot = 'xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

describe('secrets/hardcoded', () => {
  it.each([
    ['GitHub token', `const token = '${ghToken}';`],
    ['AWS access key id', `aws_access_key_id = ${awsKey}`],
    ['Stripe secret key', `STRIPE_KEY: "${stripeLive}"`],
    ['Slack token', `slack: '${slackBot}',`],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----'],
  ])('finds a %s', (name, line) => {
    const f = run('src/config.ts', ['export const a = 1;', line]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'secrets/hardcoded', severity: 'error', line: 2 });
    expect(f[0]!.message).toContain(name);
    expect(f[0]!.evidence).not.toContain(line.slice(10, 30));
  });

  it('finds random literals assigned to secret names by entropy', () => {
    const f = run('src/payments/client.ts', [
      `const clientSecret = 'q8Z2vX9mK4nB7wR1tY6uP3sD0fG5hJ';`,
      `const config = { apiKey: "4fb9c2e7a1d84b6f9e3c5a7b2d8f1e6c" };`,
      `db_password = 'Tr0ub4dor&3x'`,
    ]);
    expect(f.map((x) => x.line)).toEqual([1, 2, 3]);
    expect(f[0]!.message).toMatch(/entropy \d\.\d bits/);
  });

  it('finds a connection URL with an inline password', () => {
    const f = run('src/db.ts', [`const url = 'postgres://app:s3cr3tPassw0rd@db.internal:5432/app';`]);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('connection URL');
  });

  it('finds secrets in .env files', () => {
    const f = run('.env.production', ['PORT=3000', 'SENDGRID_API_KEY=Zk3Jx9LmQ2wR8tY5uI1oP7aS4dF6gH0j']);
    expect(f.map((x) => x.line)).toEqual([2]);
  });

  it('leaves placeholders, environment lookups, words, examples and URLs alone', () => {
    const f = run('src/config.ts', [
      `const apiKey = process.env.STRIPE_API_KEY;`,
      `const token = '<your-token-here>';`,
      `const password = 'changeme';`,
      `const secretName = 'stripe-api-key-production';`,
      `const tokenUrl = 'https://auth.example.com/oauth/token';`,
      `const url = 'postgres://app:\${DB_PASSWORD}@db:5432/app';`,
      `const awsKey = 'AKIAIOSFODNN7EXAMPLE';`,
      `const apiKeyHeader = 'x-api-key';`,
      `const token = getToken();`,
      `secret: z.string().min(32),`,
    ]);
    expect(f).toEqual([]);
  });

  it('treats Stripe test keys as warnings and skips name-based checks in tests', () => {
    const f = run('test/payments.test.ts', [
      `const key = 'sk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}';`,
      `const apiKey = 'q8Z2vX9mK4nB7wR1tY6uP3sD0fG5hJ';`,
    ]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'warning', line: 1 });
  });

  it('measures randomness sensibly', () => {
    expect(looksRandom('q8Z2vX9mK4nB7wR1tY6uP3sD0fG5hJ', false)).toBe(true);
    expect(looksRandom('my-service-name-here', false)).toBe(false);
    expect(looksRandom('aaaaaaaaaaaaaaaaaaaa', false)).toBe(false);
    expect(looksRandom('hunter2hunter', true)).toBe(true);
    expect(looksRandom('password', true)).toBe(false);
  });
});
