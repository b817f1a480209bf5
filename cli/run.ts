import type { Command } from 'commander';
import { ConfigError, loadConfig, type SophiaConfig } from '../shared/config/config.js';
import { openDatabase, openOptionsFromConfig, type SophiaDatabase } from '../shared/db/database.js';
import { setLogLevel } from '../shared/log/logger.js';
import { ensureTenant, migrateToLatest } from '../schema/migrate.js';

/** Runs the program and turns any error into one clear line on stderr and a non-zero exit (no stack traces). */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sophia: ${message}\n`);
    if (process.env.SOPHIA_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = err instanceof ConfigError ? 78 : 1;
  }
}

/** The validated configuration; the log level follows it. */
export function cliConfig(): SophiaConfig {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  return config;
}

/**
 * Opens the configured database (starting the embedded one when needed), brings the schema up to date and
 * creates the configured tenant (both no-ops when already done), runs `fn`, closes it.
 */
export async function withDatabase<T>(
  fn: (db: SophiaDatabase, config: SophiaConfig) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = cliConfig();
  const db = await openDatabase(openOptionsFromConfig(config));
  try {
    if (options.migrate !== false) {
      await migrateToLatest(db.db);
      await ensureTenant(db.db, config.tenant);
    }
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
