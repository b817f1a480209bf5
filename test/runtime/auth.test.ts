import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { createTokenVerifier } from '../../shared/runtime/auth.js';
import { callerFromAuth, tenantFromAuth } from '../../shared/runtime/caller.js';

/** JWT verification with a JWKS served on 127.0.0.1 (the way an identity provider publishes its keys). */
describe('bearer tokens verified with a JWKS', () => {
  let server: http.Server;
  let jwksUrl: string;
  let sign: (
    claims: Record<string, unknown>,
    opts?: { exp?: string; iss?: string; aud?: string },
  ) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('ae@payready.com')
        .setIssuer(opts.iss ?? 'https://idp.payready.test')
        .setAudience(opts.aud ?? 'sophia')
        .setExpirationTime(opts.exp ?? '5m')
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const verifier = () =>
    createTokenVerifier(
      loadConfig({
        SOPHIA_AUTH_JWKS_URL: jwksUrl,
        SOPHIA_AUTH_ISSUER: 'https://idp.payready.test',
        SOPHIA_AUTH_AUDIENCE: 'sophia',
      }),
    )!;

  it('accepts a token signed by a key in the JWKS and maps its claims', async () => {
    const info = await verifier().verifyAccessToken(await sign({ roles: 'read pii', tenant: 'payready' }));
    expect(info.clientId).toBe('ae@payready.com');
    const caller = callerFromAuth('http', info, 's1');
    expect(caller).toMatchObject({
      id: 'ae@payready.com',
      roles: ['read', 'pii'],
      canSeePii: true,
      sessionId: 's1',
    });
    expect(tenantFromAuth(loadConfig({}), info)).toBe('payready');
  });

  it('rejects a wrong audience, a wrong issuer, an expired token and a token from another key', async () => {
    const v = verifier();
    await expect(v.verifyAccessToken(await sign({}, { aud: 'someone-else' }))).rejects.toThrow(/aud/);
    await expect(v.verifyAccessToken(await sign({}, { iss: 'https://evil.test' }))).rejects.toThrow(/iss/);
    await expect(v.verifyAccessToken(await sign({}, { exp: '-1m' }))).rejects.toThrow(/expired/);
    const other = await generateKeyPair('ES256');
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(other.privateKey);
    await expect(v.verifyAccessToken(foreign)).rejects.toThrow(/signature or format/);
  });

  it('a caller without pii or admin role does not see personal data unmasked', async () => {
    const info = await verifier().verifyAccessToken(await sign({ roles: ['read'] }));
    expect(callerFromAuth('http', info, undefined).canSeePii).toBe(false);
    expect(tenantFromAuth(loadConfig({ SOPHIA_TENANT: 'fallback' }), info)).toBe('fallback');
  });
});
