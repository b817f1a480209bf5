import { join } from 'node:path';

/** Where the embedded database keeps its files inside SOPHIA_HOME. */
export function embeddedPaths(home: string) {
  return {
    home,
    dataDir: join(home, 'pgdata'),
    passwordFile: join(home, 'embedded.password'),
    logFile: join(home, 'embedded.log'),
  };
}
