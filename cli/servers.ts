import type { ServerDefinition } from '../shared/runtime/server-definition.js';

/** The MCP servers the `sophia` command can run, by name. */
export const SERVERS: Record<string, () => Promise<ServerDefinition>> = {
  'customer-360': async () => (await import('../servers/customer-360/server.js')).definition,
  'data-dictionary': async () => (await import('../servers/data-dictionary/server.js')).definition,
  'gong-analytics': async () => (await import('../servers/gong-analytics/server.js')).definition,
  'github-review': async () => (await import('../servers/github-review/server.js')).definition,
  'knowledge-base': async () => (await import('../servers/knowledge-base/server.js')).definition,
};

export async function loadServer(name: string): Promise<ServerDefinition> {
  const load = SERVERS[name];
  if (!load) throw new Error(`unknown server '${name}'; available: ${Object.keys(SERVERS).join(', ')}`);
  return load();
}
