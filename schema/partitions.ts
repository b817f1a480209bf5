import { sql } from 'kysely';
import type { AnyDb } from './table-spec.js';

/**
 * Monthly partitions of transcript_segments. Ingestion calls `ensureMonthlyPartitions` with the start
 * times of the calls it is about to land; rows of a month without a partition fall into the default
 * partition and are moved when the month's partition is created.
 */
export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function monthRange(key: string): { from: string; to: string } {
  const [y, m] = key.split('_').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1));
  const to = new Date(Date.UTC(y, m, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

const SEGMENT_COLUMNS =
  'tenant_id, call_id, call_started_at, segment_index, speaker_id, participant_id, topic, start_ms, end_ms, text';

export async function existingPartitions(db: AnyDb): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = 'transcript_segments'`.execute(db);
  return new Set(rows.map((r) => r.name));
}

export async function ensureMonthlyPartitions(db: AnyDb, dates: Iterable<Date>): Promise<string[]> {
  const wanted = new Set<string>();
  for (const d of dates) wanted.add(monthKey(d));
  const have = await existingPartitions(db);
  const created: string[] = [];
  for (const key of [...wanted].sort()) {
    const name = `transcript_segments_${key}`;
    if (have.has(name)) continue;
    const { from, to } = monthRange(key);
    await db.transaction().execute(async (trx) => {
      // Rows of this month already in the default partition block the new partition: move them over.
      await sql
        .raw(
          `create temp table _moving on commit drop as
           select ${SEGMENT_COLUMNS} from transcript_segments_default
           where call_started_at >= '${from}' and call_started_at < '${to}'`,
        )
        .execute(trx);
      await sql
        .raw(
          `delete from transcript_segments_default where call_started_at >= '${from}' and call_started_at < '${to}'`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table if not exists ${name} partition of transcript_segments for values from ('${from}') to ('${to}')`,
        )
        .execute(trx);
      await sql
        .raw(`insert into transcript_segments (${SEGMENT_COLUMNS}) select ${SEGMENT_COLUMNS} from _moving`)
        .execute(trx);
    });
    created.push(name);
  }
  return created;
}
