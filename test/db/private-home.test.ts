import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../shared/db/database.js';
import { stopEmbeddedDatabase } from '../../shared/db/embedded/launcher.js';
import { makePrivate } from '../../shared/db/embedded/private-files.js';

/** Issue 11, item 10: SOPHIA_HOME (pgdata, pg_hba.conf, the password) is private to its owner. */
const homes: string[] = [];
function newHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'sophia-private-'));
  homes.push(h);
  return h;
}
afterAll(async () => {
  for (const h of homes) {
    await stopEmbeddedDatabase(h).catch(() => undefined);
    rmSync(h, { recursive: true, force: true });
  }
});

const mode = (p: string) => lstatSync(p).mode & 0o777;

/** Every entry under `root` (not following links) that group or other can access. */
function openToOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) found.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(root);
  return found;
}

describe('makePrivate', () => {
  it('removes group/other bits everywhere, keeps the owner bits, does not follow links', () => {
    const root = newHome();
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'a/b'), { recursive: true, mode: 0o777 });
    chmodSync(join(root, 'a'), 0o777);
    writeFileSync(join(root, 'a/b/conf'), 'x', { mode: 0o666 });
    writeFileSync(join(root, 'a/run.sh'), 'x', { mode: 0o755 });
    writeFileSync(join(root, 'readonly'), 'x', { mode: 0o444 });
    const outside = newHome();
    writeFileSync(join(outside, 'theirs'), 'x', { mode: 0o644 });
    chmodSync(join(outside, 'theirs'), 0o644);
    symlinkSync(join(outside, 'theirs'), join(root, 'link'));

    const report = makePrivate(root);

    expect(openToOthers(root)).toEqual([]);
    expect(mode(root)).toBe(0o700);
    expect(mode(join(root, 'a/b/conf'))).toBe(0o600);
    expect(mode(join(root, 'a/run.sh'))).toBe(0o700);
    expect(mode(join(root, 'readonly'))).toBe(0o400); // never more than it had
    expect(mode(join(outside, 'theirs'))).toBe(0o644); // the link's target is not ours to change
    expect(report.repaired).toBe(6);
    expect(makePrivate(root).repaired).toBe(0);
  });

  it('a missing root is nothing to repair', () => {
    expect(makePrivate(join(newHome(), 'absent'))).toEqual({ checked: 0, repaired: 0 });
  });
});

describe('the embedded database home', () => {
  it('repairs a home an earlier version left open, and everything the database writes is private', async () => {
    const home = newHome();
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'knowledge-base'), { mode: 0o755 });
    chmodSync(join(home, 'knowledge-base'), 0o755);
    writeFileSync(join(home, 'knowledge-base', 'note.md'), '# note', { mode: 0o666 });
    chmodSync(join(home, 'knowledge-base', 'note.md'), 0o666);

    const sophia = await openDatabase({ home, idleSeconds: 600 });
    try {
      // Writes make the engine create new relation and WAL files after start-up.
      await sql`create table private_check (n int)`.execute(sophia.db);
      await sql`insert into private_check select generate_series(1, 2000)`.execute(sophia.db);
      await sql`checkpoint`.execute(sophia.db);
    } finally {
      await sophia.close();
    }
    await stopEmbeddedDatabase(home);

    expect(mode(home)).toBe(0o700);
    expect(readdirSync(join(home, 'pgdata')).length).toBeGreaterThan(5);
    expect(openToOthers(home)).toEqual([]);
  });
});
