import { sql, type Transaction } from 'kysely';
import { closest, distance } from 'fastest-levenshtein';
import type { Database } from '../../../schema/database.js';
import { ToolInputError } from '../../../shared/runtime/define-tool.js';

/**
 * Resolves the names people use (a rep's name or email, an account's name, a Gong call id) to Sophia's ids,
 * inside the caller's tenant transaction. A person is one identity cluster (`canonical_id`) across Gong,
 * Salesforce, HubSpot and Slack, so a rep resolves to every user row of that cluster. An unknown name is an
 * error with the closest names, never an empty answer.
 */
export type Trx = Transaction<Database>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Rep {
  name: string;
  email: string | null;
  team: string | null;
  /** Every user row of the person (all sources). */
  userIds: string[];
  /** The identity cluster key (canonical_id, or the user id when unlinked). */
  key: string;
}

export interface CallRef {
  id: string;
  callId: string;
  startedAt: Date;
}

export async function resolveCall(trx: Trx, callId: string): Promise<CallRef> {
  const row = await trx
    .selectFrom('calls')
    .select(['id', 'source_id', 'started_at'])
    .where((eb) => (UUID.test(callId) ? eb('id', '=', callId) : eb('source_id', '=', callId)))
    .executeTakeFirst();
  if (!row) {
    throw new ToolInputError(
      `There is no call '${callId}' in this workspace. Use search_calls to find calls (callId is the Gong call id it returns).`,
    );
  }
  return { id: row.id, callId: row.source_id, startedAt: row.started_at };
}

/** Several calls at once; unknown ids are an error naming them. */
export async function resolveCalls(trx: Trx, callIds: readonly string[]): Promise<CallRef[]> {
  if (callIds.length === 0) return [];
  const uuids = callIds.filter((c) => UUID.test(c));
  const gong = callIds.filter((c) => !UUID.test(c));
  const rows = await trx
    .selectFrom('calls')
    .select(['id', 'source_id', 'started_at'])
    .where((eb) =>
      eb.or([
        ...(uuids.length ? [eb('id', 'in', uuids)] : []),
        ...(gong.length ? [eb('source_id', 'in', gong)] : []),
      ]),
    )
    .execute();
  const found = new Set(rows.flatMap((r) => [r.id, r.source_id]));
  const missing = callIds.filter((c) => !found.has(c));
  if (missing.length) {
    throw new ToolInputError(
      `Unknown call id(s): ${missing.slice(0, 5).join(', ')}. Use search_calls to find calls.`,
    );
  }
  return rows.map((r) => ({ id: r.id, callId: r.source_id, startedAt: r.started_at }));
}

/** The people who lead calls (primary users of calls), with their identity clusters. */
export async function listReps(trx: Trx): Promise<Rep[]> {
  const { rows } = await sql<{
    key: string;
    name: string | null;
    email: string | null;
    team: string | null;
    ids: string[];
  }>`
    with leaders as (select distinct primary_user_id as id from calls where primary_user_id is not null),
    people as (
      select coalesce(u.canonical_id, u.id) as key from users u join leaders l on l.id = u.id
    )
    select coalesce(u.canonical_id, u.id)::text as key,
           max(u.full_name) as name, max(u.email) as email, max(u.team) as team,
           array_agg(u.id::text) as ids
    from users u
    where coalesce(u.canonical_id, u.id) in (select key from people)
    group by 1`.execute(trx);
  return rows
    .filter((r) => r.name || r.email)
    .map((r) => ({ name: r.name ?? r.email!, email: r.email, team: r.team, userIds: r.ids, key: r.key }));
}

