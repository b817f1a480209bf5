import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { nodeArgsFor } from '../../shared/process/node-entry.js';

/**
 * Real server processes for end-to-end tests: `spawnStdioServer` starts `servers/<name>/main.ts` the way
 * Claude Desktop does and connects the SDK Client over stdio; `startHttpServer` starts it with --http.
 */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function serverMain(name: string): URL {
  return new URL(`../../servers/${name}/main.ts`, import.meta.url);
}

export async function spawnStdioServer(
  name: string,
  options: { env?: Record<string, string>; args?: string[] } = {},
): Promise<{ client: Client; stderr: () => string; close(): Promise<void> }> {
  const [first, ...rest] = nodeArgsFor(serverMain(name));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [first!, ...rest, ...(options.args ?? [])],
    env: { ...(process.env as Record<string, string>), ...options.env },
    stderr: 'pipe',
    cwd: repoRoot,
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const client = new Client({ name: 'sophia-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export async function startHttpServer(
  name: string,
  options: { env?: Record<string, string>; args?: string[]; port?: number } = {},
): Promise<{
  url: string;
  port: number;
  stderr: () => string;
  /** The process's exit code, or null while it runs. */
  exitCode: () => number | null;
  close(): Promise<void>;
}> {
  const port = options.port ?? 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [...nodeArgsFor(serverMain(name)), '--http', '--port', String(port), ...(options.args ?? [])],
    { env: { ...process.env, ...options.env }, cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    stderr: () => stderr,
    exitCode: () => child.exitCode,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
