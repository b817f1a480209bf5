import { ensureTenant, migrateToLatest } from '../../schema/migrate.js';
import type { SophiaConfig } from '../config/config.js';
import { openDatabase, openOptionsFromConfig, type SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import { AuditLog } from './audit.js';
import { callerFromAuth, tenantFromAuth } from './caller.js';
import type { RuntimeContext } from './build-server.js';
import type { Caller } from './define-tool.js';

/**
 * What a running server process shares across its sessions: configuration, the database (opened, migrated
 * and the tenant created on first use; a failed open is retried on the next call), and the audit log.
 */
export interface ProcessRuntime {
  config: SophiaConfig;
  logger: Logger;
  database(): Promise<SophiaDatabase>;
  audit: AuditLog;
  contextFor(transport: Caller['transport']): RuntimeContext;
  close(): Promise<void>;
}

export function createProcessRuntime(
  config: SophiaConfig,
  logger: Logger,
  options: { database?: SophiaDatabase | (() => Promise<SophiaDatabase>) } = {},
): ProcessRuntime {
  const given = options.database;
  let opening: Promise<SophiaDatabase> | undefined =
    given && typeof given !== 'function' ? Promise.resolve(given) : undefined;
  const ownsDatabase = !given;
  const database = (): Promise<SophiaDatabase> => {
    if (typeof given === 'function') return given();
    opening ??= (async () => {
      const db = await openDatabase({ ...openOptionsFromConfig(config), logger: logger.child('db') });
      try {
        await migrateToLatest(db.db);
        await ensureTenant(db.db, config.tenant);
      } catch (err) {
        await db.close().catch(() => undefined);
        throw err;
      }
      return db;
    })().catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
  const audit = new AuditLog(database, logger.child('audit'));
  return {
    config,
    logger,
    database,
    audit,
    contextFor(transport) {
      return {
        config,
        logger,
        database,
        audit,
        transport,
        callerFor: (authInfo, sessionId) => callerFromAuth(transport, authInfo, sessionId),
        tenantFor: (_caller, authInfo) => tenantFromAuth(config, authInfo),
      };
    },
    async close() {
      await audit.close();
      if (ownsDatabase && opening) {
        const db = await opening.catch(() => undefined);
        await db?.close();
      }
    },
  };
}
