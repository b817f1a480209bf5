#!/usr/bin/env node
// The `sophia` command. The TypeScript sources are compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sophia: dist/ is missing; run `npm run build` (npm install does it for you).\n');
  process.exit(1);
}
await import(entry.href);
