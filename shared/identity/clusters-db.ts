import { sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import { type ClusterLink, clusterLinks } from './cluster.js';

type Trx = Transaction<Database>;

/** Link strengths: manual merges first, then deterministic rules, then probabilistic links by probability. */
export const STRENGTH_MERGE = 10;
export const STRENGTH_DETERMINISTIC = 2;

export interface ClusterSummary {
  /** Clusters with more than one row: people (users and contacts) and accounts. */
  personClusters: number;
  accountClusters: number;
  /** Rows whose canonical_id changed. */
  changed: number;
  /** Links that a manual split kept from joining two records. */
  heldApartBySplit: number;
}

const TABLE_RANK = { contacts: '0', users: '1', accounts: '0' } as const;

/**
 * Clusters every user, contact and account row from identity_links and identity_overrides (clusterLinks:
 * merges first, splits hold), then writes each row's cluster to identity_clusters and its canonical_id: the
 * first row of its cluster in the same table, by (source, source_id) — so canonical ids never point into
 * another table, and do not depend on generated ids or on the order rows arrived in. People span two
 * tables: a Slack user who is a customer contact is linked to that contact ('person' links).
 * Runs under the caller's tenant (RLS).
 */
export async function assignClusters(trx: Trx, tenant: string): Promise<ClusterSummary> {
  const summary: ClusterSummary = { personClusters: 0, accountClusters: 0, changed: 0, heldApartBySplit: 0 };
  const { rows: links } = await sql<{
    entity_type: string;
    l: string;
    r: string;
    rule: string;
    confidence: number;
  }>`
    select entity_type, left_id as l, right_id as r, rule, confidence from identity_links`.execute(trx);
  const { rows: overrides } = await sql<{ kind: string; l: string; r: string; action: string }>`
    select kind, left_id as l, right_id as r, action from identity_overrides`.execute(trx);

  for (const kind of ['person', 'account'] as const) {
    const tables = kind === 'person' ? (['users', 'contacts'] as const) : (['accounts'] as const);
    const entityTypes = kind === 'person' ? ['user', 'contact', 'person'] : ['account'];
    const rows: Array<{
      id: string;
      table: 'users' | 'contacts' | 'accounts';
      key: string;
      canonical_id: string | null;
    }> = [];
    for (const table of tables) {
      const { rows: r } = await sql<{
        id: string;
        source: string;
        source_id: string;
        canonical_id: string | null;
      }>`
        select id, source, source_id, canonical_id from ${sql.table(table)}`.execute(trx);
      for (const x of r)
        rows.push({
          id: x.id,
          table,
          key: `${TABLE_RANK[table]}\u0000${x.source}\u0000${x.source_id}\u0000${x.id}`,
          canonical_id: x.canonical_id,
        });
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    const clusterEdges: ClusterLink[] = [];
    for (const l of links) {
      if (!entityTypes.includes(l.entity_type) || !byId.has(l.l) || !byId.has(l.r)) continue;
      clusterEdges.push({
        a: l.l,
        b: l.r,
        strength: l.rule === 'probabilistic' ? Math.min(l.confidence, 1) : STRENGTH_DETERMINISTIC,
      });
    }
    const splits: Array<[string, string]> = [];
    for (const o of overrides) {
      if (o.kind !== kind || !byId.has(o.l) || !byId.has(o.r)) continue;
      if (o.action === 'merge') clusterEdges.push({ a: o.l, b: o.r, strength: STRENGTH_MERGE });
      else splits.push([o.l, o.r]);
    }
    const { labels, skipped } = clusterLinks(
      rows.map((r) => r.id),
      clusterEdges,
      { splits, key: (id) => byId.get(id)!.key },
    );
    summary.heldApartBySplit += skipped.length;

    // canonical id per table: the first member (by key) of the cluster in the row's own table
    const members = new Map<string, string[]>();
    for (const r of rows) {
      const label = labels.get(r.id)!;
      let m = members.get(label);
      if (!m) members.set(label, (m = []));
      m.push(r.id);
    }
    const firstInTable = new Map<string, string>();
    for (const [label, ids] of members) {
      if (ids.length > 1) {
        if (kind === 'person') summary.personClusters++;
        else summary.accountClusters++;
      }
      for (const id of ids) {
        const r = byId.get(id)!;
        const k = `${label}\u0000${r.table}`;
        const cur = firstInTable.get(k);
        if (cur === undefined || r.key < byId.get(cur)!.key) firstInTable.set(k, id);
      }
    }
    for (const table of tables) {
      const changes: Array<{ id: string; canonical_id: string }> = [];
      for (const r of rows) {
        if (r.table !== table) continue;
        const canonical = firstInTable.get(`${labels.get(r.id)!}\u0000${table}`)!;
        if (r.canonical_id !== canonical) changes.push({ id: r.id, canonical_id: canonical });
      }
      summary.changed += changes.length;
      for (let i = 0; i < changes.length; i += 5000) {
        await sql`
          update ${sql.table(table)} t set canonical_id = x.canonical_id
          from jsonb_to_recordset(${JSON.stringify(changes.slice(i, i + 5000))}::jsonb) as x(id uuid, canonical_id uuid)
          where t.id = x.id`.execute(trx);
      }
    }

    // identity_clusters: exactly the current rows of this kind, each with its cluster
    const { rows: existing } = await sql<{ row_id: string; cluster_id: string }>`
      select row_id, cluster_id from identity_clusters where kind = ${kind}`.execute(trx);
    const have = new Map(existing.map((e) => [e.row_id, e.cluster_id]));
    const upserts: Array<{ row_id: string; entity_table: string; cluster_id: string }> = [];
    for (const r of rows) {
      const label = labels.get(r.id)!;
      if (have.get(r.id) !== label) upserts.push({ row_id: r.id, entity_table: r.table, cluster_id: label });
      have.delete(r.id);
    }
    const gone = [...have.keys()];
    for (let i = 0; i < gone.length; i += 5000) {
      await sql`delete from identity_clusters where row_id in (select jsonb_array_elements_text(${JSON.stringify(gone.slice(i, i + 5000))}::jsonb)::uuid)`.execute(
        trx,
      );
    }
    for (let i = 0; i < upserts.length; i += 5000) {
      await sql`
        insert into identity_clusters (tenant_id, row_id, entity_table, kind, cluster_id)
        select ${tenant}, x.row_id, x.entity_table, ${kind}, x.cluster_id
        from jsonb_to_recordset(${JSON.stringify(upserts.slice(i, i + 5000))}::jsonb)
          as x(row_id uuid, entity_table text, cluster_id uuid)
        on conflict (tenant_id, row_id) do update
          set cluster_id = excluded.cluster_id, entity_table = excluded.entity_table, kind = excluded.kind,
              updated_at = now()`.execute(trx);
    }
  }
  return summary;
}