export async function resolveRep(trx: Trx, text: string): Promise<Rep> {
  const t = text.trim();
  const q = t.toLowerCase();
  const direct = await trx
    .selectFrom('users')
    .select(['id', 'canonical_id', 'full_name'])
    .where((eb) =>
      eb.or([
        eb(sql`lower(full_name)`, '=', q),
        eb(sql`lower(email)`, '=', q),
        ...(UUID.test(t) ? [eb('id', '=', t)] : []),
        eb('source_id', '=', t),
      ]),
    )
    .execute();
  let keys = new Set(direct.map((r) => r.canonical_id ?? r.id));
  if (keys.size === 0) {
    const like = await trx
      .selectFrom('users')
      .select(['id', 'canonical_id', 'full_name'])
      .where(sql`full_name`, 'ilike', `%${t.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
      .limit(50)
      .execute();
    keys = new Set(like.map((r) => r.canonical_id ?? r.id));
    if (keys.size > 1) {
      const names = [...new Set(like.map((r) => r.full_name).filter(Boolean))];
      throw new ToolInputError(
        `rep '${text}' matches ${names.length} people: ${names
          .slice(0, 6)
          .map((n) => `'${n}'`)
          .join(', ')}. Give the full name or email.`,
      );
    }
  }
  if (keys.size === 0) {
    const reps = await listReps(trx);
    throw new ToolInputError(
      `No rep named '${text}' leads calls here. ${suggest(
        text,
        reps.map((r) => r.name),
      )}`,
    );
  }
  const members = await trx
    .selectFrom('users')
    .select(['id', 'full_name', 'email', 'team'])
    .where((eb) => eb.or([eb('id', 'in', [...keys]), eb('canonical_id', 'in', [...keys])]))
    .execute();
  return {
    name: members.find((m) => m.full_name)?.full_name ?? members.find((m) => m.email)?.email ?? t,
    email: members.find((m) => m.email)?.email ?? null,
    team: members.find((m) => m.team)?.team ?? null,
    userIds: members.map((m) => m.id),
    key: [...keys][0]!,
  };
}

export interface AccountRef {
  ids: string[];
  name: string;
}

export async function resolveAccount(trx: Trx, text: string): Promise<AccountRef> {
  const t = text.trim();
  if (UUID.test(t)) {
    const row = await trx
      .selectFrom('accounts')
      .select(['id', 'name', 'canonical_id'])
      .where('id', '=', t)
      .executeTakeFirst();
    if (!row) throw new ToolInputError(`There is no account with id '${t}'.`);
    return { ids: await clusterIds(trx, row.canonical_id ?? row.id), name: row.name };
  }
  const rows = await trx
    .selectFrom('accounts')
    .select(['id', 'name', 'canonical_id', 'source_id'])
    .where((eb) => eb.or([eb(sql`lower(name)`, '=', t.toLowerCase()), eb('source_id', '=', t)]))
    .execute();
  const clusters = new Set(rows.map((r) => r.canonical_id ?? r.id));
  if (clusters.size === 1) {
    return { ids: await clusterIds(trx, [...clusters][0]!), name: rows[0]!.name };
  }
  if (clusters.size > 1) {
    return { ids: rows.map((r) => r.id), name: rows[0]!.name };
  }
  const like = await trx
    .selectFrom('accounts')
    .select(['id', 'name', 'canonical_id'])
    .where(sql`name`, 'ilike', `%${t.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
    .limit(50)
    .execute();
  const names = [...new Set(like.map((r) => r.name))];
  if (names.length === 1) return { ids: like.map((r) => r.id), name: names[0]! };
  if (names.length > 1) {
    throw new ToolInputError(
      `account '${text}' matches ${names.length} accounts: ${names
        .slice(0, 6)
        .map((n) => `'${n}'`)
        .join(', ')}. Give the full name.`,
    );
  }
  const all = await trx.selectFrom('accounts').select('name').limit(5000).execute();
  throw new ToolInputError(
    `No account named '${text}'. ${suggest(text, [...new Set(all.map((a) => a.name))])}`,
  );
}

async function clusterIds(trx: Trx, key: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('accounts')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', key), eb('canonical_id', '=', key)]))
    .execute();
  return rows.map((r) => r.id);
}

function suggest(text: string, names: string[]): string {
  if (names.length === 0) return 'There are none yet: has Gong data been ingested for this tenant?';
  const lower = text.toLowerCase();
  const best = closest(
    lower,
    names.map((n) => n.toLowerCase()),
  );
  const ranked = names
    .map((n) => ({ n, d: distance(lower, n.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((r) => r.n);
  const picks = [...new Set([names.find((n) => n.toLowerCase() === best)!, ...ranked])].slice(0, 3);
  return `Did you mean ${picks.map((p) => `'${p}'`).join(' or ')}?`;
}
