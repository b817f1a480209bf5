import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../schema/database.js';
import { ToolInputError } from '../../../shared/runtime/define-tool.js';

/** A resolved contact (identity cluster): its canonical id and member rows in every source. */
export interface ResolvedContact {
  id: string;
  name: string;
  accountIds: string[];
  members: Array<{ id: string; source: string; sourceId: string; email: string | null }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resolves a contact by Sophia id, source id or email to its cluster; a clear error otherwise. */
export async function resolveContact(trx: Transaction<Database>, ref: string): Promise<ResolvedContact> {
  const where = UUID.test(ref)
    ? sql`id = ${ref}::uuid`
    : ref.includes('@')
      ? sql`lower(email) = ${ref.toLowerCase()}`
      : sql`source_id = ${ref}`;
  const { rows } = await sql<{ cid: string }>`
    select coalesce(canonical_id, id) as cid from contacts where ${where}
    order by case source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end limit 1`.execute(trx);
  const cid = rows[0]?.cid;
  if (!cid) {
    throw new ToolInputError(
      `No contact '${ref}'. Pass a contact's Sophia id, Salesforce/HubSpot id or email (account_360 lists an account's people).`,
    );
  }
  const { rows: members } = await sql<{
    id: string;
    source: string;
    source_id: string;
    email: string | null;
    full_name: string | null;
    account_id: string | null;
  }>`
    select id, source, source_id, email, full_name, account_id from contacts
    where coalesce(canonical_id, id) = ${cid}::uuid
    order by case source when 'salesforce' then 0 when 'hubspot' then 1 else 2 end, created_at`.execute(trx);
  return {
    id: cid,
    name: members.find((m) => m.full_name)?.full_name ?? members[0]?.email ?? '(unnamed)',
    accountIds: [...new Set(members.map((m) => m.account_id).filter((a): a is string => a !== null))],
    members: members.map((m) => ({ id: m.id, source: m.source, sourceId: m.source_id, email: m.email })),
  };
}
