import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config/config.js';
import { createLogger } from '../../shared/log/logger.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.tenant).toBe('default');
    expect(c.home).toMatch(/\.sophia$/);
    expect(c.embedded.idleSeconds).toBe(300);
    expect(c.readOnly).toBe(false);
  });

  it('names every wrong variable and says what it expects', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'localhost',
        SOPHIA_TENANT: 'Pay Ready',
        SOPHIA_READ_ONLY: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain('DATABASE_URL: expected a postgres:// or postgresql:// connection URL');
    expect(text).toContain('REDIS_URL: expected a redis:// or rediss:// URL');
    expect(text).toContain('SOPHIA_TENANT: expected a tenant id');
    expect(text).toContain("SOPHIA_READ_ONLY: expected true or false, got 'maybe'");
  });

  it('rejects a short JWT secret', () => {
    expect(() => loadConfig({ SOPHIA_AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('never reveals secrets when printed, serialised or logged', () => {
    const c = loadConfig({
      ANTHROPIC_API_KEY: 'sk-ant-supersecret',
      GONG_ACCESS_KEY_SECRET: 'gong-secret-value',
    });
    expect(JSON.stringify(c)).not.toMatch(/supersecret|gong-secret-value/);
    expect(inspect(c, { depth: 10 })).not.toMatch(/supersecret|gong-secret-value/);
    expect(String(c.keys.anthropic)).toBe('[redacted]');
    expect(c.keys.anthropic?.reveal()).toBe('sk-ant-supersecret');
    let line = '';
    createLogger('t', (l) => (line += l)).info('calling', {
      apiKey: 'sk-ant-supersecret',
      token: 'abc',
      keys: c.keys,
    });
    expect(line).not.toMatch(/supersecret|abc|gong-secret-value/);
  });
});
