import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../../shared/process/node-entry.js';
import { repoRoot, serverMain } from '../support/spawn-server.js';

/** Issue 11 item 3: a port already in use used to log `ready … url=…` and exit 0. */
describe('HTTP port already in use', () => {
  it('exits 78 with a message naming the port, and never says ready', async () => {
    const blocker = net.createServer();
    const port: number = await new Promise((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const child = spawn(
        process.execPath,
        [...nodeArgsFor(serverMain('data-dictionary')), '--http', '--port', String(port)],
        {
          cwd: repoRoot,
          env: { ...process.env, SOPHIA_HOME: mkdtempSync(join(tmpdir(), 'sophia-port-')) },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(78);
      expect(stderr).toContain(`port ${port}`);
      expect(stderr).toMatch(/already in use/);
      expect(stderr).not.toMatch(/\bready\b/);
    } finally {
      blocker.close();
    }
  });
});
