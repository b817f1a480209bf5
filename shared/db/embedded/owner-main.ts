/**
 * The embedded database owner: the ONE process that opens the PGlite data directory and serves it over the
 * PostgreSQL wire protocol on 127.0.0.1. Started detached by `ensureEmbeddedDatabase` (or `sophia db start`);
 * exits when another owner already holds the lock, when idle for the configured time, or on SIGTERM.
 *
 * Usage: node owner-main.js --home DIR [--idle-seconds N] [--port P]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../../log/logger.js';
import { openPglite } from './open-pglite.js';
import { acquireOwnerLock } from './owner-lock.js';
import { embeddedPaths } from './paths.js';
import { makePrivate, PRIVATE_UMASK } from './private-files.js';
import { listenOnStablePort } from './stable-port.js';
import { EmbeddedWireServer } from './wire-server.js';

const log = createLogger('embedded-owner');

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  }
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      'idle-seconds': { type: 'string', default: '300' },
      port: { type: 'string', default: '0' },
    },
  });
  if (!values.home) throw new Error('--home is required');
  // Everything this process creates (pgdata, pg_hba.conf, WAL, logs) is for its owner only.
  process.umask(PRIVATE_UMASK);
  const paths = embeddedPaths(values.home);
  const idleMs = Number(values['idle-seconds']) * 1000;

  const result = acquireOwnerLock(paths.home, paths.dataDir);
  if (!result.acquired) {
    log.info('another process already owns the embedded database; exiting', {
      owner: result.holder === 'unknown' ? 'starting' : result.holder.pid,
    });
    return;
  }
  const lock = result.lock;
  let stopping = false;
  const started = Date.now();
  try {
    const password = readOrCreatePassword(paths.passwordFile);
    const db = await openPglite({ dataDir: paths.dataDir });
    // After opening: PGlite unpacks a new data directory with explicit 0666 modes, and homes made by earlier
    // versions are 0755 with 0666 files. What the engine creates from now on is private through the umask.
    const repair = makePrivate(paths.home);
    if (repair.repaired > 0) {
      log.info('made the home private to its owner (group/other access removed)', { ...repair });
    }
    const server = new EmbeddedWireServer(db, { password, logger: log });

    const stop = async (reason: string, code = 0) => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { reason });
      try {
        lock.update({ state: 'stopping' });
        await server.close();
        await db.close();
      } catch (err) {
        log.error('error while stopping', { error: err instanceof Error ? err.message : String(err) });
        code = code || 1;
      } finally {
        lock.release();
        process.exit(code);
      }
    };
    server.onFatal((err) => {
      // The engine is in an unknown state: exit so the next client starts a fresh owner (crash recovery).
      log.error('engine failure; exiting so a new owner replaces this one', { error: err.message });
      lock.release();
      process.exit(70);
    });
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGHUP', () => void stop('SIGHUP'));

    const port = await listenOnStablePort((p) => server.listen(p), paths.portFile, Number(values.port));
    lock.update({ state: 'ready', port });
    log.info('serving', { port, dataDir: paths.dataDir, pid: process.pid, startupMs: Date.now() - started });

    const idleCheck = setInterval(
      () => {
        const s = server.stats();
        if (s.connections === 0 && s.queued === 0 && Date.now() - s.lastActivityAt > idleMs) {
          clearInterval(idleCheck);
          void stop(`idle for ${Math.round(idleMs / 1000)} s`);
        }
      },
      Math.min(5000, Math.max(250, idleMs / 4)),
    );
  } catch (err) {
    log.error('could not start the embedded database', {
      error: err instanceof Error ? err.message : String(err),
    });
    lock.release();
    process.exit(1);
  }
}

void main();
