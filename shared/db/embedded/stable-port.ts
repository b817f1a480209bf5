import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The embedded database keeps its port across restarts, so a saved `sophia db url` (a psql alias, a BI tool's
 * connection) keeps working: with no port configured, the owner first tries the port it served on last time
 * (remembered in `portFile`), and takes any free port only when that one is taken. A configured port is used
 * as it is.
 */
export async function listenOnStablePort(
  listen: (port: number) => Promise<number>,
  portFile: string,
  configured: number,
): Promise<number> {
  if (configured !== 0) return listen(configured);
  const previous = readPort(portFile);
  let port: number | undefined;
  if (previous !== undefined) {
    try {
      port = await listen(previous);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  port ??= await listen(0);
  if (port !== previous) writeFileSync(portFile, `${port}\n`, { mode: 0o600 });
  return port;
}

function readPort(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
  } catch {
    return undefined;
  }
}
