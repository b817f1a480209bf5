import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../schema/database.js';
import { ToolInputError } from '../../../shared/runtime/define-tool.js';

/** A resolved account (identity cluster): its canonical row id and its member rows in every source. */
export interface ResolvedAccount {
  id: string;
  name: string;
  members: Array<{
    id: string;
    source: string;
    sourceId: string;
    name: string | null;
    domain: string | null;
  }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resolves an account id (any member's Sophia id, or a source id) to its cluster; a clear error otherwise. */
export async function resolveAccount(trx: Transaction<Database>, ref: string): Promise<ResolvedAccount> {
  const byUuid = UUID.test(ref);
  const { rows } = await sql<{ cid: string }>`
    select coalesce(canonical_id, id) as cid from accounts
    where ${byUuid ? sql`id = ${ref}::uuid` : sql`source_id = ${ref}`} limit 1`.execute(trx);
  const cid = rows[0]?.cid;
  if (!cid) {
    throw new ToolInputError(
      `No account '${ref}'. Pass an id from find_accounts (a Sophia uuid or a Salesforce/HubSpot id); call find_accounts with a name or domain to look it up.`,
    );
  }
  const { rows: members } = await sql<{
    id: string;
    source: string;
    source_id: string;
    name: string | null;
    domain: string | null;
  }>`
    select id, source, source_id, name, domain from accounts where coalesce(canonical_id, id) = ${cid}::uuid
    order by case source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end, created_at`.execute(trx);
  return {
    id: cid,
    name: members[0]?.name ?? '(unnamed)',
    members: members.map((m) => ({
      id: m.id,
      source: m.source,
      sourceId: m.source_id,
      name: m.name,
      domain: m.domain,
    })),
  };
}
