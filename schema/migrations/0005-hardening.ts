import { sql } from 'kysely';
import { APP_ROLE, type AnyDb, TENANT_SETTING, type TableSpec } from '../table-spec.js';

/**
 * 0005-hardening (issue 11): row-level security on `tenants`. Before it, `tenants` had no policy, so any
 * tenant's session (the `sophia_app` role inside `withTenant`) could list and count every tenant. Now the
 * app role sees only its own tenant's row and cannot create, rename or delete tenants; the owner (the admin
 * path: `ensureTenant`, migrations, `sophia db`) is unaffected (RLS enabled, not forced, so the table owner
 * bypasses it), and foreign keys to `tenants(id)` are checked as before (referential checks bypass RLS).
 *
 * Frozen: untyped, creates no tables.
 */
export const tables: Record<string, TableSpec> = {};

export async function up(db: AnyDb): Promise<void> {
  for (const stmt of [
    `alter table tenants enable row level security`,
    `drop policy if exists tenant_self on tenants`,
    `create policy tenant_self on tenants for select using (id = current_setting('${TENANT_SETTING}', true))`,
    `revoke insert, update, delete on tenants from ${APP_ROLE}`,
    `grant select on tenants to ${APP_ROLE}`,
  ]) {
    await sql.raw(stmt).execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const stmt of [
    `drop policy if exists tenant_self on tenants`,
    `alter table tenants disable row level security`,
    `grant select, insert, update, delete on tenants to ${APP_ROLE}`,
  ]) {
    await sql.raw(stmt).execute(db);
  }
}
