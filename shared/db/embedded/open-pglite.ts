import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';

/**
 * Opens PGlite with the extensions Sophia uses (pgvector, pg_trgm). `dataDir` undefined = in memory.
 * PGlite does not create missing parent folders of its data directory, so this does.
 * Only the embedded owner process (or a test that owns a private in-memory instance) may call this.
 */
export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  if (options.dataDir) mkdirSync(dirname(options.dataDir), { recursive: true, mode: 0o700 });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { vector, pg_trgm },
  });
  await db.exec('create extension if not exists vector; create extension if not exists pg_trgm;');
  return db;
}
