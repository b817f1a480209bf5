import { resolve } from 'node:path';
import { expandHome } from '../shared/config/config.js';

/** The variables `sophia mcp-config` carries from the shell into the servers' configuration. */
const CARRIED = ['SOPHIA_HOME', 'DATABASE_URL', 'SOPHIA_TENANT'] as const;

/**
 * The `env` block of `sophia mcp-config`: the shell's SOPHIA_HOME (made absolute), DATABASE_URL and
 * SOPHIA_TENANT, so the servers Claude starts read the same database and tenant that `sophia demo` and
 * `sophia ingest` just wrote. `used` says which it carried (DATABASE_URL without its password) and what the
 * servers will default to otherwise.
 */
export function mcpConfigEnv(shell: NodeJS.ProcessEnv): { env: Record<string, string>; used: string } {
  const env: Record<string, string> = {};
  const said: string[] = [];
  for (const name of CARRIED) {
    const value = shell[name];
    if (value === undefined || value === '') continue;
    env[name] = name === 'SOPHIA_HOME' ? resolve(expandHome(value)) : value;
    said.push(`${name}=${name === 'DATABASE_URL' ? withoutPassword(value) : env[name]}`);
  }
  const defaults = [
    ...(env.SOPHIA_HOME || env.DATABASE_URL ? [] : ['the embedded database in ~/.sophia']),
    ...(env.SOPHIA_TENANT ? [] : ["tenant 'default'"]),
  ];
  const used =
    `mcp-config: ${said.length ? `carried from this shell: ${said.join(', ')}` : 'no SOPHIA_HOME, DATABASE_URL or SOPHIA_TENANT in this shell'}` +
    (defaults.length ? `; the servers use ${defaults.join(' and ')} (as \`sophia demo\` does)` : '');
  return { env, used };
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
