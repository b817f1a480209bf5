import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';

const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));

/** `sophia health` and `sophia churn eval` as a user runs them (issue 10). */
describe('sophia health and sophia churn eval', () => {
  const home = mkdtempSync(join(tmpdir(), 'sophia-health-cli-'));
  const env = { ...process.env, SOPHIA_HOME: home, DATABASE_URL: '', SOPHIA_LOG_LEVEL: 'warn' };
  const sophia = (...args: string[]) =>
    run(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
  afterAll(async () => {
    await stopEmbeddedDatabase(home).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('churn eval --csv trains and tests the learner on any feature table', async () => {
    const lines = ['id,plan,tickets,churned'];
    for (let i = 0; i < 200; i++) {
      const plan = i % 2 ? 'monthly' : 'annual';
      const tickets = (i * 7) % 9;
      lines.push(`${i},${plan},${tickets},${tickets + (plan === 'monthly' ? 3 : 0) > 7 ? 'true' : 'false'}`);
    }
    const csv = join(home, 'churn.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const r = (await sophia('churn', 'eval', '--csv', csv, '--label', 'churned', '--id', 'id')) as {
      stdout: string;
      code?: number;
    };
    expect(r.code ?? 0).toBe(0);
    expect(r.stdout).toContain('200 rows, 3 features');
    expect(r.stdout).toMatch(/test: 50 rows, \d+ churned/);
    expect(r.stdout).toMatch(/ROC AUC 0\.9\d\d|ROC AUC 1\.000/);
    expect(r.stdout).toContain('calibration');
    const missing = (await sophia('churn', 'eval', '--csv', csv)) as { stderr: string; code: number };
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--csv needs --label');
    const wrong = (await sophia('churn', 'eval', '--csv', csv, '--label', 'Churn')) as { stderr: string };
    expect(wrong.stderr).toContain(
      "--label column 'Churn' is not in the table; its columns: id, plan, tickets, churned",
    );
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });

  it('on an empty tenant, health and churn eval say how to load data', async () => {
    const health = (await sophia('health')) as { stdout: string; code?: number };
    expect(health.code ?? 0).toBe(0);
    expect(health.stdout).toContain("tenant 'default' has no accounts with interactions yet");
    const churn = (await sophia('churn', 'eval')) as { stderr: string; code: number };
    expect(churn.code).not.toBe(0);
    expect(churn.stderr).toContain('sophia demo');
  });
});
