import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { parsePort } from '../../shared/runtime/run.js';

const run = promisify(execFile);
const CLI = nodeArgsFor(new URL('../../cli/main.ts', import.meta.url));

/** What a user sees from `sophia serve` before any server starts (issue 12, small items). */
describe('sophia serve, before a server starts', () => {
  const home = mkdtempSync(join(tmpdir(), 'sophia-serve-cli-'));
  const env = { ...process.env, SOPHIA_HOME: home, DATABASE_URL: '' };
  const sophia = (...args: string[]) =>
    run(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('`sophia serve --help` explains the command and lists the servers', async () => {
    const r = (await sophia('serve', '--help')) as { stdout: string; code?: number };
    expect(r.code ?? 0).toBe(0);
    expect(r.stdout).toContain('Usage: sophia serve <server> [options]');
    expect(r.stdout).toMatch(/Servers: .*data-dictionary.*knowledge-base/);
    expect(r.stdout).toContain('--port N');
  });

  it('`sophia serve <server> --help` names the toolsets it can enable', async () => {
    const r = (await sophia('serve', 'github-review', '--help')) as { stderr: string; code?: number };
    expect(r.code ?? 0).toBe(0);
    expect(r.stderr).toMatch(/toolsets: .*pull_requests/);
  });

  it('`--port notaport` is a usage error naming the flag, not a listen failure', async () => {
    const r = (await sophia('serve', 'data-dictionary', '--http', '--port', 'notaport')) as {
      stderr: string;
      code: number;
    };
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(
      "--port must be a whole number from 0 to 65535 (0 picks a free port); got 'notaport'",
    );
    expect(r.stderr).not.toContain('NaN');
  });
});

describe('parsePort', () => {
  it('accepts 0-65535 and defaults to 8765', () => {
    expect(parsePort(undefined)).toBe(8765);
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
  });
  it.each(['notaport', '65536', '-1', '80.5', '1e3', ''])('refuses %j', (raw) => {
    expect(parsePort(raw)).toMatch(/^--port must be a whole number/);
  });
});
