import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a file in shared/compliance/data/, whether this module runs from the sources (tsx, vitest) or
 * from the compiled dist/ folder (tsc does not copy data files; they stay in the source tree).
 */
export function complianceDataPath(name: string): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [
    join(here, 'data', name),
    join(here, '..', '..', '..', 'shared', 'compliance', 'data', name),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`compliance data file '${name}' not found (looked in ${candidates.join(', ')})`);
  return found;
}
