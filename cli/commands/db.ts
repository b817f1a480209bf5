import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ensureTenant, migrateToLatest, pendingMigrations } from '../../schema/migrate.js';
import {
  ensureEmbeddedDatabase,
  findEmbeddedDatabase,
  stopEmbeddedDatabase,
} from '../../shared/db/embedded/launcher.js';
import { readOwner } from '../../shared/db/embedded/owner-lock.js';
import { embeddedPaths } from '../../shared/db/embedded/paths.js';
import { cliConfig, withDatabase } from '../run.js';

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

export function registerDbCommands(program: Command): void {
  const db = program
    .command('db')
    .description('Manage the database (the embedded one when DATABASE_URL is not set)');

  db.command('start')
    .description('Start the embedded database owner process (normally started on demand)')
    .action(async () => {
      const config = cliConfig();
      if (config.databaseUrl)
        throw new Error('DATABASE_URL is set: Sophia uses that PostgreSQL, not the embedded database');
      const t0 = Date.now();
      const found = await ensureEmbeddedDatabase({
        home: config.home,
        idleSeconds: config.embedded.idleSeconds,
        port: config.embedded.port,
      });
      process.stdout.write(
        `embedded database running: pid ${found.pid}, 127.0.0.1:${found.port} (${Date.now() - t0} ms)\n`,
      );
    });

  db.command('stop')
    .description('Stop the embedded database owner process')
    .action(async () => {
      const config = cliConfig();
      const stopped = await stopEmbeddedDatabase(config.home);
      process.stdout.write(stopped ? 'embedded database stopped\n' : 'embedded database was not running\n');
    });

  db.command('status')
    .description('Show where the database is and whether it answers')
    .action(async () => {
      const config = cliConfig();
      if (config.databaseUrl) {
        // a status command changes nothing: no migration, no tenant row
        await withDatabase(
          async (sophia) => {
            const f = await sophia.features();
            const pending = await pendingMigrations(sophia.db);
            const schema =
              pending.length === 0
                ? 'up to date'
                : `${pending.length} migration${pending.length === 1 ? '' : 's'} pending (${pending.join(', ')}); \`sophia db migrate\` applies them`;
            process.stdout.write(
              `engine: postgres ${f.serverVersion} at ${sophia.target}\npgvector: ${f.pgvector}\npg_trgm: ${f.pgTrgm}\nschema: ${schema}\n`,
            );
          },
          { migrate: false },
        );
        return;
      }
      const paths = embeddedPaths(config.home);
      const owner = readOwner(config.home);
      const running = await findEmbeddedDatabase(config.home);
      const lines = [`engine: embedded (PGlite)`, `home: ${config.home}`];
      if (running && owner && owner !== 'unknown') {
        lines.push(
          `status: running (pid ${running.pid}, 127.0.0.1:${running.port}, since ${owner.startedAt})`,
          `idle shutdown: after ${config.embedded.idleSeconds} s without clients`,
        );
      } else {
        lines.push('status: stopped (starts on demand)');
      }
      try {
        lines.push(`data size: ${(dirSize(paths.dataDir) / 1024 / 1024).toFixed(1)} MB`);
      } catch {
        lines.push('data size: (no database yet)');
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  db.command('url')
    .description('Print a connection URL (psql "$(sophia db url)"), starting the embedded database if needed')
    .action(async () => {
      const config = cliConfig();
      if (config.databaseUrl) {
        process.stdout.write(`${config.databaseUrl}\n`);
        return;
      }
      const found = await ensureEmbeddedDatabase({
        home: config.home,
        idleSeconds: config.embedded.idleSeconds,
        port: config.embedded.port,
      });
      process.stdout.write(`${found.url}\n`);
    });

  db.command('migrate')
    .description('Bring the schema to the latest version and create the configured tenant')
    .action(async () => {
      await withDatabase(
        async (sophia, config) => {
          const pending = await pendingMigrations(sophia.db);
          const applied = await migrateToLatest(sophia.db);
          await ensureTenant(sophia.db, config.tenant);
          process.stdout.write(
            applied.length
              ? `applied: ${applied.join(', ')}\n`
              : `schema up to date (${pending.length} pending before)\n`,
          );
        },
        { migrate: false },
      );
    });
}
