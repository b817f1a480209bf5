import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import type { SophiaDatabase } from '../db/database.js';
import { clusterLinks } from '../identity/cluster.js';
import { assignClusters } from '../identity/clusters-db.js';

/**
 * Deterministic identity resolution, run at the end of an ingest (set-based SQL, idempotent):
 *
 *  - identity_links (evidence that two rows are the same real-world entity):
 *      same_email        users across sources (Gong users, Salesforce Users, HubSpot owners, Slack users) and
 *                        contacts across sources (Salesforce Contacts and Leads, HubSpot contacts), by
 *                        lowercased email;
 *      same_domain       accounts (Salesforce Accounts, HubSpot companies) by registrable domain;
 *      gong_crm_context  a Gong party whose CRM context names a Salesforce User: that Gong user and that
 *                        Salesforce user; a Gong call whose context names an Account in two CRMs: those
 *                        two accounts;
 *    each group is linked as a star to its first row by (source, source_id) (n-1 links, not n^2);
 *    each rule's links are replaced, not accumulated: the same rows give the same links whatever order they
 *    arrived in (issue 11, item 15);
 *  - clusters and canonical_id (shared/identity/clusters-db.ts): components of these links, the
 *    probabilistic links of `sophia identity` and the manual merges and splits; canonical_id is the first
 *    row of the cluster in the same table by (source, source_id);
 *  - Gong call context -> calls.account_id / opportunity_id (Salesforce Account / Opportunity, HubSpot
 *    company / deal), when not already set;
 *  - Gong party context (Salesforce Contact / Lead) and email -> call_participants.contact_id, email ->
 *    call_participants.user_id;
 *  - calls.account_id from the external participants' email domains when CRM context is absent;
 *  - references only a record's payload can give (polymorphic or array-valued), when the mapping left
 *    them empty: Salesforce Task/Event WhoId (003 Contact, 00Q Lead) and WhatId (001 Account,
 *    006 Opportunity); HubSpot contacts -> companies[0], deals -> companies[0] / contacts[0]
 *    (duplicate association ids are harmless: the first is taken);
 *  - transcript segments -> participant by speaker id; Slack members and message authors -> users.
 */
export interface IdentitySummary {
  /** Links added by this pass. */
  links: number;
  byRule: Record<string, number>;
  /** Components with more than one row, per entity type. */
  clusters: number;
  participantsMatched: number;
  callsWithAccount: number;
  referencesFilled: number;
}

type Trx = Transaction<Database>;

/**
 * Connected components of an undirected graph, labelled by their smallest node (pure, deterministic).
 * Every node in `nodes` gets a label; nodes only named by edges are included too.
 */
export function connectedComponents(
  nodes: Iterable<string>,
  edges: Iterable<readonly [string, string]>,
): Map<string, string> {
  return clusterLinks(
    nodes,
    [...edges].map(([a, b]) => ({ a, b, strength: 1 })),
  ).labels;
}

let stepLog: ((step: string, ms: number) => void) | undefined;
let stepNo = 0;

async function count(trx: Trx, query: ReturnType<typeof sql>): Promise<number> {
  const t = Date.now();
  const r = await query.execute(trx);
  stepLog?.(`step ${++stepNo}`, Date.now() - t);
  return Number(r.numAffectedRows ?? 0n);
}

/**
 * Makes the links of one (entity type, rule) exactly `desired` (a query of left_id, right_id, evidence):
 * links no longer desired are deleted, new ones inserted. The result depends only on the rows now in the
 * tables, never on the order they arrived in or on earlier runs (issue 11, item 15). Returns links added.
 */
async function replaceLinks(
  trx: Trx,
  tenant: string,
  entityType: string,
  rule: string,
  desired: ReturnType<typeof sql>,
): Promise<number> {
  return count(
    trx,
    sql`
      with desired as materialized (${desired}), gone as (
        delete from identity_links l
        where l.entity_type = ${entityType} and l.rule = ${rule}
          and not exists (select 1 from desired d where d.left_id = l.left_id and d.right_id = l.right_id)
      )
      insert into identity_links (tenant_id, entity_type, left_id, right_id, rule, confidence, evidence)
      select ${tenant}, ${entityType}, d.left_id, d.right_id, ${rule}, 1, d.evidence from desired d
      on conflict (tenant_id, entity_type, left_id, right_id, rule) do nothing`,
  );
}

