import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReviewCommands } from '../../cli/commands/review.js';
import { TempRepo } from '../servers/github-review/local/git-repo.js';

async function run(args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const program = new Command().exitOverride();
  registerReviewCommands(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'sophia', 'review', ...args]);
    return { out, exitCode: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('sophia review', () => {
  const repo = new TempRepo();
  beforeAll(() => {
    repo.commit('initial', { 'src/app.ts': 'export const a = 1;\n' });
    repo.write('src/app.ts', 'export const a = 1;\nconst r = eval(input);\n');
    repo.git('add', 'src/app.ts');
    repo.write('src/other.ts', "console.log('email', user.email);\n");
  });
  afterAll(() => repo.remove());

  it('reviews staged changes and fails on errors', async () => {
    const { out, exitCode } = await run([repo.root, '--mode', 'staged']);
    expect(out).toContain('staged changes (index vs HEAD); 1 file(s), 1 finding(s) (settings: defaults)');
    expect(out).toContain('ERROR [code/unsafe-exec] src/app.ts:2');
    expect(exitCode).toBe(1);
  });

  it('prints JSON and can be told not to fail', async () => {
    const { out, exitCode } = await run([repo.root, '--json', '--fail-on', 'never']);
    const parsed = JSON.parse(out) as { findings: Array<{ ruleId: string; path: string }> };
    expect(parsed.findings.map((f) => `${f.ruleId} ${f.path}`).sort()).toEqual([
      'code/unsafe-exec src/app.ts',
      'pii/logged src/other.ts',
    ]);
    expect(exitCode).toBeUndefined();
  });

  it('rejects bad options', async () => {
    await expect(run([repo.root, '--mode', 'everything'])).rejects.toThrow(/--mode must be/);
  });
});
