import { sql, type RawBuilder } from 'kysely';

/**
 * SQL pieces that name the rep of a call: the call's primary user, grouped by identity cluster (one person
 * across sources), with the person's name and team. `repOf` joins `calls c` to `rep r` (key, name, team).
 */
export const repOf: RawBuilder<unknown> = sql`join users ru on ru.id = c.primary_user_id
  join (select coalesce(canonical_id, id) as key, max(full_name) as name, max(team) as team
        from users group by 1) r on r.key = coalesce(ru.canonical_id, ru.id)`;
