import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { nodeArgsFor, siblingModule } from '../../process/node-entry.js';
import { isAlive, type OwnerInfo, readOwner } from './owner-lock.js';
import { embeddedPaths } from './paths.js';

/**
 * Finds the embedded database's owner process, starting one (detached) when there is none, and returns a
 * connection URL. Any number of processes may call this at once: the owner lock lets exactly one of the
 * owners they start win; the others exit and everyone connects to the winner.
 */
export interface EmbeddedOptions {
  home: string;
  idleSeconds: number;
  /** 0 = any free port. */
  port: number;
  /** How long to wait for a starting owner. */
  timeoutMs?: number;
}

export interface EmbeddedDatabase {
  url: string;
  port: number;
  pid: number;
}

export class EmbeddedStartError extends Error {
  override name = 'EmbeddedStartError';
}

function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function embeddedUrl(home: string, port: number): string {
  const password = readFileSync(embeddedPaths(home).passwordFile, 'utf8').trim();
  return `postgresql://sophia:${encodeURIComponent(password)}@127.0.0.1:${port}/sophia`;
}

/** The running owner, if any, without starting one. */
export async function findEmbeddedDatabase(home: string): Promise<EmbeddedDatabase | undefined> {
  const owner = readOwner(home);
  if (!owner || owner === 'unknown' || owner.state !== 'ready' || !owner.port || !isAlive(owner.pid)) {
    return undefined;
  }
  if (!(await canConnect(owner.port))) return undefined;
  return { url: embeddedUrl(home, owner.port), port: owner.port, pid: owner.pid };
}

function startOwner(options: EmbeddedOptions): { exited: () => number | null } {
  const paths = embeddedPaths(options.home);
  mkdirSync(options.home, { recursive: true, mode: 0o700 });
  try {
    chmodSync(options.home, 0o700); // a home made by an earlier version may be 0755 (the owner repairs the rest)
  } catch {
    // not ours to change: the owner process reports what it could not repair
  }
  const logFd = openSync(paths.logFile, 'a', 0o600);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgsFor(siblingModule(import.meta.url, 'owner-main')),
      '--home',
      options.home,
      '--idle-seconds',
      String(options.idleSeconds),
      '--port',
      String(options.port),
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, SOPHIA_LOG_LEVEL: 'info' } },
  );
  closeSync(logFd);
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? 1;
  });
  child.unref();
  return { exited: () => exitCode };
}

function logTail(home: string): string {
  const file = embeddedPaths(home).logFile;
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines.slice(-5).join('\n');
}

export async function ensureEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let started: { exited: () => number | null } | undefined;
  let startedAt = 0;
  while (Date.now() < deadline) {
    const owner: OwnerInfo | 'unknown' | undefined = readOwner(options.home);
    const ownerAlive = owner !== undefined && (owner === 'unknown' || isAlive(owner.pid));
    if (owner && owner !== 'unknown' && ownerAlive && owner.state === 'ready' && owner.port) {
      if (await canConnect(owner.port)) {
        return { url: embeddedUrl(options.home, owner.port), port: owner.port, pid: owner.pid };
      }
    }
    if (!ownerAlive || (owner !== 'unknown' && owner?.state === 'stopping')) {
      const code = started?.exited();
      if (started && code !== null && code !== 0 && !ownerAlive) {
        throw new EmbeddedStartError(
          `the embedded database could not start (exit ${code}). Last log lines:\n${logTail(options.home)}`,
        );
      }
      if (!started || Date.now() - startedAt > 5000) {
        started = startOwner(options);
        startedAt = Date.now();
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new EmbeddedStartError(
    `the embedded database did not become ready within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s; ` +
      `see ${embeddedPaths(options.home).logFile}`,
  );
}

/** Asks the owner to stop (SIGTERM) and waits until it has released the lock. */
export async function stopEmbeddedDatabase(home: string, timeoutMs = 30_000): Promise<boolean> {
  const owner = readOwner(home);
  if (!owner || owner === 'unknown' || !isAlive(owner.pid)) return false;
  process.kill(owner.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(owner.pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new EmbeddedStartError(
    `the embedded database (pid ${owner.pid}) did not stop within ${timeoutMs / 1000} s`,
  );
}
