import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What `makePrivate` changed: how many entries it looked at and how many lost group/other access. */
export interface PrivateFilesReport {
  checked: number;
  repaired: number;
}

/**
 * SOPHIA_HOME holds the embedded database's files (`pgdata`, its `pg_hba.conf`, the password file), so it is
 * private to its owner: the home and every directory 0700 at most, every file 0600 at most. Group and other
 * permission bits are removed from every entry under `root`; the owner's bits are kept (nothing becomes
 * readable that was not). Symbolic links are not followed. Entries that vanish during the walk are skipped.
 * Used to repair homes created by earlier versions (issue 11, item 10); new files are private because the
 * owner process runs with umask 077.
 */
export function makePrivate(root: string): PrivateFilesReport {
  const report: PrivateFilesReport = { checked: 0, repaired: 0 };
  const walk = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    report.checked += 1;
    if ((stat.mode & 0o077) !== 0) {
      try {
        chmodSync(path, stat.mode & 0o700);
        report.repaired += 1;
      } catch {
        return;
      }
    }
    if (stat.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) walk(join(path, name));
    }
  };
  walk(root);
  return report;
}

/** The process umask for anything that writes into SOPHIA_HOME: no access for group or other. */
export const PRIVATE_UMASK = 0o077;
