import { userInfo } from 'node:os';
import type { SophiaConfig } from '../config/config.js';
import type { Caller } from './define-tool.js';

/**
 * Who is calling and for which tenant: from the verified token's claims over HTTP (see auth.ts), or the
 * local user over stdio, who has that user's full rights.
 */
export function callerFromAuth(
  transport: Caller['transport'],
  authInfo: { clientId?: string; extra?: Record<string, unknown>; scopes?: string[] } | undefined,
  sessionId: string | undefined,
): Caller {
  if (transport === 'stdio' || transport === 'memory' || !authInfo) {
    // A local process speaking stdio runs as the user who started it, with that user's full rights.
    const local = transport === 'http' ? 'anonymous-loopback' : `local:${safeUser()}`;
    return { id: local, roles: ['read', 'write', 'pii', 'admin'], canSeePii: true, transport, sessionId };
  }
  const roles = (authInfo.extra?.roles as string[] | undefined) ?? authInfo.scopes ?? [];
  return {
    id: authInfo.clientId ?? 'unknown',
    roles,
    canSeePii: roles.includes('pii') || roles.includes('admin'),
    transport,
    sessionId,
  };
}

/** What a tenant id looks like (the same rule as `withTenant`). */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class TenantClaimError extends Error {
  override name = 'TenantClaimError';
}

/**
 * The tenant of a request: the token's `tenant` claim when there is one, else SOPHIA_TENANT. A claim that is
 * not a tenant id is an error, never a fallback to the default tenant (the verifier already refuses such
 * tokens; this is the second line).
 */
export function tenantFromAuth(config: SophiaConfig, authInfo?: { extra?: Record<string, unknown> }): string {
  const claimed = authInfo?.extra?.tenant;
  if (claimed === undefined) return config.tenant;
  if (typeof claimed === 'string' && TENANT_ID_PATTERN.test(claimed)) return claimed;
  throw new TenantClaimError("the token's tenant claim is not a tenant id");
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
