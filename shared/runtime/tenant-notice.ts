import { sql } from 'kysely';
import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';

/** Landed source records per tenant: what the data servers' answers are about. */
export interface TenantRows {
  tenant: string;
  records: number;
}

/**
 * The notice a server gives with its first answer for a tenant that has no data, so a user whose configuration
 * points at an empty tenant (a typo in SOPHIA_TENANT, the demo loaded into another tenant) is told at once
 * rather than reading empty tables. Local callers (stdio, in-process) also learn which tenants do have data;
 * an HTTP caller never learns other tenants' names.
 */
export function tenantNoticeText(
  tenant: string,
  rows: readonly TenantRows[],
  local: boolean,
): string | undefined {
  const own = rows.find((r) => r.tenant === tenant);
  if (own && own.records > 0) return undefined;
  const others = rows
    .filter((r) => r.tenant !== tenant && r.records > 0)
    .sort((a, b) => b.records - a.records || a.tenant.localeCompare(b.tenant));
  const where =
    local && others.length > 0
      ? ` Tenants with data: ${others
          .slice(0, 5)
          .map(
            (r) => `'${r.tenant}' (${r.records.toLocaleString('en-US')} record${r.records === 1 ? '' : 's'})`,
          )
          .join(', ')}; set SOPHIA_TENANT to one of them in the server's configuration, or`
      : '';
  return `Note: tenant '${tenant}' has no data in this database yet, so answers will be empty.${where} load data for '${tenant}' with \`sophia demo\` (it loads SOPHIA_TENANT) or \`sophia ingest ...\`.`;
}

/** Once per tenant and process: the notice for the first answer, or undefined. Never fails a call. */
export function createTenantNotice(
  database: () => Promise<SophiaDatabase>,
  logger: Logger,
): (tenant: string, local: boolean) => Promise<string | undefined> {
  const checked = new Set<string>();
  return async (tenant, local) => {
    if (checked.has(tenant)) return undefined;
    checked.add(tenant);
    try {
      const db = await database();
      // admin access (outside RLS): counts per tenant, never rows
      const res = await sql<{ tenant: string; records: string }>`
        select tenant_id as tenant, count(*) as records from source_records group by tenant_id`.execute(
        db.db,
      );
      return tenantNoticeText(
        tenant,
        res.rows.map((r) => ({
          tenant: r.tenant,
          records: Number(r.records),
        })),
        local,
      );
    } catch (err) {
      checked.delete(tenant);
      logger.debug('could not check whether the tenant has data', {
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  };
}
