import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The `node` arguments that run a module of this project in a new process. Built code (dist/*.js) runs
 * as is; TypeScript sources (when running from a checkout under vitest or tsx) run through tsx's loader.
 */
export function nodeArgsFor(moduleUrl: URL): string[] {
  const path = fileURLToPath(moduleUrl);
  if (/\.[mc]?ts$/.test(path)) {
    const loader = createRequire(import.meta.url).resolve('tsx');
    return ['--import', pathToFileURL(loader).href, path];
  }
  return [path];
}

/** Resolves a sibling module of `fromUrl` by its base name, in whichever form (.ts or .js) is running. */
export function siblingModule(fromUrl: string, baseName: string): URL {
  const ext = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${ext}`, fromUrl);
}
