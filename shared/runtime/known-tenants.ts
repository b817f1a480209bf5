import { sql } from 'kysely';
import type { SophiaDatabase } from '../db/database.js';

/**
 * Which tenants exist, for refusing tokens whose `tenant` claim names a tenant this installation does not
 * serve (issue 11: such claims used to be served as SOPHIA_TENANT). Read on the admin path (the `tenants`
 * table has row-level security for the app role); a known tenant is remembered for `ttlMs`, an unknown one
 * is asked again after `negativeTtlMs` (so a tenant created a moment ago is usable almost at once).
 */
export class KnownTenants {
  readonly #known = new Map<string, { known: boolean; until: number }>();

  constructor(
    private readonly database: () => Promise<SophiaDatabase>,
    private readonly ttlMs = 60_000,
    private readonly negativeTtlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async isKnown(tenant: string): Promise<boolean> {
    const cached = this.#known.get(tenant);
    if (cached && cached.until > this.now()) return cached.known;
    const sophia = await this.database();
    const { rows } = await sql<{ one: number }>`select 1 as one from tenants where id = ${tenant}`.execute(
      sophia.db,
    );
    const known = rows.length > 0;
    if (this.#known.size > 10_000) this.#known.clear();
    this.#known.set(tenant, { known, until: this.now() + (known ? this.ttlMs : this.negativeTtlMs) });
    return known;
  }
}
