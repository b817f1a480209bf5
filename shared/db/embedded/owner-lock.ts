import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The lock that makes ONE process the owner of an embedded database directory.
 * PGlite corrupts a data directory that two processes open, so nobody opens it without this lock.
 *
 * The lock is a file created with O_EXCL holding the owner's pid (and, once it serves, its port).
 * A lock whose pid is dead is stale; taking it over is serialised by an atomic mkdir so that two
 * processes that both saw the dead pid cannot both become owner.
 */
export interface OwnerInfo {
  pid: number;
  state: 'starting' | 'ready' | 'stopping';
  port?: number;
  startedAt: string;
  dataDir: string;
}

export const LOCK_FILE = 'embedded.lock';
const TAKEOVER_DIR = 'embedded.lock.takeover';
const YOUNG_MS = 10_000;

export function lockPath(home: string): string {
  return join(home, LOCK_FILE);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The current lock holder, or undefined when there is no lock. `unknown` while a new owner writes it. */
export function readOwner(home: string): OwnerInfo | 'unknown' | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const info = JSON.parse(text) as OwnerInfo;
    if (typeof info.pid !== 'number') return 'unknown';
    return info;
  } catch {
    return 'unknown';
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export type AcquireResult =
  { acquired: true; lock: OwnerLock } | { acquired: false; holder: OwnerInfo | 'unknown' };

export class OwnerLock {
  constructor(
    readonly home: string,
    private info: OwnerInfo,
  ) {}

  /** Atomically replaces the lock's content (write to a temporary file, rename over). */
  update(patch: Partial<OwnerInfo>): void {
    this.info = { ...this.info, ...patch };
    const tmp = `${lockPath(this.home)}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, JSON.stringify(this.info));
    closeSync(fd);
    renameSync(tmp, lockPath(this.home));
  }

  release(): void {
    const current = readOwner(this.home);
    if (current && current !== 'unknown' && current.pid === process.pid) {
      try {
        unlinkSync(lockPath(this.home));
      } catch {
        // already gone
      }
    }
  }
}

export function acquireOwnerLock(home: string, dataDir: string): AcquireResult {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 20; attempt++) {
    const info: OwnerInfo = {
      pid: process.pid,
      state: 'starting',
      startedAt: new Date().toISOString(),
      dataDir,
    };
    try {
      const fd = openSync(lockPath(home), 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return { acquired: true, lock: new OwnerLock(home, info) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readOwner(home);
    if (holder === undefined) continue; // released between our open and read: try again
    if (holder === 'unknown') {
      if (ageMs(lockPath(home)) < YOUNG_MS) return { acquired: false, holder };
    } else if (isAlive(holder.pid)) {
      return { acquired: false, holder };
    }
    // Stale: its owner died. Take it over under the takeover mutex.
    const takeover = join(home, TAKEOVER_DIR);
    try {
      mkdirSync(takeover);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (ageMs(takeover) > YOUNG_MS) {
        try {
          rmdirSync(takeover);
        } catch {
          // someone else removed it
        }
        continue;
      }
      return { acquired: false, holder };
    }
    try {
      const again = readOwner(home);
      const stillStale =
        again === undefined ||
        (again === 'unknown' ? ageMs(lockPath(home)) >= YOUNG_MS : !isAlive(again.pid));
      if (stillStale && again !== undefined) unlinkSync(lockPath(home));
    } finally {
      rmdirSync(takeover);
    }
  }
  return { acquired: false, holder: readOwner(home) ?? 'unknown' };
}
