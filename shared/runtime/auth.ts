import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { SophiaConfig } from '../config/config.js';
import { TENANT_ID_PATTERN } from './caller.js';

/**
 * Bearer-token authentication for the HTTP transport (OAuth 2.1 resource-server style): a JWT verified with
 * a shared secret (HS256/384/512, SOPHIA_AUTH_JWT_SECRET) or a JWKS (SOPHIA_AUTH_JWKS_URL), with optional
 * issuer and audience checks. Claims used: `sub` (the caller), `roles` (array or space-separated string:
 * `read`, `write`, `pii`, `admin`), `scope`, `tenant`, `exp` (required).
 */
export function createTokenVerifier(config: SophiaConfig): OAuthTokenVerifier | undefined {
  const { jwtSecret, jwksUrl, issuer, audience } = config.auth;
  if (!jwtSecret && !jwksUrl) return undefined;
  const key = jwtSecret ? new TextEncoder().encode(jwtSecret.reveal()) : undefined;
  const jwks = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        const options = {
          ...(issuer ? { issuer } : {}),
          ...(audience ? { audience } : {}),
          requiredClaims: ['exp'],
        };
        const result = key
          ? await jwtVerify(token, key, { ...options, algorithms: ['HS256', 'HS384', 'HS512'] })
          : await jwtVerify(token, jwks!, options);
        payload = result.payload;
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('Token has expired');
        if (err instanceof joseErrors.JWTClaimValidationFailed)
          throw new InvalidTokenError(`Token rejected: ${err.message}`);
        throw new InvalidTokenError('Token signature or format is invalid');
      }
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      const rawRoles = (payload as { roles?: unknown }).roles;
      const roles = Array.isArray(rawRoles)
        ? rawRoles.map(String)
        : typeof rawRoles === 'string'
          ? rawRoles.split(/[ ,]+/).filter(Boolean)
          : [];
      const tenant = (payload as { tenant?: unknown }).tenant;
      // A tenant claim is honoured exactly or the token is refused: never mapped to the default tenant.
      // (Whether the tenant exists is checked per request, see known-tenants.ts.)
      if (tenant !== undefined && (typeof tenant !== 'string' || !TENANT_ID_PATTERN.test(tenant))) {
        throw new InvalidTokenError(
          "The token's tenant claim is not a tenant id (lowercase letters, digits, _ and -, at most 63 characters)",
        );
      }
      return {
        token,
        clientId: String(payload.sub ?? (payload as { client_id?: unknown }).client_id ?? 'unknown'),
        scopes,
        expiresAt: payload.exp,
        extra: { roles: roles.length ? roles : scopes, ...(typeof tenant === 'string' ? { tenant } : {}) },
      };
    },
  };
}
