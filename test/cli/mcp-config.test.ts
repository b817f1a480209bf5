import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpConfigEnv } from '../../cli/mcp-config-env.js';
import { loadConfig } from '../../shared/config/config.js';

describe('sophia mcp-config', () => {
  it('carries SOPHIA_HOME (absolute), DATABASE_URL and SOPHIA_TENANT from the shell and says so', () => {
    const { env, used } = mcpConfigEnv({
      SOPHIA_HOME: '~/sophia-test',
      DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/sophia',
      SOPHIA_TENANT: 'payready',
      PATH: '/usr/bin',
    });
    expect(env).toEqual({
      SOPHIA_HOME: join(homedir(), 'sophia-test'),
      DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/sophia',
      SOPHIA_TENANT: 'payready',
    });
    expect(used).toContain('SOPHIA_TENANT=payready');
    expect(used).toContain('postgres://app:***@db.internal:5432/sophia');
    expect(used).not.toContain('s3cret');
  });

  it('with nothing set, says the servers use the embedded database and the default tenant, as the demo does', () => {
    const { env, used } = mcpConfigEnv({ PATH: '/usr/bin' });
    expect(env).toEqual({});
    expect(used).toContain("tenant 'default'");
    expect(used).toContain('embedded database');
  });
});

describe('one tenant story', () => {
  it('the shipped mcp.config.json serves the tenant `sophia demo` loads by default', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../mcp.config.json', import.meta.url), 'utf8')) as {
      mcpServers: Record<string, { env?: Record<string, string> }>;
    };
    const demoTenant = loadConfig({}).tenant; // `sophia demo` loads SOPHIA_TENANT, default 'default'
    for (const [name, server] of Object.entries(shipped.mcpServers)) {
      expect(server.env?.SOPHIA_TENANT ?? demoTenant, name).toBe(demoTenant);
    }
  });
});
