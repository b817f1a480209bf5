import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnStablePort } from '../../shared/db/embedded/stable-port.js';

/** Real sockets on loopback: the embedded database keeps its port across restarts unless it is taken. */
describe('the embedded database port is stable per home', () => {
  const open: net.Server[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await new Promise((r) => s.close(r));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function listener(): (port: number) => Promise<number> {
    return (port) =>
      new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          open.push(s);
          resolve((s.address() as net.AddressInfo).port);
        });
      });
  }
  const close = async () => {
    for (const s of open.splice(0)) await new Promise((r) => s.close(r));
  };
  const portFile = () => {
    const d = mkdtempSync(join(tmpdir(), 'sophia-port-'));
    dirs.push(d);
    return join(d, 'embedded.port');
  };

  it('takes a free port the first time, remembers it, and gets the same one on the next start', async () => {
    const file = portFile();
    const first = await listenOnStablePort(listener(), file, 0);
    expect(Number(readFileSync(file, 'utf8'))).toBe(first);
    await close();
    expect(await listenOnStablePort(listener(), file, 0)).toBe(first);
  });

  it('moves to a free port when the remembered one is taken, and remembers the new one', async () => {
    const file = portFile();
    const taken = await listener()(0);
    writeFileSync(file, `${taken}\n`);
    const port = await listenOnStablePort(listener(), file, 0);
    expect(port).not.toBe(taken);
    expect(Number(readFileSync(file, 'utf8'))).toBe(port);
  });

  it('uses a configured port as it is, and ignores a corrupt port file', async () => {
    const file = portFile();
    writeFileSync(file, 'not a port');
    const port = await listenOnStablePort(listener(), file, 0);
    expect(port).toBeGreaterThan(0);
    await close();
    const configured = await listenOnStablePort(listener(), portFile(), port);
    expect(configured).toBe(port);
  });
});