/**
 * Each group of rows sharing a key is linked as a star to its first row in (source, source_id) order: a
 * choice that does not depend on generated ids or arrival order, so the same rows give the same links.
 */
async function starLinks(
  trx: Trx,
  tenant: string,
  table: 'users' | 'contacts' | 'accounts',
  entityType: string,
  rule: string,
  keyExpr: string,
): Promise<number> {
  return replaceLinks(
    trx,
    tenant,
    entityType,
    rule,
    sql`
      with keyed as (
        select id, source, source_id, ${sql.raw(keyExpr)} as k from ${sql.table(table)}
      ), g as (
        select k, (array_agg(id order by source, source_id, id))[1] as root from keyed
        where k is not null and k <> ''
        group by k having count(*) > 1
      )
      select g.root as left_id, keyed.id as right_id, jsonb_build_object('key', keyed.k) as evidence
      from keyed join g on g.k = keyed.k
      where keyed.id <> g.root`,
  );
}

export async function resolveIdentities(
  db: SophiaDatabase,
  tenant: string,
  options: { onStep?: (step: string, ms: number) => void } = {},
): Promise<IdentitySummary> {
  stepLog = options.onStep;
  stepNo = 0;
  // Fresh statistics after a load: without them the planner takes freshly landed tables for empty and
  // picks nested loops that take seconds per thousand calls. (Owner's connection: the application role
  // may not analyze; statistics are not tenant data.)
  const t = Date.now();
  await sql`analyze users, accounts, contacts, opportunities, activities, calls, call_participants, source_records, identity_links`.execute(
    db.db,
  );
  stepLog?.('analyze', Date.now() - t);
  return db.withTenant(tenant, async (trx) => {
    // The jsonb expansions below are estimated at 100 rows per array, which makes PostgreSQL JIT-compile
    // plans that run in milliseconds (a second or more of compilation per statement): not worth it here.
    await sql`set local jit = off`.execute(trx);
    const byRule: Record<string, number> = {};
    const addRule = (rule: string, n: number) => {
      if (n > 0) byRule[rule] = (byRule[rule] ?? 0) + n;
    };
    let referencesFilled = 0;

    // --- references only the payload can give
    referencesFilled += await count(
      trx,
      sql`
        update activities a set
          contact_id = coalesce(a.contact_id, c.id),
          account_id = coalesce(a.account_id, acc.id),
          opportunity_id = coalesce(a.opportunity_id, o.id)
        from source_records s
        left join contacts c on c.source = 'salesforce' and c.source_id = s.payload->>'WhoId'
        left join accounts acc on acc.source = 'salesforce' and acc.source_id = coalesce(
          s.payload->>'AccountId', case when s.payload->>'WhatId' like '001%' then s.payload->>'WhatId' end)
        left join opportunities o on o.source = 'salesforce' and o.source_id = s.payload->>'WhatId'
          and s.payload->>'WhatId' like '006%'
        where s.source = 'salesforce' and s.stream in ('Task', 'Event') and s.entity = 'activities'
          and a.id = s.entity_id
          and ((a.contact_id is null and c.id is not null) or (a.account_id is null and acc.id is not null)
               or (a.opportunity_id is null and o.id is not null))`,
    );
    referencesFilled += await count(
      trx,
      sql`
        update contacts c set account_id = acc.id
        from source_records s
        join accounts acc on acc.source = 'hubspot' and acc.source_id = coalesce(
          s.payload->'companies'->>0, s.payload->'properties'->>'associatedcompanyid')
        where s.source = 'hubspot' and s.stream = 'contacts' and c.id = s.entity_id and c.account_id is null`,
    );
    referencesFilled += await count(
      trx,
      sql`
        update opportunities o set
          account_id = coalesce(o.account_id, acc.id),
          primary_contact_id = coalesce(o.primary_contact_id, ct.id)
        from source_records s
        left join accounts acc on acc.source = 'hubspot' and acc.source_id = s.payload->'companies'->>0
        left join contacts ct on ct.source = 'hubspot' and ct.source_id = s.payload->'contacts'->>0
        where s.source = 'hubspot' and s.stream = 'deals' and o.id = s.entity_id
          and ((o.account_id is null and acc.id is not null) or (o.primary_contact_id is null and ct.id is not null))`,
    );

    // The Gong context statements join expansions of jsonb arrays the planner cannot estimate (it guesses 100
    // rows each, then 1 row after the joins) and picks nested loops: seconds on PostgreSQL, minutes on PGlite
    // for 13,000 calls. Hash joins are right for these whole-table statements.
    await sql`set local enable_nestloop = off`.execute(trx);

    // --- Gong call context -> account / opportunity
    const contextObjects = sql`
      select c.id as call_id, lower(ctx->>'system') as system, obj->>'objectType' as object_type,
             obj->>'objectId' as object_id
      from calls c
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(c.crm_context) = 'array' then c.crm_context else '[]'::jsonb end) ctx
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(ctx->'objects') = 'array' then ctx->'objects' else '[]'::jsonb end) obj
      where c.source = 'gong'`;
    let callsWithAccount = await count(
      trx,
      sql`
        with o as materialized (${contextObjects}), m as (
          select o.call_id, min(a.id::text)::uuid as account_id
          from o join accounts a on a.source = o.system and a.source_id = o.object_id
          where o.object_type = 'Account' and o.system in ('salesforce', 'hubspot')
          group by o.call_id
        )
        update calls c set account_id = m.account_id from m where c.id = m.call_id and c.account_id is null`,
    );
    await count(
      trx,
      sql`
        with o as materialized (${contextObjects}), m as (
          select o.call_id, min(p.id::text)::uuid as opportunity_id
          from o join opportunities p on p.source = o.system and p.source_id = o.object_id
          where o.object_type = 'Opportunity' and o.system in ('salesforce', 'hubspot')
          group by o.call_id
        )
        update calls c set opportunity_id = m.opportunity_id from m
        where c.id = m.call_id and c.opportunity_id is null`,
    );
    // Accounts of two CRMs named by the same call's context (evidence: the first such call, by source id).
    // The user and account statements share a rule name but not an entity type, so each replaces its own.
    addRule(
      'gong_crm_context',
      await replaceLinks(
        trx,
        tenant,
        'account',
        'gong_crm_context',
        sql`
          with o as materialized (${contextObjects}), acc as (
            select distinct o.call_id, a.id, a.source, a.source_id from o
            join accounts a on a.source = o.system and a.source_id = o.object_id
            where o.object_type = 'Account'
          )
          select x.id as left_id, y.id as right_id, jsonb_build_object('call_id', min(c.source_id)) as evidence
          from acc x join acc y on x.call_id = y.call_id and (x.source, x.source_id) < (y.source, y.source_id)
          join calls c on c.id = x.call_id
          group by 1, 2`,
      ),
    );

    // --- Gong party context: Salesforce User / Contact / Lead ids named on a party
    const partyObjects = sql`
      select s.source_id as call_source_id, p->>'id' as party_id, p->>'userId' as gong_user_id,
             obj->>'objectType' as object_type, obj->>'objectId' as object_id, lower(ctx->>'system') as system
      from source_records s
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(s.payload->'parties') = 'array' then s.payload->'parties' else '[]'::jsonb end) p
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(p->'context') = 'array' then p->'context' else '[]'::jsonb end) ctx
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(ctx->'objects') = 'array' then ctx->'objects' else '[]'::jsonb end) obj
      where s.source = 'gong' and s.stream = 'extensiveCalls'`;
    addRule(
      'gong_crm_context',
      await replaceLinks(
        trx,
        tenant,
        'user',
        'gong_crm_context',
        sql`
          with o as materialized (${partyObjects})
          select distinct
            case when (g.source, g.source_id) < (u.source, u.source_id) then g.id else u.id end as left_id,
            case when (g.source, g.source_id) < (u.source, u.source_id) then u.id else g.id end as right_id,
            null::jsonb as evidence
          from o join users g on g.source = 'gong' and g.source_id = o.gong_user_id
          join users u on u.source = o.system and u.source_id = o.object_id
          where o.object_type = 'User' and g.id <> u.id`,
      ),
    );
    let participantsMatched = await count(
      trx,
      sql`
        with o as materialized (${partyObjects}), m as (
          select distinct on (cp.id) cp.id, ct.id as contact_id
          from o join calls c on c.source = 'gong' and c.source_id = o.call_source_id
          join call_participants cp on cp.call_id = c.id and cp.source_participant_id = o.party_id
          join contacts ct on ct.source = o.system and ct.source_id = o.object_id
          where o.object_type in ('Contact', 'Lead') and cp.contact_id is null
          order by cp.id, ct.id
        )
        update call_participants cp set contact_id = m.contact_id from m where cp.id = m.id`,
    );

    await sql`set local enable_nestloop = on`.execute(trx);

    // --- same email / same domain
    addRule('same_email', await starLinks(trx, tenant, 'users', 'user', 'same_email', 'lower(trim(email))'));
    addRule(
      'same_email',
      await starLinks(trx, tenant, 'contacts', 'contact', 'same_email', 'lower(trim(email))'),
    );
    addRule(
      'same_domain',
      await starLinks(trx, tenant, 'accounts', 'account', 'same_domain', 'lower(domain)'),
    );

    // --- participants by email
    participantsMatched += await count(
      trx,
      sql`
        update call_participants cp set user_id = u.id
        from (select distinct on (lower(email)) lower(email) as email, id from users
              where email is not null order by lower(email), (source <> 'gong'), id) u
        where cp.user_id is null and cp.email is not null and lower(cp.email) = u.email`,
    );
    participantsMatched += await count(
      trx,
      sql`
        update call_participants cp set contact_id = c.id
        from (select distinct on (lower(email)) lower(email) as email, id from contacts
              where email is not null order by lower(email), source, id) c
        where cp.contact_id is null and cp.user_id is null and cp.email is not null and lower(cp.email) = c.email`,
    );

    // --- calls without CRM context: the account of the external participants' email domain
    callsWithAccount += await count(
      trx,
      sql`
        with d as (
          select cp.call_id, lower(split_part(cp.email, '@', 2)) as dom, count(*) as n
          from call_participants cp join calls c on c.id = cp.call_id
          where c.account_id is null and cp.email like '%@%' and cp.user_id is null
            and lower(cp.affiliation) <> 'internal'
          group by 1, 2
        ), m as (
          select distinct on (d.call_id) d.call_id, a.id as account_id
          from d join accounts a
            on a.domain = d.dom or a.domain = substring(d.dom from position('.' in d.dom) + 1)
          order by d.call_id, d.n desc, (a.source <> 'salesforce'), a.id
        )
        update calls c set account_id = m.account_id from m where c.id = m.call_id and c.account_id is null`,
    );

    // --- segments -> participants; Slack members and authors -> users
    await count(
      trx,
      sql`
        update transcript_segments ts set participant_id = cp.id
        from call_participants cp
        where ts.participant_id is null and ts.speaker_id is not null
          and cp.call_id = ts.call_id and cp.speaker_id = ts.speaker_id`,
    );
    await count(
      trx,
      sql`
        update slack_channel_members m set user_id = u.id from users u
        where m.user_id is null and u.source = 'slack' and u.source_id = m.member_source_id`,
    );
    await count(
      trx,
      sql`
        update slack_messages m set user_id = u.id from users u
        where m.user_id is null and m.user_source_id is not null
          and u.source = 'slack' and u.source_id = m.user_source_id`,
    );

    // --- clusters and canonical ids (with the probabilistic links and manual overrides already stored)
    const clustered = await assignClusters(trx, tenant);
    const clusters = clustered.personClusters + clustered.accountClusters;

    const links = Object.values(byRule).reduce((a, b) => a + b, 0);
    return { links, byRule, clusters, participantsMatched, callsWithAccount, referencesFilled };
  });
}
