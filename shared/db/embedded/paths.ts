import { join } from 'node:path';

/** Where the embedded database keeps its files inside SOPHIA_HOME. */
export function embeddedPaths(home: string) {
  return {
    home,
    dataDir: join(home, 'pgdata'),
    passwordFile: join(home, 'embedded.password'),
    logFile: join(home, 'embedded.log'),
    /** The port served on last time, tried first on the next start (stable-port.ts). */
    portFile: join(home, 'embedded.port'),
  };
}
