import type { FakeGitHub, FakePull } from './fake-github.js';

/** A small, realistic pull request: a payments client with a leaked key, a log of an email, and a template. */
export const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const BASE = '0f1e2d3c4b5a69788796a5b4c3d2e1f098765432';

const stripeKey = 'sk_live_' + '51Hx7Qk2LmN4pW8vT1bY6cZ3';

export const samplePatches = {
  client: [
    '@@ -1,3 +1,9 @@',
    " import Stripe from 'stripe';",
    "+import { logger } from '../log.js';",
    ' ',
    '-export const stripe = new Stripe(process.env.STRIPE_KEY!);',
    `+export const stripe = new Stripe('${stripeKey}');`,
    '+',
    '+export async function charge(resident: { id: string; email: string }, cents: number) {',
    "+  logger.info('charging', { email: resident.email, cents });",
    '+  return stripe.charges.create({ amount: cents, currency: "usd" });',
    '+}',
  ].join('\n'),
  template: [
    '@@ -0,0 +1,3 @@',
    '+<h1>Now leasing</h1>',
    '+<p>Quiet building, perfect for singles. Walk-in closets and a family room.</p>',
    '+<p>Black appliances throughout.</p>',
  ].join('\n'),
  test: [
    '@@ -1,3 +1,4 @@',
    " import { charge } from '../src/payments/client.js';",
    '+// charge() is covered below',
    ' ',
    " it('charges', () => {});",
  ].join('\n'),
};

export function samplePull(number = 42): FakePull {
  return {
    number,
    title: 'Charge residents through Stripe',
    body: 'Adds a Stripe charge helper and a leasing page.',
    user: 'dev',
    baseSha: BASE,
    headSha: HEAD,
    headRef: 'feature/stripe',
    files: [
      { filename: 'src/payments/client.ts', status: 'modified', patch: samplePatches.client },
      { filename: 'templates/leasing.html', status: 'added', patch: samplePatches.template },
      { filename: 'test/payments.test.ts', status: 'modified', patch: samplePatches.test },
      { filename: 'assets/logo.png', status: 'added' },
    ],
    diff: [
      'diff --git a/src/payments/client.ts b/src/payments/client.ts',
      '--- a/src/payments/client.ts',
      '+++ b/src/payments/client.ts',
      samplePatches.client,
      'diff --git a/templates/leasing.html b/templates/leasing.html',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/templates/leasing.html',
      samplePatches.template,
      'diff --git a/test/payments.test.ts b/test/payments.test.ts',
      '--- a/test/payments.test.ts',
      '+++ b/test/payments.test.ts',
      samplePatches.test,
      'diff --git a/assets/logo.png b/assets/logo.png',
      'new file mode 100644',
      'Binary files /dev/null and b/assets/logo.png differ',
      '',
    ].join('\n'),
    commits: [
      { sha: 'c1'.padEnd(40, '0'), message: 'Add Stripe charge helper', login: 'dev' },
      { sha: 'c2'.padEnd(40, '0'), message: 'Leasing page', login: 'dev' },
    ],
    checkRuns: [
      { name: 'test', status: 'completed', conclusion: 'failure' },
      { name: 'lint', status: 'completed', conclusion: 'success' },
    ],
    reviews: [
      {
        id: 1,
        node_id: 'PRR_kw1',
        user: 'reviewer1',
        state: 'COMMENTED',
        body: 'Looks good overall',
        commit_id: HEAD,
        submitted_at: '2026-11-21T09:00:00Z',
        comments: [],
      },
    ],
  };
}

/** A pull request with many files, to exercise paging. */
export function bigPull(number: number, files: number): FakePull {
  return {
    number,
    title: 'Rename everything',
    baseSha: BASE,
    headSha: 'b'.repeat(40),
    files: Array.from({ length: files }, (_, i) => ({
      filename: `src/module-${String(i).padStart(3, '0')}.ts`,
      status: 'modified' as const,
      patch: `@@ -1 +1 @@\n-export const v = ${i};\n+export const value = ${i};`,
    })),
    commits: Array.from({ length: 130 }, (_, i) => ({ sha: `${i}`.padEnd(40, 'e'), message: `step ${i}` })),
    checkRuns: Array.from({ length: 105 }, (_, i) => ({
      name: `job-${i}`,
      status: 'completed',
      conclusion: 'success',
    })),
  };
}

export function seedFake(fake: FakeGitHub): void {
  fake.addPull('acme/rentals', samplePull());
  fake.addPull('acme/rentals', bigPull(7, 250));
  fake.setContent('acme/rentals', '.sophia-review.yml', BASE, 'severity:\n  files/generated: info\n');
}
